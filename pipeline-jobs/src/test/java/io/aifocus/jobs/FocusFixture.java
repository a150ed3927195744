package io.aifocus.jobs;

import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-made rows of focus_cost_and_usage for analyst-layer tests: the table's real columns and types (every
 * column nullable, so a row only sets what a test is about), written as a Delta table into a fresh warehouse.
 */
final class FocusFixture {
  private final List<Map<String, Object>> rows = new ArrayList<>();

  /** A usage charge of one day (ChargePeriod = that UTC day), USD, with the given extra columns. */
  FocusFixture charge(LocalDate day, String team, String model, String cost, Object... columnsAndValues) {
    Map<String, Object> row = new HashMap<>();
    Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    row.put(FocusColumns.CHARGE_PERIOD_START, start);
    row.put(FocusColumns.CHARGE_PERIOD_END, start.plus(1, ChronoUnit.DAYS));
    Instant month = day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    row.put(FocusColumns.BILLING_PERIOD_START, month);
    row.put(FocusColumns.BILLING_PERIOD_END, day.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    row.put(FocusColumns.BILLING_ACCOUNT_ID, "acct-1");
    row.put(FocusColumns.CHARGE_CATEGORY, "Usage");
    row.put(FocusColumns.BILLING_CURRENCY, "USD");
    row.put(FocusColumns.BILLED_COST, new BigDecimal(cost));
    row.put(FocusColumns.EFFECTIVE_COST, new BigDecimal(cost));
    row.put(ExtensionColumns.TEAM, team);
    row.put(ExtensionColumns.MODEL, model);
    row.put(ExtensionColumns.SOURCE_KIND, "test");
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      Object v = columnsAndValues[i + 1];
      row.put((String) columnsAndValues[i], v instanceof String s && isDecimalColumn((String) columnsAndValues[i]) ? new BigDecimal(s) : v);
    }
    rows.add(row);
    return this;
  }

  private static boolean isDecimalColumn(String name) {
    return CostAndUsageTable.schema().apply(name).dataType() instanceof org.apache.spark.sql.types.DecimalType;
  }

  /** Writes the rows as focus_cost_and_usage into a new warehouse directory and returns the warehouse. */
  Warehouse write(String prefix) {
    SparkSession spark = SparkTestSession.get();
    StructType schema = nullable(CostAndUsageTable.schema());
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      for (String key : m.keySet()) {
        schema.apply(key); // fails on a misspelled column
      }
      Object[] values = new Object[schema.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = m.get(schema.fields()[i].name());
      }
      out.add(RowFactory.create(values));
    }
    Path dir = SparkTestSession.newDirectory(prefix);
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    spark.createDataFrame(out, schema).write().format("delta").mode(SaveMode.Overwrite)
        .save(warehouse.path(CostAndUsageTable.TABLE_NAME));
    return warehouse;
  }

  static StructType nullable(StructType schema) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      fields.add(DataTypes.createStructField(f.name(), f.dataType(), true));
    }
    return DataTypes.createStructType(fields);
  }

  /** Drops the session's temporary views of every aifocus table and analyst view (the session is shared). */
  static void forgetViews() {
    SparkSession spark = SparkTestSession.get();
    List<String> names = new ArrayList<>(Warehouse.TABLES);
    names.addAll(Analytics.TABLES);
    names.addAll(AnalystViews.VIEWS);
    names.forEach(n -> spark.catalog().dropTempView(n));
  }
}
