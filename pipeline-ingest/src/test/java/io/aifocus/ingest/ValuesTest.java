package io.aifocus.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** A typed (Parquet) amount or period read by its type gives what its text gives. */
class ValuesTest {
  @Test
  void typedValuesReadAsTheirText() {
    List<Row> values = new ArrayList<>();
    // the provider's Parquet column is a float (DOUBLE); the test holds the amounts as text and lets Spark type it
    String[] amounts = {"0.1", "1e-7", "123456.789", "-2.5", "0.3333333333333333", "0.000000000001", "3e-13", "1e20"};
    for (int i = 0; i < amounts.length; i++) {
      values.add(RowFactory.create(amounts[i], new BigDecimal(amounts[i]).setScale(10, java.math.RoundingMode.HALF_UP),
          (long) i * 1_000_000_007L, Timestamp.valueOf("2023-11-0" + (i + 1) + " 13:45:0" + i + ".25"),
          Date.valueOf("2024-02-2" + (i + 1))));
    }
    values.add(RowFactory.create(null, null, null, null, null));
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(values, DataTypes.createStructType(List.of(
        DataTypes.createStructField("d", DataTypes.StringType, true),
        DataTypes.createStructField("m", DataTypes.createDecimalType(38, 10), true),
        DataTypes.createStructField("n", DataTypes.LongType, true),
        DataTypes.createStructField("t", DataTypes.TimestampType, true),
        DataTypes.createStructField("day", DataTypes.DateType, true))))
        .withColumn("d", col("d").cast(DataTypes.DoubleType));
    for (String c : List.of("d", "m", "n", "t", "day")) {
      DataType type = Values.typeOf(rows.schema(), c);
      Column v = col(c);
      List<Row> got = rows.select(v.cast(DataTypes.StringType), Values.decimal(v, type), Values.decimal(v),
          Values.timestamp(v, type), Values.timestamp(v)).collectAsList();
      long nonNull = 0;
      for (Row r : got) {
        assertThat(r.get(1)).as("decimal of %s '%s'", type, r.get(0)).isEqualTo(r.get(2));
        assertThat(r.get(3)).as("timestamp of %s '%s'", type, r.get(0)).isEqualTo(r.get(4));
        nonNull += r.isNullAt(1) && r.isNullAt(3) ? 0 : 1;
      }
      assertThat(nonNull).as("%s parses as an amount or a time", c).isEqualTo(amounts.length);
    }
    assertThat(Values.typeOf(rows.schema(), "absent")).isNull();
  }
}
