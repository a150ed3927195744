package io.aifocus.normalize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.aifocus.api.RawColumns;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

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

  /**
   * x_SourceExtras from the reader's {@link RawColumns#SOURCE_EXTRAS} when the raw rows have that column (the readers
   * of file-based bill sources add it); else it stays null.
   */
  public FocusRow setSourceExtras(StructType rawSchema) {
    if (Arrays.asList(rawSchema.fieldNames()).contains(RawColumns.SOURCE_EXTRAS)) {
      set(ExtensionColumns.SOURCE_EXTRAS, col(RawColumns.SOURCE_EXTRAS));
    }
    return this;
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
