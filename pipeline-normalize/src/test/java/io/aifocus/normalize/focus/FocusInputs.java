package io.aifocus.normalize.focus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.aifocus.api.CsvRecords;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SparkTestSession;
import io.aifocus.api.SourceKind;
import io.aifocus.normalize.Names;
import io.aifocus.normalize.Parse;
import io.aifocus.schema.FocusColumns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Raw input shaped like the focus reader's (pipeline-normalize cannot depend on pipeline-ingest): every CSV
 * cell a string, the hidden bookkeeping columns, and optionally the FOCUS version column.
 */
final class FocusInputs {
  private FocusInputs() {}

  /** A CSV file as the reader would hand it over; {@code version} null leaves the version column out. */
  static RawInput csv(Path file, String version) {
    List<String> header = CsvRecords.header(file);
    List<StructField> fields = new ArrayList<>();
    for (String name : header) {
      fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    Dataset<Row> df =
        SparkTestSession.get()
            .read()
            .option("header", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", RawColumns.CORRUPT_RECORD)
            .option("escape", "\"")
            .schema(DataTypes.createStructType(fields))
            .csv(file.toString());
    List<Column> cols = new ArrayList<>();
    for (String name : header) {
      cols.add(col(Names.quote(name)));
    }
    cols.add(col(RawColumns.CORRUPT_RECORD));
    cols.add(col("_metadata.file_path").as(RawColumns.SOURCE_FILE));
    cols.add(lit(null).cast(DataTypes.LongType).as(RawColumns.SOURCE_LINE));
    if (version != null) {
      cols.add(lit(version).as(FocusUpgradeNormalizer.VERSION_COLUMN));
    }
    return of(df.select(cols.toArray(Column[]::new)), file.toString());
  }

  /** Rows that already have the raw columns; adds the hidden ones a reader adds when they are missing. */
  static RawInput of(Dataset<Row> rows, String file) {
    List<String> names = List.of(rows.columns());
    if (!names.contains(RawColumns.CORRUPT_RECORD)) {
      rows = rows.withColumn(RawColumns.CORRUPT_RECORD, lit(null).cast(DataTypes.StringType));
    }
    if (!names.contains(RawColumns.SOURCE_FILE)) {
      rows = rows.withColumn(RawColumns.SOURCE_FILE, lit(file));
    }
    if (!names.contains(RawColumns.SOURCE_LINE)) {
      rows = rows.withColumn(RawColumns.SOURCE_LINE, lit(null).cast(DataTypes.LongType));
    }
    return new RawInput(
        SourceKind.FOCUS,
        rows,
        List.of(file),
        Parse.decimal(col(FocusColumns.BILLED_COST)),
        Parse.timestamp(col(FocusColumns.BILLING_PERIOD_START)));
  }
}
