package io.aifocus.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of the {@code focus_cost_and_usage} Delta table: the 65 FOCUS 1.3 columns in specification order,
 * then the aifocus {@code x_} columns; partitioned by team and model.
 */
public final class CostAndUsageTable {
  public static final String TABLE_NAME = "focus_cost_and_usage";
  public static final List<String> PARTITION_COLUMNS =
      List.of(ExtensionColumns.TEAM, ExtensionColumns.MODEL);
  public static final String UNATTRIBUTED_TEAM = "unattributed";
  public static final String NO_MODEL = "none";

  private static final StructType SCHEMA = build();

  private CostAndUsageTable() {}

  public static StructType schema() {
    return SCHEMA;
  }

  public static List<String> columnNames() {
    return List.of(SCHEMA.fieldNames());
  }

  private static StructType build() {
    List<StructField> fields = new ArrayList<>(List.of(FocusSchema.costAndUsage().sparkSchema().fields()));
    for (ExtensionColumn column : AifocusExtensions.columns()) {
      fields.add(
          DataTypes.createStructField(
              column.id(),
              FocusSchema.sparkType(column.dataType(), column.precision(), column.scale()),
              true));
    }
    return DataTypes.createStructType(fields);
  }
}
