package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.AnthropicCostColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Lookups;
import io.aifocus.normalize.ModelIds;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * anthropic-cost raw rows (one per cost-report result) → FOCUS 1.3 usage rows carrying Anthropic's billed
 * amount (cents ÷ 100). Mapping: docs/sources/anthropic-cost.md.
 */
public final class AnthropicCostNormalizer implements Normalizer {
  /** cost report token_type → aifocus token type. */
  static final Map<String, String> TOKEN_TYPES = Map.of(
      "uncached_input_tokens", TokenType.INPUT.id(),
      "output_tokens", TokenType.OUTPUT.id(),
      "cache_read_input_tokens", TokenType.CACHE_READ.id(),
      "cache_creation.ephemeral_5m_input_tokens", TokenType.CACHE_WRITE_5M.id(),
      "cache_creation.ephemeral_1h_input_tokens", TokenType.CACHE_WRITE_1H.id());

  private final RawSchema schema = RawSchema.load(SourceKind.ANTHROPIC_COST.id());

  @Override
  public SourceKind kind() {
    return SourceKind.ANTHROPIC_COST;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    Column amount = Parse.decimal(col(AMOUNT)).divide(lit(MINOR_UNITS_PER_UNIT));
    Column start = Parse.timestamp(col(STARTING_AT));
    Column end = Parse.timestamp(col(ENDING_AT));
    Column currency = upper(trim(col(CURRENCY)));
    Column model = Parse.text(col(MODEL));
    Column costType = lower(Parse.text(col(COST_TYPE)));
    Column tokenType = Lookups.lookup(TOKEN_TYPES, lower(Parse.text(col(TOKEN_TYPE))));
    Column month = date_trunc("month", start);

    FocusRow row = new FocusRow();
    TokenUsageRows.provider(row, AnthropicUsageNormalizer.PROVIDER);
    row.set(BILLED_COST, amount);
    row.set(EFFECTIVE_COST, amount);
    row.set(LIST_COST, amount);
    row.set(CONTRACTED_COST, amount);
    row.set(BILLING_CURRENCY, currency);
    row.set(PRICING_CURRENCY, currency);
    row.set(PRICING_CURRENCY_EFFECTIVE_COST, amount);
    row.set(BILLING_ACCOUNT_ID, lit(AnthropicUsageNormalizer.ACCOUNT));
    row.set(BILLING_ACCOUNT_TYPE, lit("Organization"));
    Column workspace = Parse.text(col(WORKSPACE_ID));
    row.set(SUB_ACCOUNT_ID, workspace);
    row.set(SUB_ACCOUNT_NAME, workspace); // the API gives ids only; FOCUS requires a name with an id
    row.set(SUB_ACCOUNT_TYPE, when(workspace.isNotNull(), lit("Workspace")));
    row.set(BILLING_PERIOD_START, month);
    row.set(BILLING_PERIOD_END, add_months(month, 1).cast(DataTypes.TimestampType));
    row.set(CHARGE_PERIOD_START, start);
    row.set(CHARGE_PERIOD_END, end);
    row.set(CHARGE_DESCRIPTION, coalesce(Parse.text(col(DESCRIPTION)), lit("Anthropic API usage")));
    row.set(SKU_METER, coalesce(TokenUsageRows.meter(tokenType), costType));
    TokenUsageRows.wholeLine(row, org.apache.spark.sql.functions.concat_ws("/", lit("anthropic/cost"),
        coalesce(TokenUsageRows.skuPart(model), lit("no-model")), coalesce(TokenUsageRows.skuPart(coalesce(tokenType, costType)),
            lit("usage"))), amount);
    row.set(REGION_ID, Parse.text(col(INFERENCE_GEO)));
    row.set(REGION_NAME, Parse.text(col(INFERENCE_GEO)));
    Map<String, Column> tags = new LinkedHashMap<>();
    tags.put("cost-type", costType);
    tags.put("service-tier", lower(Parse.text(col(SERVICE_TIER))));
    tags.put("context-window", Parse.text(col(CONTEXT_WINDOW)));
    row.set(TAGS, Tags.json(AnthropicUsageNormalizer.tagMap(tags)));
    row.set(ExtensionColumns.TEAM, lit(CostAndUsageTable.UNATTRIBUTED_TEAM));
    row.set(ExtensionColumns.MODEL, coalesce(ModelIds.fromUsageType(model), lit(CostAndUsageTable.NO_MODEL)));
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, lit(AnthropicUsageNormalizer.PROVIDER_ID));
    row.set(ExtensionColumns.USAGE_TYPE, coalesce(tokenType, costType));

    Rejections rejections = new Rejections()
        .malformedMessage("not a cost report page (bad JSON, no 'data' array, or a field of the wrong JSON type)");
    for (RawColumn column : schema.scalarColumns()) {
      switch (column.type()) {
        case "decimal" -> rejections.number(column.name(), col(column.name()), Parse.decimal(col(column.name())));
        case "timestamp" -> rejections.timestamp(column.name(), col(column.name()), Parse.timestamp(col(column.name())));
        default -> { }
      }
    }
    for (String required : schema.requiredColumns()) {
      rejections.required(required, col(required));
    }
    rejections.check(ENDING_AT, end.leq(start), PipelineErrorCode.INVALID_VALUE,
        lit(ENDING_AT + ": bucket ends before it starts"));
    rejections.check(CURRENCY, Parse.present(col(CURRENCY)).and(currency.rlike("^[A-Z]{3}$").unary_$bang()),
        PipelineErrorCode.INVALID_VALUE, concat(lit(CURRENCY + ": not a currency code: '"), col(CURRENCY), lit("'")));
    List<String> rawColumns = schema.columns().stream().map(RawColumn::name).toList();
    return rejections.split(kind(), input.rows(), row.columns(), rawColumns, amount, month);
  }
}
