package io.aifocus.ingest.llm;

import static io.aifocus.schema.source.GatewayLogColumns.*;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.JsonLines;
import io.aifocus.ingest.SparkFiles;
import io.aifocus.ingest.Values;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads gateway request logs (JSONL, sources/gateway-log.yaml) and emits one raw row per request and token
 * type ({@link RawColumns#TOKEN_TYPE}): always {@code input}, {@code output} unless the record says 0 output
 * tokens, plus {@code cache-read},
 * {@code cache-write-5m} and {@code cache-write-1h} when the record has those fields. A malformed line gives
 * one row with the corrupt text, its line number and no token type.
 *
 * <p>The billed amount for the reconciliation is the usage priced from the price book of the source option
 * {@code price-book} (the one the normalizer receives), computed here from the raw values independently of
 * the normalizer: a log carries no money, so "input total" means priced usage.
 */
public final class GatewayLogReader implements SourceReader {
  /** Source option naming the price book file; set by the runner from the config. */
  public static final String PRICE_BOOK_OPTION = "price-book";

  /** Hidden columns of the reader's own pricing (input side of the reconciliation); the normalizer never reads them. */
  static final String READER_PRICE_INDEX = "_aif_reader_price_index";
  static final String READER_PRICED_USAGE = "_aif_reader_priced_usage";

  private final RawSchema schema = RawSchema.load(SourceKind.GATEWAY_LOG.id());

  @Override
  public SourceKind kind() {
    return SourceKind.GATEWAY_LOG;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    List<String> files = InputFiles.list(spark, spec.path());
    StructType fields = jsonSchema();
    Dataset<Row> all = null;
    for (String file : files) {
      if (InputFiles.formatOf(file) != InputFiles.Format.JSON) {
        throw new PipelineException(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT,
            file + ": gateway-log reads JSON Lines (.jsonl, .ndjson, .json, optionally .gz)");
      }
      Dataset<Row> one = JsonLines.read(spark, file, fields);
      all = all == null ? one : all.unionByName(one);
    }
    PriceBook book = spec.options().containsKey(PRICE_BOOK_OPTION)
        ? PriceBook.load(Path.of(spec.options().get(PRICE_BOOK_OPTION))) : PriceBook.empty();
    Dataset<Row> rows = all.withColumn(RawColumns.TOKEN_TYPE, explode(tokenTypes()))
        .withColumn(READER_PRICE_INDEX, priceIndex(book))
        .withColumn(READER_PRICED_USAGE, pricedUsage(book));
    return new RawInput(kind(), rows, files, col(READER_PRICED_USAGE), date_trunc("month", timestamp()));
  }

  /** Every raw field as a string, {@code tags} as a map of strings. */
  private StructType jsonSchema() {
    List<StructField> out = new ArrayList<>();
    for (RawColumn column : schema.columns()) {
      out.add(DataTypes.createStructField(column.name(), column.isMap()
          ? DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType) : DataTypes.StringType, true));
    }
    return DataTypes.createStructType(out);
  }

  /** The token types of one record; a single null for a malformed line (one quarantine row). */
  private static Column tokenTypes() {
    Column corrupt = col(RawColumns.CORRUPT_RECORD).isNotNull();
    Column types = filter(array(
        lit(TokenType.INPUT.id()),
        // no output row for a request that produced none (embeddings): it would carry no price and no cost
        when(present(OUTPUT_TOKENS).unary_$bang().or(number(OUTPUT_TOKENS).isNull())
            .or(number(OUTPUT_TOKENS).notEqual(lit(0))), lit(TokenType.OUTPUT.id())),
        when(present(CACHE_READ_TOKENS), lit(TokenType.CACHE_READ.id())),
        when(present(CACHE_CREATION_TOKENS), lit(TokenType.CACHE_WRITE_5M.id())),
        when(present(CACHE_CREATION_1H_TOKENS), lit(TokenType.CACHE_WRITE_1H.id()))), Column::isNotNull);
    return when(corrupt, array(lit(null).cast(DataTypes.StringType))).otherwise(types);
  }

  private static Column present(String field) {
    Column s = trim(col(SparkFiles.quote(field)));
    return s.isNotNull().and(s.notEqual(lit("")));
  }

  private static Column number(String field) {
    return Values.decimal(col(SparkFiles.quote(field)));
  }

  private static Column timestamp() {
    return Values.timestamp(col(TIMESTAMP));
  }

  /** Tokens of this row's type: input is the uncached part of input_tokens (it includes cache reads and writes). */
  static Column tokens() {
    Column zero = lit(0);
    Column writes = coalesce(number(CACHE_CREATION_TOKENS), number(CACHE_CREATION_1H_TOKENS), zero);
    Column type = col(RawColumns.TOKEN_TYPE);
    return when(type.equalTo(lit(TokenType.INPUT.id())),
            number(INPUT_TOKENS).minus(coalesce(number(CACHE_READ_TOKENS), zero)).minus(writes))
        .when(type.equalTo(lit(TokenType.OUTPUT.id())), number(OUTPUT_TOKENS))
        .when(type.equalTo(lit(TokenType.CACHE_READ.id())), number(CACHE_READ_TOKENS))
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_5M.id())),
            number(CACHE_CREATION_TOKENS).minus(coalesce(number(CACHE_CREATION_1H_TOKENS), zero)))
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_1H.id())), number(CACHE_CREATION_1H_TOKENS));
  }

  private static Column priceIndex(PriceBook book) {
    Column model = coalesce(Values.text(col(SparkFiles.quote(RESPONSE_MODEL))), Values.text(col(SparkFiles.quote(REQUEST_MODEL))));
    return book.index(col(SparkFiles.quote(PROVIDER)), model, timestamp());
  }

  private static Column pricedUsage(PriceBook book) {
    Column index = col(READER_PRICE_INDEX);
    Column batch = coalesce(lower(trim(col(SparkFiles.quote(BATCH)))).equalTo(lit("true")), lit(false));
    return book.cost(index, col(RawColumns.TOKEN_TYPE), batch, number(INPUT_TOKENS), tokens());
  }
}
