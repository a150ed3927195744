package io.aifocus.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.aifocus.api.RawColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark reads with the bookkeeping columns every reader needs. */
public final class SparkFiles {
  private SparkFiles() {}

  /**
   * Reads one CSV file with every header column as a string (nothing inferred), PERMISSIVE mode and the
   * corrupt-record column, so malformed records are kept, not dropped. The file path is recorded as given
   * (the form {@link InputFiles#list} returns), so quarantine rows and restatements match it exactly. Columns come back named as in
   * {@code header}, followed by the {@link RawColumns}.
   */
  public static Dataset<Row> csv(SparkSession spark, String file, List<String> header) {
    List<StructField> fields = new ArrayList<>();
    for (String name : header) {
      fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    StructType schema = DataTypes.createStructType(fields);
    Dataset<Row> df =
        spark
            .read()
            .option("header", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", RawColumns.CORRUPT_RECORD)
            .option("multiLine", "false")
            .option("escape", "\"")
            .option("encoding", "UTF-8")
            .schema(schema)
            .csv(file);
    List<Column> cols = new ArrayList<>();
    for (String name : header) {
      cols.add(col(quote(name)).as(name));
    }
    cols.add(col(RawColumns.CORRUPT_RECORD));
    cols.add(lit(file).as(RawColumns.SOURCE_FILE));
    cols.add(lit(null).cast(DataTypes.LongType).as(RawColumns.SOURCE_LINE));
    return df.select(cols.toArray(Column[]::new));
  }

  /** Reads one Parquet file as stored, adding the file path and 1-based row index. */
  public static Dataset<Row> parquet(SparkSession spark, String file) {
    Dataset<Row> df = spark.read().parquet(file);
    List<Column> cols = new ArrayList<>();
    for (String name : df.columns()) {
      cols.add(col(quote(name)));
    }
    cols.add(lit(null).cast(DataTypes.StringType).as(RawColumns.CORRUPT_RECORD));
    cols.add(lit(file).as(RawColumns.SOURCE_FILE));
    cols.add(col("_metadata.row_index").cast(DataTypes.LongType).plus(1).as(RawColumns.SOURCE_LINE));
    return df.select(cols.toArray(Column[]::new));
  }

  /** Back-quotes a column name that holds dots, slashes or other characters Spark would parse. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
