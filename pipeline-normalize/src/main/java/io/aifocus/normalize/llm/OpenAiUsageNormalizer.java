package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.OpenAiUsageColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
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
 * openai-usage raw rows (one per Usage API result and token type) → FOCUS 1.3 usage rows priced from the
 * price book. Mapping: docs/sources/openai-usage.md.
 */
public final class OpenAiUsageNormalizer implements Normalizer {
  static final String PROVIDER_ID = "openai";
  static final String PROVIDER = "OpenAI";

  private static final String PRICE_INDEX = "_aif_price_index";

  private final RawSchema schema = RawSchema.load(SourceKind.OPENAI_USAGE.id());

  @Override
  public SourceKind kind() {
    return SourceKind.OPENAI_USAGE;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    PriceBook book = context.priceBook();
    Column type = col(RawColumns.TOKEN_TYPE);
    Column startSeconds = number(START_TIME);
    Column endSeconds = number(END_TIME);
    Column start = timestamp_seconds(startSeconds.cast(DataTypes.LongType));
    Column end = timestamp_seconds(endSeconds.cast(DataTypes.LongType));
    Column model = Parse.text(col(MODEL));
    Column batch = coalesce(lower(Parse.text(col(BATCH))).equalTo(lit("true")), lit(false));
    Column zero = lit(0);
    Column cached = number(INPUT_CACHED_TOKENS);
    Column writes = number(INPUT_CACHE_WRITE_TOKENS);
    // input_tokens includes cache reads and cache writes: the input row holds only the uncached rest
    Column uncached = number(INPUT_TOKENS).minus(coalesce(cached, zero)).minus(coalesce(writes, zero));
    Column tokens = when(type.equalTo(lit(TokenType.INPUT.id())), uncached)
        .when(type.equalTo(lit(TokenType.OUTPUT.id())), number(OUTPUT_TOKENS))
        .when(type.equalTo(lit(TokenType.CACHE_READ.id())), cached)
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_5M.id())), writes);
    Column isInput = type.equalTo(lit(TokenType.INPUT.id()));
    Column isOutput = type.equalTo(lit(TokenType.OUTPUT.id()));

    Dataset<Row> indexed = input.rows().withColumn(PRICE_INDEX, book.index(lit(PROVIDER_ID), model, start, Parse.text(col(SERVICE_TIER))));
    Column index = col(PRICE_INDEX);
    FocusRow row = new FocusRow();
    TokenUsageRows.provider(row, PROVIDER);
    TokenUsageRows.Priced priced = TokenUsageRows.Priced.of(indexed, book, index, type, tokens, batch, lit(0L));
    Dataset<Row> rows = priced.rows();
    Column cost = priced.cost();
    TokenUsageRows.price(row, book, index, type, priced, batch,
        concat(lit(PROVIDER_ID + "/"), ModelIds.fromUsageType(model)));
    row.set(BILLING_ACCOUNT_ID, lit(OpenAiCostsNormalizer.ACCOUNT));
    row.set(BILLING_ACCOUNT_TYPE, lit("Organization"));
    Column project = Parse.text(col(PROJECT_ID));
    row.set(SUB_ACCOUNT_ID, project);
    row.set(SUB_ACCOUNT_NAME, project); // the API gives ids only; FOCUS requires a name with an id
    row.set(SUB_ACCOUNT_TYPE, when(project.isNotNull(), lit("Project")));
    Column month = date_trunc("month", start);
    row.set(BILLING_PERIOD_START, month);
    row.set(BILLING_PERIOD_END, add_months(month, 1).cast(DataTypes.TimestampType));
    row.set(CHARGE_PERIOD_START, start);
    row.set(CHARGE_PERIOD_END, end);
    row.set(CHARGE_DESCRIPTION, concat(model, lit(" "), TokenUsageRows.meter(type),
        when(batch, lit(" (batch)")).otherwise(lit(""))));
    Column normalizedModel = ModelIds.fromUsageType(model);

    Map<String, Column> tags = new LinkedHashMap<>();
    tags.put("user-id", Parse.text(col(USER_ID)));
    tags.put("api-key-id", Parse.text(col(API_KEY_ID)));
    tags.put("service-tier", lower(Parse.text(col(SERVICE_TIER))));
    // modality splits are part of input_tokens / output_tokens (priced at the token price); kept for analysis
    tags.put("input-audio-tokens", when(isInput, wholeText(INPUT_AUDIO_TOKENS)));
    tags.put("input-image-tokens", when(isInput, wholeText(INPUT_IMAGE_TOKENS)));
    tags.put("output-audio-tokens", when(isOutput, wholeText(OUTPUT_AUDIO_TOKENS)));
    tags.put("output-image-tokens", when(isOutput, wholeText(OUTPUT_IMAGE_TOKENS)));
    rows = rows.withColumn(TokenUsageRows.TAG_MAP, AnthropicUsageNormalizer.tagMap(tags));
    Column tagMap = col(TokenUsageRows.TAG_MAP);
    row.set(TAGS, Tags.json(tagMap));
    row.set(ExtensionColumns.TEAM, Tags.team(tagMap, context.teamTagKeys()));
    row.set(ExtensionColumns.MODEL, normalizedModel);
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, lit(PROVIDER_ID));
    // organization.usage.completions.result -> completions
    row.set(ExtensionColumns.OPERATION, Parse.text(regexp_extract(col(OBJECT), "^organization\\.usage\\.([a-z_]+)\\.result$", 1)));
    row.set(ExtensionColumns.REQUESTS, when(isInput, number(NUM_MODEL_REQUESTS)).otherwise(lit(0)));
    row.set(ExtensionColumns.SOURCE_RECORD_ID, concat_ws("/", col(START_TIME), model, project,
        Parse.text(col(USER_ID)), Parse.text(col(API_KEY_ID)), lower(Parse.text(col(BATCH))),
        lower(Parse.text(col(SERVICE_TIER)))));

    Rejections rejections = new Rejections()
        .malformedMessage("not a Usage API page (bad JSON, no 'data' array, or a field of the wrong JSON type)");
    TokenUsageRows.checkRawValues(rejections, schema, OpenAiUsageNormalizer::raw);
    rejections.number(START_TIME, col(START_TIME), startSeconds);
    rejections.number(END_TIME, col(END_TIME), endSeconds);
    rejections.check(END_TIME, endSeconds.leq(startSeconds), PipelineErrorCode.INVALID_VALUE,
        lit(END_TIME + ": bucket ends before it starts"));
    rejections.check(INPUT_TOKENS, uncached.isNotNull().and(uncached.lt(zero)), PipelineErrorCode.INVALID_VALUE,
        lit(INPUT_TOKENS + ": smaller than its cached + cache-write tokens (input tokens include them)"));
    Column declared = number(INPUT_UNCACHED_TOKENS);
    rejections.check(INPUT_UNCACHED_TOKENS, declared.isNotNull().and(uncached.isNotNull()).and(declared.notEqual(uncached)),
        PipelineErrorCode.INVALID_VALUE, concat(lit(INPUT_UNCACHED_TOKENS + ": '"), col(INPUT_UNCACHED_TOKENS),
            lit("' is not input_tokens - input_cached_tokens - input_cache_write_tokens = "),
            uncached.cast(DataTypes.LongType).cast(DataTypes.StringType)));
    TokenUsageRows.checkPriced(rejections, model.isNotNull().and(start.isNotNull()).and(priced.tokens().geq(zero)), cost,
        PROVIDER_ID, model, type, start, book);

    List<String> rawColumns = new ArrayList<>(schema.columns().stream().map(RawColumn::name).toList());
    rawColumns.add(RawColumns.TOKEN_TYPE);
    // one row per charge period, provider, model, token type, price and attribution key (TokenRowAggregation)
    return TokenRowAggregation.aggregate(
        rejections.countDropped().split(kind(), rows, row.columns(), rawColumns, cost, month));
  }

  /** A count as tag text; none when absent or 0. */
  private static Column wholeText(String field) {
    Column n = number(field);
    return when(n.gt(lit(0)), n.cast(DataTypes.LongType).cast(DataTypes.StringType));
  }

  private static Column raw(String name) {
    return col(name);
  }

  private static Column number(String name) {
    return Parse.decimal(col(name));
  }
}
