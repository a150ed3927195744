package io.aifocus.ingest.llm;

import static io.aifocus.schema.source.AnthropicCostColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;

import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.Values;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads Anthropic cost report pages (sources/anthropic-cost.yaml): every result of every bucket is one raw
 * row. The billed amount of the reconciliation is {@code amount} ÷ 100: Anthropic reports amounts as
 * decimal strings in the lowest currency unit (cents).
 */
public final class AnthropicCostReader implements SourceReader {
  private static final List<String> FIELDS = List.of(AMOUNT, CURRENCY, COST_TYPE, TOKEN_TYPE, DESCRIPTION, MODEL,
      SERVICE_TIER, CONTEXT_WINDOW, INFERENCE_GEO, WORKSPACE_ID);

  @Override
  public SourceKind kind() {
    return SourceKind.ANTHROPIC_COST;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    List<String> files = InputFiles.list(spark, spec.path());
    List<Column> select = new ArrayList<>();
    select.add(col(ApiPages.BUCKET_START).as(STARTING_AT));
    select.add(col(ApiPages.BUCKET_END).as(ENDING_AT));
    for (String field : FIELDS) {
      select.add(col(ApiPages.RESULT + "." + field).as(field));
    }
    select.add(col(RawColumns.CORRUPT_RECORD));
    select.add(col(RawColumns.SOURCE_FILE));
    select.add(col(RawColumns.SOURCE_LINE));
    Dataset<Row> rows = ApiPages.read(spark, files, kind().id(), STARTING_AT, ENDING_AT, ApiPages.strings(FIELDS))
        .select(select.toArray(Column[]::new));
    Column billed = Values.decimal(col(AMOUNT)).divide(lit(MINOR_UNITS_PER_UNIT));
    return new RawInput(kind(), rows, files, billed, date_trunc("month", Values.timestamp(col(STARTING_AT))));
  }
}
