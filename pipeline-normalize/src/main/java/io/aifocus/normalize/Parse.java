package io.aifocus.normalize;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Null-safe parsing of raw values into FOCUS types, as Spark Column expressions. */
public final class Parse {
  /** Money, prices and quantities: exact decimals, never floating point. */
  public static final DecimalType MONEY = DataTypes.createDecimalType(38, 12);

  private Parse() {}

  /** A string value with blanks and the literal {@code NULL} turned into real nulls; other types as is. */
  public static Column text(Column raw) {
    Column s = trim(raw.cast(DataTypes.StringType));
    return when(s.equalTo(lit("")).or(s.equalTo(lit("NULL"))), lit(null).cast(DataTypes.StringType))
        .otherwise(raw.cast(DataTypes.StringType));
  }

  /** Whether the raw value carries something (not null, not blank, not the literal NULL). */
  public static Column present(Column raw) {
    return text(raw).isNotNull();
  }

  /** Decimal (plain or scientific notation) or null when blank or unparsable. */
  public static Column decimal(Column raw) {
    return tryCast(text(raw), MONEY);
  }

  /** UTC timestamp from ISO-8601 ({@code 2023-11-01T00:00:00.000Z}, {@code 2023-06-01 01:00:00}) or null. */
  public static Column timestamp(Column raw) {
    return tryCast(text(raw), DataTypes.TimestampType);
  }

  /** True when the raw value is present but does not parse as {@code parsed}. */
  public static Column unparsable(Column raw, Column parsed) {
    return present(raw).and(parsed.isNull());
  }

  static Column tryCast(Column value, DataType type) {
    return value.try_cast(type);
  }
}
