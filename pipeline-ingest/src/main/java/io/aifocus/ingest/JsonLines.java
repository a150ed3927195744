package io.aifocus.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.RawColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads JSON Lines files with their 1-based line numbers. Scale: the file is read by Spark's text source
 * (distributed, splittable when uncompressed); the line index comes from {@code zipWithIndex}, which runs one
 * extra job to count the lines per partition. Blank lines are skipped (they hold no record). A line that is
 * not a JSON object matching {@code schema} keeps its text in {@link RawColumns#CORRUPT_RECORD} and its
 * fields null.
 */
public final class JsonLines {
  /** The line's text, kept by {@link #readKeepingText}. */
  public static final String LINE = "_aif_line_text";
  /** The parsed line (a struct of the schema's fields and the corrupt record; null for a line that is not an object). */
  private static final String PARSED = "_aif_parsed_line";

  private JsonLines() {}

  /** Columns of {@code schema} (as parsed), then the {@link RawColumns} (corrupt record, file, line). */
  public static Dataset<Row> read(SparkSession spark, String file, StructType schema) {
    return parse(spark, file, schema, false, false);
  }

  /** The same, followed by the line's text in {@link #LINE} (for fields the schema does not declare). */
  public static Dataset<Row> readKeepingText(SparkSession spark, String file, StructType schema) {
    return parse(spark, file, schema, false, true);
  }

  /**
   * The whole file as one JSON document (a pretty-printed API response page), line 1; small files only (the
   * document is one record in memory).
   */
  public static Dataset<Row> readDocument(SparkSession spark, String file, StructType schema) {
    return parse(spark, file, schema, true, false);
  }

  private static Dataset<Row> parse(
      SparkSession spark, String file, StructType schema, boolean whole, boolean keepText) {
    JavaRDD<Row> numbered = spark.read().option("wholetext", whole).text(file).javaRDD().zipWithIndex()
        .map(t -> RowFactory.create(t._1().getString(0), t._2() + 1));
    StructType lines = DataTypes.createStructType(List.of(
        DataTypes.createStructField(LINE, DataTypes.StringType, true),
        DataTypes.createStructField(RawColumns.SOURCE_LINE, DataTypes.LongType, false)));
    Dataset<Row> df = spark.createDataFrame(numbered, lines).where(trim(col(LINE)).notEqual(lit("")));

    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    StructType withCorrupt = DataTypes.createStructType(fields);
    // The line is parsed once, into one struct column the fields are then read from. Reading the fields of a
    // from_json written out per field made Spark parse the line once per field: the parse sat inside a CASE
    // branch, where Spark does not share subexpressions (and Spark does not merge the two projections back, since
    // the struct column is read more than once).
    Column parsed = when(trim(col(LINE)).startsWith("{"), from_json(col(LINE), withCorrupt,
        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", RawColumns.CORRUPT_RECORD)));
    Column struct = col(PARSED);
    df = df.select(col(LINE), col(RawColumns.SOURCE_LINE), parsed.as(PARSED));
    List<Column> out = new ArrayList<>();
    for (StructField field : schema.fields()) {
      out.add(struct.getField(field.name()).as(field.name()));
    }
    // not an object (struct null), or an object that does not match the schema: the line is the corrupt record
    out.add(when(struct.isNotNull().and(struct.getField(RawColumns.CORRUPT_RECORD).isNull()), lit(null).cast(DataTypes.StringType))
        .otherwise(col(LINE)).as(RawColumns.CORRUPT_RECORD));
    out.add(lit(file).as(RawColumns.SOURCE_FILE));
    out.add(col(RawColumns.SOURCE_LINE));
    if (keepText) {
      out.add(col(LINE));
    }
    return df.select(out.toArray(Column[]::new));
  }
}
