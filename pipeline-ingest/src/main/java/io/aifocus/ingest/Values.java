package io.aifocus.ingest;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

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
}
