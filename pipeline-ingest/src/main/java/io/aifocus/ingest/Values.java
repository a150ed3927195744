package io.aifocus.ingest;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Raw-value parsing for the reconciliation expressions a reader hands out (the input side of
 * input = output + quarantined). Deliberately independent of pipeline-normalize's parsing.
 */
public final class Values {
  private Values() {}

  /** Trimmed text, blanks and the literal NULL as null. */
  public static Column text(Column raw) {
    Column s = trim(raw.cast(DataTypes.StringType));
    return when(s.equalTo(lit("")).or(s.equalTo(lit("NULL"))), lit(null).cast(DataTypes.StringType)).otherwise(s);
  }

  public static Column decimal(Column raw) {
    Column s = trim(raw.cast(DataTypes.StringType));
    return when(s.equalTo(lit("")).or(s.equalTo(lit("NULL"))), lit(null))
        .otherwise(s)
        .try_cast(DataTypes.createDecimalType(38, 12));
  }

  public static Column timestamp(Column raw) {
    Column s = trim(raw.cast(DataTypes.StringType));
    return when(s.equalTo(lit("")).or(s.equalTo(lit("NULL"))), lit(null))
        .otherwise(s)
        .try_cast(DataTypes.TimestampType);
  }

  /**
   * {@link #decimal(Column)} of a column whose Spark type is known: a number (a Parquet DECIMAL or floating-point column) is
   * cast directly, without formatting it as text first; text and other types take the text route.
   */
  public static Column decimal(Column raw, DataType type) {
    return type instanceof NumericType ? raw.try_cast(DataTypes.createDecimalType(38, 12)) : decimal(raw);
  }

  /** {@link #timestamp(Column)} of a column whose Spark type is known: a timestamp or date is cast directly. */
  public static Column timestamp(Column raw, DataType type) {
    boolean time = type instanceof TimestampType || type instanceof TimestampNTZType || type instanceof DateType;
    return time ? raw.try_cast(DataTypes.TimestampType) : timestamp(raw);
  }

  /** The type of a top-level column of {@code schema}; null (the text route) when it has none of that name. */
  public static DataType typeOf(StructType schema, String column) {
    return java.util.Arrays.stream(schema.fields()).filter(f -> f.name().equals(column))
        .map(org.apache.spark.sql.types.StructField::dataType).findFirst().orElse(null);
  }
}
