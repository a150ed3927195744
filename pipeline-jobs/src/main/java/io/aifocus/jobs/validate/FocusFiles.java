package io.aifocus.jobs.validate;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a FOCUS file as it is, for validation without ingesting it. */
public final class FocusFiles {
  private FocusFiles() {}

  /** True for text formats (CSV): every column is a string and type rules check that values parse. */
  public static boolean isText(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".csv") || p.endsWith(".csv.gz");
  }

  /**
   * CSV (all columns as strings, RFC 4180 quoting, the literal {@code NULL} as null as in the official samples)
   * or Parquet (its own types).
   */
  public static Dataset<Row> read(SparkSession spark, String path) {
    if (!new java.io.File(path).exists() && !path.contains("://")) {
      throw new PipelineException(PipelineErrorCode.INPUT_NOT_FOUND, path + ": no such file");
    }
    if (isText(path)) {
      return spark.read().option("header", "true").option("inferSchema", "false").option("multiLine", "true")
          .option("escape", "\"").option("nullValue", "NULL").csv(path);
    }
    if (path.toLowerCase(Locale.ROOT).endsWith(".parquet") || new java.io.File(path).isDirectory()) {
      return spark.read().parquet(path);
    }
    throw new PipelineException(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT,
        path + ": validate --input reads CSV (.csv, .csv.gz) or Parquet (.parquet) files");
  }
}
