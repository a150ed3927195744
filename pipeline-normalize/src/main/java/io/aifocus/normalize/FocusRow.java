package io.aifocus.normalize;

import static org.apache.spark.sql.functions.lit;

import io.aifocus.schema.CostAndUsageTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructField;

/**
 * Collects one expression per output column and produces the select list of focus_cost_and_usage: every
 * column in table order, cast to its declared type, unset columns as typed nulls.
 */
public final class FocusRow {
  private final Map<String, Column> values = new LinkedHashMap<>();

  public FocusRow set(String column, Column value) {
    if (CostAndUsageTable.schema().getFieldIndex(column).isEmpty()) {
      throw new IllegalArgumentException("Not a column of " + CostAndUsageTable.TABLE_NAME + ": " + column);
    }
    values.put(column, value);
    return this;
  }

  public FocusRow set(String column, String constant) {
    return set(column, lit(constant));
  }

  public Column get(String column) {
    Column value = values.get(column);
    if (value == null) {
      throw new IllegalStateException("Column not set yet: " + column);
    }
    return value;
  }

  public Column[] columns() {
    List<Column> out = new ArrayList<>();
    for (StructField field : CostAndUsageTable.schema().fields()) {
      Column value = values.get(field.name());
      Column typed = value == null ? lit(null).cast(field.dataType()) : value.cast(field.dataType());
      out.add(typed.as(field.name()));
    }
    return out.toArray(Column[]::new);
  }
}
