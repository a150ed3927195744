package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.OpenAiCostsColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.timestamp_seconds;
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
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.ModelIds;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.Rejections;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * openai-costs raw rows (one per Costs API result) → FOCUS 1.3 usage rows carrying OpenAI's billed amount.
 * Mapping: docs/sources/openai-costs.md.
 */
public final class OpenAiCostsNormalizer implements Normalizer {
  static final String PROVIDER = "OpenAI";
  /** The Costs API names no organization; rows are scoped to this billing account id. */
  static final String ACCOUNT = "openai";

  private final RawSchema schema = RawSchema.load(SourceKind.OPENAI_COSTS.id());

  @Override
  public SourceKind kind() {
    return SourceKind.OPENAI_COSTS;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    Column amount = Parse.decimal(col(AMOUNT_VALUE));
    Column startSeconds = Parse.decimal(col(START_TIME));
    Column endSeconds = Parse.decimal(col(END_TIME));
    Column start = timestamp_seconds(startSeconds.cast(DataTypes.LongType));
    Column end = timestamp_seconds(endSeconds.cast(DataTypes.LongType));
    Column currency = upper(trim(col(AMOUNT_CURRENCY)));
    Column lineItem = Parse.text(col(LINE_ITEM));
    Column model = when(lineItem.contains(","), trim(substring_index(lineItem, ",", 1)));
    Column quantity = Parse.decimal(col(QUANTITY));
    Column unit = lower(Parse.text(col(QUANTITY_UNIT)));
    Column month = date_trunc("month", start);

    FocusRow row = new FocusRow();
    row.set(BILLED_COST, amount);
    row.set(EFFECTIVE_COST, amount);
    row.set(LIST_COST, amount);
    row.set(CONTRACTED_COST, amount);
    row.set(BILLING_CURRENCY, currency);
    row.set(PRICING_CURRENCY, currency);
    row.set(PRICING_CURRENCY_EFFECTIVE_COST, amount);
    row.set(BILLING_ACCOUNT_ID, lit(ACCOUNT));
    row.set(BILLING_ACCOUNT_TYPE, lit("Organization"));
    Column project = Parse.text(col(PROJECT_ID));
    row.set(SUB_ACCOUNT_ID, project);
    row.set(SUB_ACCOUNT_NAME, project); // the API gives ids only; FOCUS requires a name with an id
    row.set(SUB_ACCOUNT_TYPE, when(project.isNotNull(), lit("Project")));
    row.set(BILLING_PERIOD_START, month);
    row.set(BILLING_PERIOD_END, add_months(month, 1).cast(DataTypes.TimestampType));
    row.set(CHARGE_PERIOD_START, start);
    row.set(CHARGE_PERIOD_END, end);
    row.set(CHARGE_CATEGORY, lit("Usage"));
    row.set(CHARGE_FREQUENCY, lit("Usage-Based"));
    row.set(CHARGE_DESCRIPTION, coalesce(lineItem, lit("OpenAI API usage")));
    row.set(INVOICE_ISSUER_NAME, lit(PROVIDER));
    row.set(PROVIDER_NAME, lit(PROVIDER));
    row.set(SERVICE_PROVIDER_NAME, lit(PROVIDER));
    row.set(PUBLISHER_NAME, lit(PROVIDER));
    row.set(HOST_PROVIDER_NAME, lit(PROVIDER));
    row.set(SERVICE_CATEGORY, lit("AI and Machine Learning"));
    row.set(SERVICE_SUBCATEGORY, lit("Generative AI"));
    row.set(SERVICE_NAME, lit(PROVIDER + " API"));
    row.set(SKU_METER, lineItem);
    TokenUsageRows.wholeLine(row, concat(lit("openai/costs/"), coalesce(TokenUsageRows.skuPart(lineItem), lit("api-usage"))),
        amount);
    Column tokens = unit.equalTo(lit("tokens"));
    Column kiloTokens = unit.equalTo(lit("1000_tokens"));
    row.set(CONSUMED_QUANTITY, when(kiloTokens, quantity.multiply(lit(1000))).otherwise(quantity));
    row.set(CONSUMED_UNIT, when(quantity.isNull(), lit(null).cast(DataTypes.StringType))
        .when(tokens.or(kiloTokens), lit("Tokens")).otherwise(Parse.text(col(QUANTITY_UNIT))));
    row.set(ExtensionColumns.TEAM, lit(CostAndUsageTable.UNATTRIBUTED_TEAM));
    row.set(ExtensionColumns.MODEL, coalesce(ModelIds.fromUsageType(model), lit(CostAndUsageTable.NO_MODEL)));
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, lit(ACCOUNT));
    row.set(ExtensionColumns.USAGE_TYPE, lineItem);

    Rejections rejections = new Rejections()
        .malformedMessage("not a Costs API page (bad JSON or no 'data' array)");
    for (RawColumn column : schema.scalarColumns()) {
      if (column.type().equals("decimal")) {
        rejections.number(column.name(), col(column.name()), Parse.decimal(col(column.name())));
      }
    }
    rejections.number(START_TIME, col(START_TIME), startSeconds);
    rejections.number(END_TIME, col(END_TIME), endSeconds);
    for (String required : schema.requiredColumns()) {
      rejections.required(required, col(required));
    }
    rejections.check(END_TIME, endSeconds.leq(startSeconds), PipelineErrorCode.INVALID_VALUE,
        lit(END_TIME + ": bucket ends before it starts"));
    rejections.check(AMOUNT_CURRENCY, Parse.present(col(AMOUNT_CURRENCY)).and(currency.rlike("^[A-Z]{3}$").unary_$bang()),
        PipelineErrorCode.INVALID_VALUE, concat(lit(AMOUNT_CURRENCY + ": not a currency code: '"), col(AMOUNT_CURRENCY), lit("'")));
    List<String> rawColumns = schema.columns().stream().map(RawColumn::name).toList();
    return rejections.split(kind(), input.rows(), row.columns(), rawColumns, amount, month);
  }
}
