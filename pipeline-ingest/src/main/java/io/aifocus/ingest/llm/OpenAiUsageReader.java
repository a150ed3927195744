package io.aifocus.ingest.llm;

import static io.aifocus.schema.source.OpenAiUsageColumns.*;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.timestamp_seconds;

import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.Values;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads OpenAI Usage API pages (completions and embeddings; sources/openai-usage.yaml) and emits one raw
 * row per result and token type: {@code input} always (it carries the request count), {@code output},
 * {@code cache-read} and {@code cache-write-5m} when their count is present and not 0. OpenAI's
 * {@code input_tokens} INCLUDES cached and cache-write tokens, so the input row's tokens are
 * {@code input_tokens − input_cached_tokens − input_cache_write_tokens}.
 *
 * <p>The billed amount of the reconciliation is the usage priced from the price book of the source option
 * {@code price-book}, computed here from the raw values ({@code batch: true} takes the batch discount).
 */
public final class OpenAiUsageReader implements SourceReader {
  /** Provider id of the price book rows. */
  static final String PROVIDER = "openai";

  private static final List<String> FIELDS = List.of(OBJECT, MODEL, INPUT_TOKENS, INPUT_CACHED_TOKENS,
      INPUT_CACHE_WRITE_TOKENS, INPUT_UNCACHED_TOKENS, OUTPUT_TOKENS, INPUT_AUDIO_TOKENS, OUTPUT_AUDIO_TOKENS,
      INPUT_IMAGE_TOKENS, OUTPUT_IMAGE_TOKENS, NUM_MODEL_REQUESTS, PROJECT_ID, USER_ID, API_KEY_ID, BATCH,
      SERVICE_TIER);

  @Override
  public SourceKind kind() {
    return SourceKind.OPENAI_USAGE;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    List<String> files = InputFiles.list(spark, spec.path());
    List<Column> select = new ArrayList<>();
    select.add(col(ApiPages.BUCKET_START).as(START_TIME));
    select.add(col(ApiPages.BUCKET_END).as(END_TIME));
    for (String field : FIELDS) {
      select.add(col(ApiPages.RESULT + "." + field).as(field));
    }
    select.add(col(RawColumns.CORRUPT_RECORD));
    select.add(col(RawColumns.SOURCE_FILE));
    select.add(col(RawColumns.SOURCE_LINE));
    Dataset<Row> flat = ApiPages.read(spark, files, kind().id(), START_TIME, END_TIME, ApiPages.strings(FIELDS))
        .select(select.toArray(Column[]::new));

    Column zero = lit(0);
    Column uncached = number(INPUT_TOKENS).minus(coalesce(number(INPUT_CACHED_TOKENS), zero))
        .minus(coalesce(number(INPUT_CACHE_WRITE_TOKENS), zero));
    List<TokenRows.Count> counts = List.of(
        new TokenRows.Count(TokenType.INPUT, null, uncached),
        count(TokenType.OUTPUT, OUTPUT_TOKENS),
        count(TokenType.CACHE_READ, INPUT_CACHED_TOKENS),
        count(TokenType.CACHE_WRITE_5M, INPUT_CACHE_WRITE_TOKENS));
    PriceBook book = TokenRows.priceBook(spec);
    Column start = timestamp_seconds(number(START_TIME).cast(DataTypes.LongType));
    Column batch = coalesce(lower(Values.text(col(BATCH))).equalTo(lit("true")), lit(false));
    Dataset<Row> rows = flat.withColumn(RawColumns.TOKEN_TYPE, explode(TokenRows.types(counts)))
        .withColumn(TokenRows.READER_PRICE_INDEX, book.index(lit(PROVIDER), Values.text(col(MODEL)), start, Values.text(col(SERVICE_TIER))))
        .withColumn(TokenRows.READER_PRICED_USAGE, book.cost(col(TokenRows.READER_PRICE_INDEX),
            col(RawColumns.TOKEN_TYPE), batch, lit(0L), TokenRows.tokens(counts)));
    return new RawInput(kind(), rows, files, col(TokenRows.READER_PRICED_USAGE), date_trunc("month", start));
  }

  private static Column number(String field) {
    return Values.decimal(col(field));
  }

  private static TokenRows.Count count(TokenType type, String field) {
    return new TokenRows.Count(type, col(field), number(field));
  }
}
