package io.aifocus.allocate.gpu;

import static io.aifocus.allocate.gpu.GpuMetrics.HOUR_START;
import static io.aifocus.allocate.gpu.GpuMetrics.MS;
import static io.aifocus.allocate.gpu.GpuMetrics.NAMESPACE;
import static io.aifocus.allocate.gpu.GpuMetrics.NODE;
import static io.aifocus.allocate.gpu.GpuMetrics.POD;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.GpuUtilizationTable;
import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The gpu_utilization rows of one cluster (layout {@link GpuUtilizationTable}): DCGM time per node, GPU (MIG
 * profile), namespace, pod and hour, with time-weighted average and approximate p95 utilization, average memory
 * used, and the allocation's cost: a workload's allocated cost on the node-hour spread over its GPUs by DCGM
 * time, and the idle part's cost spread over the idle GPUs the same way (0 when idle is redistributed).
 */
public final class GpuUtilization {
  private static final DataType AMOUNT = DataTypes.createDecimalType(38, 12);
  private static final DataType RATIO = DataTypes.createDecimalType(9, 6);
  private static final DataType INT20 = DataTypes.createDecimalType(20, 0);

  private GpuUtilization() {}

  /**
   * @param dcgmPieces {@link GpuAllocation#dcgmPieces}
   * @param allocation the allocation of the same cluster (its parts carry the node-hour costs)
   */
  public static Dataset<Row> rows(Dataset<Row> dcgmPieces, Dataset<Row> kubeStateSamples, GpuAllocation.Result allocation,
      GpuClusterSettings s, String runId) {
    Column util = col("util");
    Column memory = col("memory");
    Dataset<Row> g = dcgmPieces.groupBy(col(NODE), col("gpu"), col("mig_profile"), col(NAMESPACE), col(POD), col(HOUR_START))
        .agg(sum(col("unit_ms")).as("unit_ms"),
            sum(when(util.isNotNull(), util.multiply(col(MS)))).as("_util_ms"),
            sum(when(util.isNotNull(), col(MS))).as("_util_cover"),
            percentile_approx(util, lit(0.95), lit(10000)).as("_p95"),
            sum(when(memory.isNotNull(), memory.multiply(col(MS)))).as("_mem_ms"),
            sum(when(memory.isNotNull(), col(MS))).as("_mem_cover"));
    Dataset<Row> labelled = GpuAllocation.withLabels(g, GpuMetrics.samples(kubeStateSamples), s);

    // cost of each workload part and of the idle part per node-hour, and the DCGM time they are spread over
    Dataset<Row> parts = allocation.parts().join(allocation.originKeys(), GpuAllocation.ORIGIN_ID)
        .groupBy(col("_node").as("_pn"), col("_hour").as("_ph"), col(NAMESPACE).as("_pns"), col(POD).as("_ppod"))
        .agg(sum(col("billed")).as("_part_cost"));
    Dataset<Row> totals = g.groupBy(col(NODE).as("_tn"), col(HOUR_START).as("_th"), col(NAMESPACE).as("_tns"), col(POD).as("_tpod"))
        .agg(sum(col("unit_ms")).as("_total_unit_ms"));
    Dataset<Row> j = labelled
        .join(totals, col(NODE).equalTo(col("_tn")).and(col(HOUR_START).equalTo(col("_th")))
            .and(col(NAMESPACE).eqNullSafe(col("_tns"))).and(col(POD).eqNullSafe(col("_tpod"))), "left")
        .join(parts, col(NODE).equalTo(col("_pn")).and(col(HOUR_START).equalTo(col("_ph")))
            .and(when(col(POD).isNull(), lit(true)).otherwise(col(NAMESPACE).eqNullSafe(col("_pns"))))
            .and(col(POD).eqNullSafe(col("_ppod"))), "left");
    // decimal(20,0) operands keep the quotients at 18 decimals (Spark caps precision at 38 by dropping scale)
    Column fraction = col("unit_ms").cast(INT20).divide(col("_total_unit_ms").cast(INT20));
    Column share = coalesce(col("_part_cost").multiply(fraction), lit(BigDecimal.ZERO));
    Column idle = col(POD).isNull();
    Column hours = col("unit_ms").cast(INT20).divide(lit(GpuUnits.PER_GPU_HOUR).cast(INT20));
    return j.select(
        lit(s.cluster()).as(GpuUtilizationTable.CLUSTER),
        col(NODE).as(GpuUtilizationTable.NODE),
        col("gpu").as(GpuUtilizationTable.GPU),
        col("mig_profile").as(GpuUtilizationTable.MIG_PROFILE),
        col(NAMESPACE).as(GpuUtilizationTable.NAMESPACE),
        col(POD).as(GpuUtilizationTable.WORKLOAD),
        when(functions.not(idle), col("team")).as(GpuUtilizationTable.TEAM),
        when(functions.not(idle), col("model")).as(GpuUtilizationTable.MODEL),
        when(functions.not(idle), col("endpoint")).as(GpuUtilizationTable.ENDPOINT),
        col(HOUR_START).as(GpuUtilizationTable.HOUR_START),
        when(idle, lit(BigDecimal.ZERO)).otherwise(hours).cast(AMOUNT).as(GpuUtilizationTable.GPU_HOURS),
        when(idle, hours).otherwise(lit(BigDecimal.ZERO)).cast(AMOUNT).as(GpuUtilizationTable.IDLE_GPU_HOURS),
        col("_util_ms").divide(col("_util_cover")).cast(RATIO).as(GpuUtilizationTable.AVG_UTILIZATION),
        col("_p95").cast(RATIO).as(GpuUtilizationTable.P95_UTILIZATION),
        col("_mem_ms").divide(col("_mem_cover")).cast(AMOUNT).as(GpuUtilizationTable.MEMORY_USED_MIB),
        when(idle, lit(BigDecimal.ZERO)).otherwise(share).cast(AMOUNT).as(GpuUtilizationTable.ALLOCATED_COST),
        when(idle, share).otherwise(lit(BigDecimal.ZERO)).cast(AMOUNT).as(GpuUtilizationTable.IDLE_COST),
        lit(s.currency()).as(GpuUtilizationTable.CURRENCY),
        lit(runId).as(GpuUtilizationTable.RUN_ID));
  }
}
