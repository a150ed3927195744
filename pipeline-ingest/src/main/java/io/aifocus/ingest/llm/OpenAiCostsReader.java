package io.aifocus.ingest.llm;

import static io.aifocus.schema.source.OpenAiCostsColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.JsonLines;
import io.aifocus.ingest.Values;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads OpenAI Costs API pages as saved from the API: a {@code .json} file is one page (pretty-printed or
 * not), a {@code .jsonl} file one page per line. Every result of every bucket becomes one raw row in the
 * flat layout of sources/openai-costs.yaml; a bucket without results holds no record. A page that is not
 * JSON, or has no {@code data} array, is one corrupt row with its file and line.
 */
public final class OpenAiCostsReader implements SourceReader {
  private static final DataType S = DataTypes.StringType;
  private static final StructType RESULT = DataTypes.createStructType(List.of(
      DataTypes.createStructField("amount", DataTypes.createStructType(List.of(
          DataTypes.createStructField("value", S, true), DataTypes.createStructField("currency", S, true))), true),
      DataTypes.createStructField(LINE_ITEM, S, true),
      DataTypes.createStructField(PROJECT_ID, S, true),
      DataTypes.createStructField(API_KEY_ID, S, true),
      DataTypes.createStructField(QUANTITY, S, true),
      DataTypes.createStructField(QUANTITY_UNIT, S, true)));
  private static final StructType BUCKET = DataTypes.createStructType(List.of(
      DataTypes.createStructField(START_TIME, S, true),
      DataTypes.createStructField(END_TIME, S, true),
      DataTypes.createStructField("results", DataTypes.createArrayType(RESULT), true)));
  private static final StructType PAGE = DataTypes.createStructType(List.of(
      DataTypes.createStructField("object", S, true),
      DataTypes.createStructField("data", DataTypes.createArrayType(BUCKET), true)));

  @Override
  public SourceKind kind() {
    return SourceKind.OPENAI_COSTS;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    List<String> files = InputFiles.list(spark, spec.path());
    Dataset<Row> pages = null;
    for (String file : files) {
      if (InputFiles.formatOf(file) != InputFiles.Format.JSON) {
        throw new PipelineException(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT,
            file + ": openai-costs reads Costs API pages (.json: one page; .jsonl: one page per line)");
      }
      String name = file.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
      Dataset<Row> one = name.endsWith(".json")
          ? JsonLines.readDocument(spark, file, PAGE) : JsonLines.read(spark, file, PAGE);
      pages = pages == null ? one : pages.unionByName(one);
    }
    Column corrupt = when(col(RawColumns.CORRUPT_RECORD).isNotNull(), col(RawColumns.CORRUPT_RECORD))
        .when(col("data").isNull(), org.apache.spark.sql.functions.concat(
            lit("not a Costs API page (no 'data' array); object: "),
            org.apache.spark.sql.functions.coalesce(col("object"), lit("none"))));
    Column results = flatten(transform(col("data"),
        b -> transform(b.getField("results"), r -> struct(b.getField(START_TIME).as(START_TIME),
            b.getField(END_TIME).as(END_TIME), r.as("r")))));
    Dataset<Row> rows = pages
        .select(explode_outer(results).as("e"), corrupt.as(RawColumns.CORRUPT_RECORD),
            col(RawColumns.SOURCE_FILE), col(RawColumns.SOURCE_LINE))
        .where(col("e").isNotNull().or(col(RawColumns.CORRUPT_RECORD).isNotNull()))
        .select(
            col("e." + START_TIME).as(START_TIME),
            col("e." + END_TIME).as(END_TIME),
            col("e.r.amount.value").as(AMOUNT_VALUE),
            col("e.r.amount.currency").as(AMOUNT_CURRENCY),
            col("e.r." + LINE_ITEM).as(LINE_ITEM),
            col("e.r." + PROJECT_ID).as(PROJECT_ID),
            col("e.r." + API_KEY_ID).as(API_KEY_ID),
            col("e.r." + QUANTITY).as(QUANTITY),
            col("e.r." + QUANTITY_UNIT).as(QUANTITY_UNIT),
            col(RawColumns.CORRUPT_RECORD), col(RawColumns.SOURCE_FILE), col(RawColumns.SOURCE_LINE));
    Column start = timestamp_seconds(Values.decimal(col(START_TIME)).cast(DataTypes.LongType));
    return new RawInput(kind(), rows, files, Values.decimal(col(AMOUNT_VALUE)), date_trunc("month", start));
  }
}
