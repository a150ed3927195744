package io.aifocus.api;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of the {@code gpu_utilization} Delta table (docs/allocation.md): one row per cluster, node, GPU (or MIG
 * instance profile), namespace, workload and hour, from DCGM samples; {@code workload} null = idle capacity.
 * Written by GPU allocation runs, replaced per cluster and billing period.
 */
public final class GpuUtilizationTable {
  public static final String TABLE_NAME = "gpu_utilization";

  public static final String CLUSTER = "cluster";
  public static final String NODE = "node";
  public static final String GPU = "gpu";
  public static final String MIG_PROFILE = "mig_profile";
  public static final String NAMESPACE = "namespace";
  public static final String WORKLOAD = "workload";
  public static final String TEAM = "team";
  public static final String MODEL = "model";
  public static final String ENDPOINT = "endpoint";
  public static final String HOUR_START = "hour_start";
  public static final String GPU_HOURS = "gpu_hours";
  public static final String IDLE_GPU_HOURS = "idle_gpu_hours";
  public static final String AVG_UTILIZATION = "avg_utilization";
  public static final String P95_UTILIZATION = "p95_utilization";
  public static final String MEMORY_USED_MIB = "memory_used_mib";
  public static final String ALLOCATED_COST = "allocated_cost";
  public static final String IDLE_COST = "idle_cost";
  public static final String CURRENCY = "currency";
  public static final String RUN_ID = "x_RunId";

  private static final DataType AMOUNT = DataTypes.createDecimalType(38, 12);
  private static final DataType RATIO = DataTypes.createDecimalType(9, 6);

  private static final StructType SCHEMA = DataTypes.createStructType(List.of(
      field(CLUSTER, DataTypes.StringType),
      field(NODE, DataTypes.StringType),
      field(GPU, DataTypes.StringType),
      field(MIG_PROFILE, DataTypes.StringType),
      field(NAMESPACE, DataTypes.StringType),
      field(WORKLOAD, DataTypes.StringType),
      field(TEAM, DataTypes.StringType),
      field(MODEL, DataTypes.StringType),
      field(ENDPOINT, DataTypes.StringType),
      field(HOUR_START, DataTypes.TimestampType),
      field(GPU_HOURS, AMOUNT),
      field(IDLE_GPU_HOURS, AMOUNT),
      field(AVG_UTILIZATION, RATIO),
      field(P95_UTILIZATION, RATIO),
      field(MEMORY_USED_MIB, AMOUNT),
      field(ALLOCATED_COST, AMOUNT),
      field(IDLE_COST, AMOUNT),
      field(CURRENCY, DataTypes.StringType),
      field(RUN_ID, DataTypes.StringType)));

  private GpuUtilizationTable() {}

  public static StructType schema() {
    return SCHEMA;
  }

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
