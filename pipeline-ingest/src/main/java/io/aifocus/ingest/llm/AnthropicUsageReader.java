package io.aifocus.ingest.llm;

import static io.aifocus.schema.source.AnthropicUsageColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.Values;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads Anthropic usage report pages (sources/anthropic-usage.yaml) and emits one raw row per result and
 * token type: {@code input} (the uncached input) always, {@code output}, {@code cache-read},
 * {@code cache-write-5m} and {@code cache-write-1h} when their count is present and not 0. Anthropic's
 * {@code uncached_input_tokens} excludes cache reads and writes, so no subtraction is needed.
 *
 * <p>The billed amount for the reconciliation is the usage priced from the price book of the source option
 * {@code price-book}, computed here from the raw values: service tier {@code batch} takes the batch
 * discount, context window {@code 200k-1M} the long-context prices.
 */
public final class AnthropicUsageReader implements SourceReader {
  /** Provider id of the price book rows. */
  static final String PROVIDER = "anthropic";

  private static final StructType CACHE_CREATION = ApiPages.strings(List.of(
      "ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"));
  private static final StructType SERVER_TOOL_USE = ApiPages.strings(List.of("web_search_requests"));
  private static final List<String> FLAT = List.of(UNCACHED_INPUT_TOKENS, CACHE_READ_INPUT_TOKENS, OUTPUT_TOKENS,
      MODEL, SERVICE_TIER, CONTEXT_WINDOW, WORKSPACE_ID, API_KEY_ID, ACCOUNT_ID, SERVICE_ACCOUNT_ID, INFERENCE_GEO);

  @Override
  public SourceKind kind() {
    return SourceKind.ANTHROPIC_USAGE;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    List<String> files = InputFiles.list(spark, spec.path());
    StructType result = ApiPages.strings(FLAT)
        .add("cache_creation", CACHE_CREATION)
        .add("server_tool_use", SERVER_TOOL_USE);
    String r = ApiPages.RESULT + ".";
    Dataset<Row> flat = ApiPages.read(spark, files, kind().id(), STARTING_AT, ENDING_AT, result).select(
        col(ApiPages.BUCKET_START).as(STARTING_AT),
        col(ApiPages.BUCKET_END).as(ENDING_AT),
        col(r + MODEL).as(MODEL),
        col(r + UNCACHED_INPUT_TOKENS).as(UNCACHED_INPUT_TOKENS),
        col(r + CACHE_READ_INPUT_TOKENS).as(CACHE_READ_INPUT_TOKENS),
        col(r + "cache_creation.ephemeral_5m_input_tokens").as(CACHE_CREATION_5M_INPUT_TOKENS),
        col(r + "cache_creation.ephemeral_1h_input_tokens").as(CACHE_CREATION_1H_INPUT_TOKENS),
        col(r + OUTPUT_TOKENS).as(OUTPUT_TOKENS),
        col(r + "server_tool_use.web_search_requests").as(WEB_SEARCH_REQUESTS),
        col(r + SERVICE_TIER).as(SERVICE_TIER),
        col(r + CONTEXT_WINDOW).as(CONTEXT_WINDOW),
        col(r + WORKSPACE_ID).as(WORKSPACE_ID),
        col(r + API_KEY_ID).as(API_KEY_ID),
        col(r + ACCOUNT_ID).as(ACCOUNT_ID),
        col(r + SERVICE_ACCOUNT_ID).as(SERVICE_ACCOUNT_ID),
        col(r + INFERENCE_GEO).as(INFERENCE_GEO),
        col(RawColumns.CORRUPT_RECORD), col(RawColumns.SOURCE_FILE), col(RawColumns.SOURCE_LINE));

    List<TokenRows.Count> counts = List.of(
        new TokenRows.Count(TokenType.INPUT, null, number(UNCACHED_INPUT_TOKENS)),
        count(TokenType.OUTPUT, OUTPUT_TOKENS),
        count(TokenType.CACHE_READ, CACHE_READ_INPUT_TOKENS),
        count(TokenType.CACHE_WRITE_5M, CACHE_CREATION_5M_INPUT_TOKENS),
        count(TokenType.CACHE_WRITE_1H, CACHE_CREATION_1H_INPUT_TOKENS));
    PriceBook book = TokenRows.priceBook(spec);
    Column start = Values.timestamp(col(STARTING_AT));
    Column batch = lower(Values.text(col(SERVICE_TIER))).equalTo(lit(BATCH_TIER));
    // the usage report has no per-request sizes; its context window says which tier priced the tokens
    Column requestInput = when(Values.text(col(CONTEXT_WINDOW)).equalTo(lit(LONG_CONTEXT_WINDOW)), lit(Long.MAX_VALUE))
        .otherwise(lit(0L));
    Dataset<Row> rows = flat.withColumn(RawColumns.TOKEN_TYPE, explode(TokenRows.types(counts)))
        .withColumn(TokenRows.READER_PRICE_INDEX, book.index(lit(PROVIDER), Values.text(col(MODEL)), start, Values.text(col(SERVICE_TIER))))
        .withColumn(TokenRows.READER_PRICED_USAGE, book.cost(col(TokenRows.READER_PRICE_INDEX),
            col(RawColumns.TOKEN_TYPE), org.apache.spark.sql.functions.coalesce(batch, lit(false)), requestInput,
            TokenRows.tokens(counts)));
    return new RawInput(kind(), rows, files, col(TokenRows.READER_PRICED_USAGE).cast(DataTypes.createDecimalType(38, 12)),
        date_trunc("month", start));
  }

  private static Column number(String field) {
    return Values.decimal(col(field));
  }

  private static TokenRows.Count count(TokenType type, String field) {
    return new TokenRows.Count(type, col(field), number(field));
  }
}
