package io.aifocus.ingest.llm;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.JsonLines;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Provider admin API response pages as saved from the API ({@code {data: [bucket...], has_more, next_page}},
 * each bucket {@code {<start>, <end>, results: [...]}}): a {@code .json} file is one page (pretty-printed
 * or not), a {@code .jsonl} file one page per line. Flattens every result of every bucket into one row
 * {@code (bucket start, bucket end, result struct)}; a bucket without results holds no record. A page that
 * is not JSON, or has no {@code data} array, is one corrupt row with its file and line.
 */
final class ApiPages {
  /** Columns of {@link #read}: bucket start and end (as strings), the result struct. */
  static final String BUCKET_START = "_aif_bucket_start";
  static final String BUCKET_END = "_aif_bucket_end";
  static final String RESULT = "_aif_result";

  private ApiPages() {}

  static Dataset<Row> read(SparkSession spark, List<String> files, String kind, String startField, String endField,
      StructType result) {
    StructType bucket = DataTypes.createStructType(List.of(
        DataTypes.createStructField(startField, DataTypes.StringType, true),
        DataTypes.createStructField(endField, DataTypes.StringType, true),
        DataTypes.createStructField("results", DataTypes.createArrayType(result), true)));
    StructType page = DataTypes.createStructType(List.of(
        DataTypes.createStructField("object", DataTypes.StringType, true),
        DataTypes.createStructField("data", DataTypes.createArrayType(bucket), true)));
    Dataset<Row> pages = null;
    for (String file : files) {
      if (InputFiles.formatOf(file) != InputFiles.Format.JSON) {
        throw new PipelineException(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT,
            file + ": " + kind + " reads API response pages (.json: one page; .jsonl: one page per line)");
      }
      String name = file.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
      Dataset<Row> one = name.endsWith(".json")
          ? JsonLines.readDocument(spark, file, page) : JsonLines.read(spark, file, page);
      pages = pages == null ? one : pages.unionByName(one);
    }
    Column corrupt = when(col(RawColumns.CORRUPT_RECORD).isNotNull(), col(RawColumns.CORRUPT_RECORD))
        .when(col("data").isNull(), concat(lit("not an API response page (no 'data' array); object: "),
            coalesce(col("object"), lit("none"))));
    Column results = flatten(transform(col("data"),
        b -> transform(b.getField("results"), r -> struct(b.getField(startField).as(BUCKET_START),
            b.getField(endField).as(BUCKET_END), r.as(RESULT)))));
    return pages
        .select(explode_outer(results).as("e"), corrupt.as(RawColumns.CORRUPT_RECORD),
            col(RawColumns.SOURCE_FILE), col(RawColumns.SOURCE_LINE))
        .where(col("e").isNotNull().or(col(RawColumns.CORRUPT_RECORD).isNotNull()))
        .select(col("e." + BUCKET_START).as(BUCKET_START), col("e." + BUCKET_END).as(BUCKET_END),
            col("e." + RESULT).as(RESULT), col(RawColumns.CORRUPT_RECORD), col(RawColumns.SOURCE_FILE),
            col(RawColumns.SOURCE_LINE));
  }

  /** A struct of string fields. */
  static StructType strings(List<String> names) {
    return DataTypes.createStructType(names.stream()
        .map(n -> DataTypes.createStructField(n, DataTypes.StringType, true)).toList());
  }
}
