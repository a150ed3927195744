package io.aifocus.ingest.llm;

import static io.aifocus.schema.source.LiteLlmSpendColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.ingest.CsvHeader;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.JsonLines;
import io.aifocus.ingest.SparkFiles;
import io.aifocus.ingest.Values;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads LiteLLM_SpendLogs exports (sources/litellm-spend.yaml): CSV with a header row, or JSON Lines. One raw
 * row per request; only the declared columns are kept, so prompt and response bodies never leave the reader.
 * {@code metadata} and {@code request_tags} are kept as JSON text (a JSON object in a JSONL file is read as
 * its text; a JSON-encoded string stays a string), decoded by the normalizer. The billed amount of the
 * reconciliation is {@code spend}: LiteLLM's own price of the request.
 */
public final class LiteLlmSpendReader implements SourceReader {
  private final RawSchema schema = RawSchema.load(SourceKind.LITELLM_SPEND.id());

  @Override
  public SourceKind kind() {
    return SourceKind.LITELLM_SPEND;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    List<String> files = InputFiles.list(spark, spec.path());
    List<String> names = schema.columns().stream().map(RawColumn::name).toList();
    Dataset<Row> all = null;
    for (String file : files) {
      Dataset<Row> one = switch (InputFiles.formatOf(file)) {
        case CSV -> csv(spark, file, names);
        case JSON -> JsonLines.read(spark, file, ApiPages.strings(names));
        case PARQUET -> throw new PipelineException(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT,
            file + ": litellm-spend reads CSV (header row) or JSON Lines exports of LiteLLM_SpendLogs");
      };
      if (one == null) {
        continue;
      }
      all = all == null ? one : all.unionByName(one);
    }
    if (all == null) {
      all = spark.createDataFrame(List.of(), empty(names));
    }
    return new RawInput(kind(), all, files, Values.decimal(col(SPEND)),
        date_trunc("month", Values.timestamp(col(START_TIME))));
  }

  /** One CSV file's declared columns (absent optional ones as nulls); null for an empty file. */
  private Dataset<Row> csv(SparkSession spark, String file, List<String> names) {
    Optional<List<String>> header = CsvHeader.read(spark.sparkContext().hadoopConfiguration(), file);
    if (header.isEmpty()) {
      return null;
    }
    List<String> present = header.get().stream().map(String::strip).toList();
    for (String required : schema.requiredColumns()) {
      if (!present.contains(required)) {
        throw new PipelineException(PipelineErrorCode.MISSING_REQUIRED_COLUMN,
            file + ": missing required column '" + required + "' (source kind litellm-spend)");
      }
    }
    Dataset<Row> df = SparkFiles.csv(spark, file, header.get());
    List<Column> out = new ArrayList<>();
    for (String name : names) {
      int i = present.indexOf(name);
      out.add((i >= 0 ? col(SparkFiles.quote(header.get().get(i))) : lit(null).cast(DataTypes.StringType)).as(name));
    }
    out.add(col(RawColumns.CORRUPT_RECORD));
    out.add(col(RawColumns.SOURCE_FILE));
    out.add(col(RawColumns.SOURCE_LINE));
    return df.select(out.toArray(Column[]::new));
  }

  private static StructType empty(List<String> names) {
    return ApiPages.strings(names)
        .add(RawColumns.CORRUPT_RECORD, DataTypes.StringType)
        .add(RawColumns.SOURCE_FILE, DataTypes.StringType)
        .add(RawColumns.SOURCE_LINE, DataTypes.LongType);
  }
}
