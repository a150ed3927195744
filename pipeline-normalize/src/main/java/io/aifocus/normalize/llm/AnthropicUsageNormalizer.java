package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.AnthropicUsageColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.ModelIds;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * anthropic-usage raw rows (one per usage-report result and token type) → FOCUS 1.3 usage rows priced from
 * the price book. Mapping: docs/sources/anthropic-usage.md.
 */
public final class AnthropicUsageNormalizer implements Normalizer {
  static final String PROVIDER_ID = "anthropic";
  static final String PROVIDER = "Anthropic";
  /** The usage report names no organization; rows are scoped to this billing account id. */
  static final String ACCOUNT = "anthropic";

  private static final String PRICE_INDEX = "_aif_price_index";

  private final RawSchema schema = RawSchema.load(SourceKind.ANTHROPIC_USAGE.id());

  @Override
  public SourceKind kind() {
    return SourceKind.ANTHROPIC_USAGE;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    PriceBook book = context.priceBook();
    Column type = col(RawColumns.TOKEN_TYPE);
    Column start = Parse.timestamp(col(STARTING_AT));
    Column end = Parse.timestamp(col(ENDING_AT));
    Column model = Parse.text(col(MODEL));
    Column tier = lower(Parse.text(col(SERVICE_TIER)));
    Column batch = coalesce(tier.equalTo(lit(BATCH_TIER)), lit(false));
    Column contextWindow = Parse.text(col(CONTEXT_WINDOW));
    // no per-request sizes in a usage report: the context window names the price tier
    Column requestInput = when(contextWindow.equalTo(lit(LONG_CONTEXT_WINDOW)), lit(Long.MAX_VALUE)).otherwise(lit(0L));
    Column tokens = when(type.equalTo(lit(TokenType.INPUT.id())), number(UNCACHED_INPUT_TOKENS))
        .when(type.equalTo(lit(TokenType.OUTPUT.id())), number(OUTPUT_TOKENS))
        .when(type.equalTo(lit(TokenType.CACHE_READ.id())), number(CACHE_READ_INPUT_TOKENS))
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_5M.id())), number(CACHE_CREATION_5M_INPUT_TOKENS))
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_1H.id())), number(CACHE_CREATION_1H_INPUT_TOKENS));

    Dataset<Row> indexed = input.rows().withColumn(PRICE_INDEX, book.index(lit(PROVIDER_ID), model, start, tier));
    Column index = col(PRICE_INDEX);
    FocusRow row = new FocusRow();
    TokenUsageRows.provider(row, PROVIDER);
    TokenUsageRows.Priced priced = TokenUsageRows.Priced.of(indexed, book, index, type, tokens, batch, requestInput);
    Dataset<Row> rows = priced.rows();
    Column cost = priced.cost();
    TokenUsageRows.price(row, book, index, type, priced, batch,
        concat(lit(PROVIDER_ID + "/"), ModelIds.fromUsageType(model)));
    row.set(BILLING_ACCOUNT_ID, lit(ACCOUNT));
    row.set(BILLING_ACCOUNT_TYPE, lit("Organization"));
    Column workspace = Parse.text(col(WORKSPACE_ID));
    row.set(SUB_ACCOUNT_ID, workspace);
    row.set(SUB_ACCOUNT_NAME, workspace); // the API gives ids only; FOCUS requires a name with an id
    row.set(SUB_ACCOUNT_TYPE, when(workspace.isNotNull(), lit("Workspace")));
    Column month = date_trunc("month", start);
    row.set(BILLING_PERIOD_START, month);
    row.set(BILLING_PERIOD_END, add_months(month, 1).cast(DataTypes.TimestampType));
    row.set(CHARGE_PERIOD_START, start);
    row.set(CHARGE_PERIOD_END, end);
    row.set(CHARGE_DESCRIPTION, concat(model, lit(" "), TokenUsageRows.meter(type),
        when(batch, lit(" (batch)")).otherwise(lit(""))));
    Column normalizedModel = ModelIds.fromUsageType(model);
    row.set(REGION_ID, Parse.text(col(INFERENCE_GEO)));
    row.set(REGION_NAME, Parse.text(col(INFERENCE_GEO)));

    Map<String, Column> tags = new LinkedHashMap<>();
    tags.put("api-key-id", Parse.text(col(API_KEY_ID)));
    tags.put("service-tier", tier);
    tags.put("context-window", contextWindow);
    tags.put("account-id", Parse.text(col(ACCOUNT_ID)));
    tags.put("service-account-id", Parse.text(col(SERVICE_ACCOUNT_ID)));
    // per-request server tool use is not priced from the price book; kept on the input row for analysis
    Column webSearches = Parse.decimal(col(WEB_SEARCH_REQUESTS));
    tags.put("web-search-requests", when(type.equalTo(lit(TokenType.INPUT.id())).and(webSearches.gt(lit(0))),
        webSearches.cast(DataTypes.LongType).cast(DataTypes.StringType)));
    rows = rows.withColumn(TokenUsageRows.TAG_MAP, tagMap(tags));
    Column tagMap = col(TokenUsageRows.TAG_MAP);
    row.set(TAGS, Tags.json(tagMap));
    row.set(ExtensionColumns.TEAM, Tags.team(tagMap, context.teamTagKeys()));
    row.set(ExtensionColumns.MODEL, normalizedModel);
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, lit(PROVIDER_ID));
    row.set(ExtensionColumns.SOURCE_RECORD_ID, concat_ws("/", col(STARTING_AT), model, workspace,
        Parse.text(col(API_KEY_ID)), tier, contextWindow, Parse.text(col(INFERENCE_GEO))));

    Rejections rejections = new Rejections()
        .malformedMessage("not a usage report page (bad JSON, no 'data' array, or a field of the wrong JSON type)");
    TokenUsageRows.checkRawValues(rejections, schema, AnthropicUsageNormalizer::raw);
    rejections.check(ENDING_AT, end.leq(start), io.aifocus.api.PipelineErrorCode.INVALID_VALUE,
        lit(ENDING_AT + ": bucket ends before it starts"));
    TokenUsageRows.checkPriced(rejections, model.isNotNull().and(start.isNotNull()).and(priced.tokens().geq(lit(0))), cost,
        PROVIDER_ID, model, type, start, book);

    List<String> rawColumns = new ArrayList<>(schema.columns().stream().map(RawColumn::name).toList());
    rawColumns.add(RawColumns.TOKEN_TYPE);
    // one row per charge period, provider, model, token type, price and attribution key (TokenRowAggregation)
    return TokenRowAggregation.aggregate(
        rejections.countDropped().split(kind(), rows, row.columns(), rawColumns, cost, month));
  }

  static Column tagMap(Map<String, Column> tags) {
    List<Column> entries = new ArrayList<>();
    tags.forEach((k, v) -> entries.add(struct(lit(k).as("key"), v.cast(DataTypes.StringType).as("value"))));
    return map_from_entries(filter(array(entries.toArray(Column[]::new)), e -> e.getField("value").isNotNull()));
  }

  private static Column raw(String name) {
    return col(name);
  }

  private static Column number(String name) {
    return Parse.decimal(col(name));
  }
}
