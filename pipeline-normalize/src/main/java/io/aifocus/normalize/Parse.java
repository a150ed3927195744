package io.aifocus.normalize;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

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

  /**
   * {@link #decimal(Column)} of a raw column whose Spark type is known. Spark's cast reads blank text, the literal
   * NULL and surrounding white space as {@link #text} does, so text and numbers are cast directly: a typed
   * (Parquet) DECIMAL or floating-point value is not formatted as text and parsed back. Other types (a boolean is not a
   * number) take the text route. ParseTest checks that both routes agree.
   */
  public static Column decimal(Column raw, DataType type) {
    boolean direct = type instanceof StringType || (type instanceof NumericType);
    return direct ? tryCast(raw, MONEY) : decimal(raw);
  }

  /** UTC timestamp from ISO-8601 ({@code 2023-11-01T00:00:00.000Z}, {@code 2023-06-01 01:00:00}) or null. */
  public static Column timestamp(Column raw) {
    return tryCast(text(raw), DataTypes.TimestampType);
  }

  /**
   * {@link #timestamp(Column)} of a raw column whose Spark type is known: text, timestamps and dates are cast
   * directly like {@link #decimal(Column, DataType)}; a number is not a time (the direct cast would read it as
   * epoch seconds), so it and other types take the text route.
   */
  public static Column timestamp(Column raw, DataType type) {
    boolean direct = type instanceof StringType || type instanceof TimestampType || type instanceof TimestampNTZType
        || type instanceof DateType;
    return direct ? tryCast(raw, DataTypes.TimestampType) : timestamp(raw);
  }

  /**
   * True when the raw value is present but does not parse as {@code parsed}. The parsed value is tested first:
   * the raw value's text is only looked at when it did not parse.
   */
  public static Column unparsable(Column raw, Column parsed) {
    return parsed.isNull().and(present(raw));
  }

  static Column tryCast(Column value, DataType type) {
    return value.try_cast(type);
  }
}
