package io.aifocus.normalize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Parse converts raw values of a known type without a round trip through text: a Parquet DECIMAL, floating-point (DOUBLE) or
 * timestamp is cast directly, and a string as the text route reads it (blank, the literal NULL and untrimmed
 * values alike). Each case is checked against that text route, written out here.
 */
class ParseTest {
  private static final List<String> TEXTS = Arrays.asList(null, "", " ", "   ", "NULL", " NULL ", "null", "0", "1.5",
      " 1.5 ", "\t1.5", "1.5\n", "-0.000000000001", "1e-3", "1.2E+5", "12345678901234567890.123456789012",
      "0.0000000000004", "1,5", "abc", "1.5.2", "+7", ".5", "5.", "NaN", "Infinity",
      "2023-11-01T00:00:00.000Z", "2023-11-01T00:00:00Z", " 2023-06-01 01:00:00 ", "2023-06-01", "2024-02-30",
      "2023-11-01T00:00:00+02:00", "01/31/2024", "2023-11-01T24:00:00Z");

  @Test
  void stringValuesParseAsThroughTheirText() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        TEXTS.stream().map(t -> RowFactory.create(t)).toList(),
        DataTypes.createStructType(List.of(DataTypes.createStructField("v", DataTypes.StringType, true))));
    assertSameAsText(rows, DataTypes.StringType);
  }

  @Test
  void typedValuesParseAsThroughTheirText() {
    // a boolean is not a number and a number is not a time: both take the text route (null)
    List<Row> values = new ArrayList<>();
    // a provider's Parquet float column (DOUBLE): held here as text, typed by Spark below
    String[] amounts = {"0.1", "1e-7", "123456.789", "-2.5", "0.3333333333333333", "0.000000000001", "3e-13", "1e20"};
    for (int i = 0; i < amounts.length; i++) {
      BigDecimal amount = new BigDecimal(amounts[i]);
      values.add(RowFactory.create(amounts[i], amount.setScale(10, java.math.RoundingMode.HALF_UP),
          Timestamp.valueOf(LocalDateTime.of(2023, 11, 1, 0, 0).plusSeconds(i * 3_607L)),
          java.sql.Date.valueOf(LocalDate.of(2024, 2, 29)), 42L, amount.compareTo(BigDecimal.ONE) > 0));
    }
    values.add(RowFactory.create(null, null, null, null, null, null));
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(values, DataTypes.createStructType(List.of(
        DataTypes.createStructField("d", DataTypes.StringType, true),
        DataTypes.createStructField("m", DataTypes.createDecimalType(38, 10), true),
        DataTypes.createStructField("t", DataTypes.TimestampType, true),
        DataTypes.createStructField("day", DataTypes.DateType, true),
        DataTypes.createStructField("n", DataTypes.LongType, true),
        DataTypes.createStructField("b", DataTypes.BooleanType, true))))
        .withColumn("d", col("d").cast(DataTypes.DoubleType));
    for (String c : List.of("d", "m", "t", "day", "n", "b")) {
      assertSameAsText(rows.select(col(c).as("v")), rows.schema().apply(c).dataType());
    }
  }

  private static void assertSameAsText(Dataset<Row> rows, DataType type) {
    Column v = col("v");
    List<Row> got = rows.select(v.cast(DataTypes.StringType), Parse.decimal(v, type), textDecimal(v),
        Parse.timestamp(v, type), textTimestamp(v), Parse.unparsable(v, Parse.decimal(v, type)),
        textUnparsable(v, textDecimal(v)), Parse.unparsable(v, Parse.timestamp(v, type)),
        textUnparsable(v, textTimestamp(v)), new RawValues(rows.schema()).present("v"), text(v).isNotNull(),
        new RawValues(rows.schema()).decimal("v"), new RawValues(rows.schema()).timestamp("v")).collectAsList();
    assertThat(got).isNotEmpty();
    for (Row r : got) {
      String what = type.simpleString() + " '" + r.get(0) + "'";
      assertThat(r.get(1)).as("decimal of %s", what).isEqualTo(r.get(2));
      assertThat(r.get(3)).as("timestamp of %s", what).isEqualTo(r.get(4));
      assertThat(r.get(5)).as("unparsable decimal %s", what).isEqualTo(r.get(6));
      assertThat(r.get(7)).as("unparsable timestamp %s", what).isEqualTo(r.get(8));
      assertThat(r.get(9)).as("present %s", what).isEqualTo(r.get(10));
      assertThat(r.get(11)).as("RawValues decimal of %s", what).isEqualTo(r.get(2));
      assertThat(r.get(12)).as("RawValues timestamp of %s", what).isEqualTo(r.get(4));
    }
  }

  // the text route: blank and NULL are null, anything else is its (untrimmed) text, then try_cast
  private static Column text(Column raw) {
    Column s = trim(raw.cast(DataTypes.StringType));
    return when(s.equalTo(lit("")).or(s.equalTo(lit("NULL"))), lit(null).cast(DataTypes.StringType))
        .otherwise(raw.cast(DataTypes.StringType));
  }

  private static Column textDecimal(Column raw) {
    return text(raw).try_cast(Parse.MONEY);
  }

  private static Column textTimestamp(Column raw) {
    return text(raw).try_cast(DataTypes.TimestampType);
  }

  private static Column textUnparsable(Column raw, Column parsed) {
    return text(raw).isNotNull().and(parsed.isNull());
  }
}
