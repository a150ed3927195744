package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.GpuClusterSettings;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.api.CsvRecords;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node cost from the cloud bill (docs/allocation.md, "Node cost from the cloud bill"): a hand-built CUR with two GPU
 * instances of the cluster (g5.xlarge on demand; g5.12xlarge covered by a Savings Plan, with its negation) and a
 * non-cluster instance. The instance-hour rows of the cluster's nodes leave focus_cost_and_usage in the commit that
 * writes their allocated rows, which add up to each of them exactly; everything else of the CUR stays.
 */
class GpuCloudBillTest {
  static final Path INPUT = SparkTestSession.projectRoot().resolve("sample-data/k8s/cloud-bill");
  static final String OD = "i-0aaa0000000000001";
  static final String SP = "i-0bbb0000000000002";

  static Warehouse warehouse;
  static PipelineRunner.Result first;
  static List<String> afterFirst;
  static PipelineRunner.Result second;

  static GpuClusterConfig cluster() {
    GpuClusterSettings s = new GpuClusterSettings("eks-gpu", "eks-gpu", "Self-hosted", "USD", AllocationMethod.GPU_REQUEST_TIME,
        IdleHandling.SEPARATE, GpuClusterSettings.DEFAULT_TEAM_LABEL_KEYS, GpuClusterSettings.DEFAULT_MODEL_LABEL_KEYS,
        GpuClusterSettings.DEFAULT_ENDPOINT_LABEL_KEY, Map.of(), BigDecimal.ONE, Optional.empty());
    // node-prices price gpu-sp only: its 11:00 hour has no CUR row (falls back to 5.00), gpu-onprem has neither
    return new GpuClusterConfig(s, Optional.empty(), INPUT.resolve("kube-state-metrics").toString(),
        Optional.of(INPUT.resolve("node-prices.csv").toString()), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.of(SourceKind.AWS_CUR), Optional.empty());
  }

  static SourceSpec cur() {
    return new SourceSpec(SourceKind.AWS_CUR, INPUT.resolve("cur").toString(), Map.of());
  }

  /** Every run rewrites (the second run checks that a rewrite gives identical tables, not the unchanged-run skip). */
  static PipelineRunner.Result run(List<SourceSpec> sources, List<GpuClusterConfig> clusters) {
    return new PipelineRunner(warehouse.spark(), warehouse, AwsCurGoldenTest.quietProgress()).rewriteUnchanged(true)
        .run(new JobConfig(warehouse.root(), sources, NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(), clusters));
  }

  static List<String> table() {
    return GoldenFiles.lines(warehouse.read(CostAndUsageTable.TABLE_NAME),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE));
  }

  @BeforeAll
  static void runTwice() {
    warehouse = new Warehouse(SparkTestSession.get(), SparkTestSession.newDirectory("gpu-cloud-bill").toString());
    first = run(List.of(cur()), List.of(cluster()));
    afterFirst = table();
    second = run(List.of(cur()), List.of(cluster()));
  }

  static Dataset<Row> focus() {
    return warehouse.read(CostAndUsageTable.TABLE_NAME);
  }

  @Test
  void instanceHoursOfTheNodesAreReplacedByTheirAllocations() {
    // left as aws-cur rows: the data transfer of the on-demand node, the Savings Plan fee, the non-cluster instance
    assertThat(focus().where(col(ExtensionColumns.SOURCE_KIND).equalTo("aws-cur")).collectAsList())
        .extracting(r -> r.<String>getAs(ExtensionColumns.SOURCE_RECORD_ID))
        .containsExactlyInAnyOrder("cb03", "cb06", "cb07");
    Row other = focus().where(col(ExtensionColumns.SOURCE_RECORD_ID).equalTo("cb07")).first();
    assertThat(other.<String>getAs(FocusColumns.RESOURCE_ID)).isEqualTo("i-0ccc0000000000003");
    assertThat(other.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("3.06");
    assertThat(other.<String>getAs(FocusColumns.ALLOCATED_METHOD_ID)).isNull();
  }

  @Test
  void allocatedRowsAddUpToEachOriginExactly() {
    // origin (instance, hour, line item type) → Σ BilledCost, Σ EffectiveCost of its allocated rows
    Map<String, BigDecimal[]> sums = new HashMap<>();
    for (Row r : focus().where(col(ExtensionColumns.SOURCE_KIND).equalTo("k8s-gpu").and(col(FocusColumns.RESOURCE_ID).startsWith("i-")))
        .groupBy(col(FocusColumns.RESOURCE_ID), col(FocusColumns.CHARGE_PERIOD_START), col(ExtensionColumns.LINE_ITEM_TYPE),
            regexp_replace(col(ExtensionColumns.SOURCE_RECORD_ID), "#[0-9]+$", ""))
        .agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST)), sum(col(FocusColumns.COMMITMENT_DISCOUNT_QUANTITY)))
        .collectAsList()) {
      sums.put(r.getString(0) + " " + ((Instant) r.get(1)).toString().substring(11, 13) + " " + r.getString(2),
          new BigDecimal[] {r.getDecimal(4), r.getDecimal(5), r.isNullAt(6) ? null : r.getDecimal(6)});
    }
    assertThat(sums).containsOnlyKeys(OD + " 10 Usage", OD + " 11 Usage", SP + " 10 SavingsPlanCoveredUsage", SP + " 10 SavingsPlanNegation");
    for (String origin : List.of(OD + " 10 Usage", OD + " 11 Usage")) {
      assertThat(sums.get(origin)[0]).as(origin).isEqualByComparingTo("1.0061");
      assertThat(sums.get(origin)[1]).as(origin).isEqualByComparingTo("1.0061");
      assertThat(sums.get(origin)[2]).as(origin).isNull();
    }
    // Savings Plan: BilledCost is the on-demand value, EffectiveCost (and CommitmentDiscountQuantity) the plan's rate;
    // the negation cancels BilledCost
    BigDecimal[] covered = sums.get(SP + " 10 SavingsPlanCoveredUsage");
    assertThat(covered[0]).isEqualByComparingTo("5.672");
    assertThat(covered[1]).isEqualByComparingTo("3.9704");
    assertThat(covered[2]).isEqualByComparingTo("3.9704");
    assertThat(sums.get(SP + " 10 SavingsPlanNegation")[0]).isEqualByComparingTo("-5.672");
    assertThat(sums.get(SP + " 10 SavingsPlanNegation")[1]).isEqualByComparingTo("0");
  }

  @Test
  void handComputedParts() {
    Map<String, String> cost = new HashMap<>();
    for (Row r : focus().where(col(ExtensionColumns.SOURCE_KIND).equalTo("k8s-gpu")).collectAsList()) {
      String pod = r.getAs(FocusColumns.ALLOCATED_RESOURCE_NAME);
      cost.put(r.<String>getAs(FocusColumns.RESOURCE_ID).substring(0, 5) + " " + r.<Instant>getAs(FocusColumns.CHARGE_PERIOD_START).toString().substring(11, 13)
              + " " + r.<String>getAs(ExtensionColumns.LINE_ITEM_TYPE) + " " + (pod == null ? "idle" : pod + "/" + r.getAs(ExtensionColumns.TEAM)),
          r.<BigDecimal>getAs(FocusColumns.BILLED_COST).stripTrailingZeros().toPlainString() + " "
              + r.<BigDecimal>getAs(FocusColumns.EFFECTIVE_COST).stripTrailingZeros().toPlainString());
    }
    // g5.xlarge 10:00: embed-0 requests the GPU for 30 min → half used, half idle: 1.0061 / 2 = 0.50305 at the
    // origin's 4 decimals: 0.5030 each and the leftover 0.0001 to the earlier part of equal remainders (the workload)
    assertThat(cost).containsEntry("i-0aa 10 Usage embed-0/search", "0.5031 0.5031").containsEntry("i-0aa 10 Usage idle", "0.503 0.503");
    // 11:00: the whole hour used, one part
    assertThat(cost).containsEntry("i-0aa 11 Usage embed-0/search", "1.0061 1.0061");
    // g5.12xlarge 10:00 (4 GPUs): train-0 3 GPU-hours, eval-1 0.75 (10:00-10:45), idle 0.25 → ratios 0.75, 0.1875,
    // 0.0625. BilledCost 5.672: 4.254, 1.0635, 0.3545 → 4.254, 1.063, 0.354 + the leftover 0.001 to eval-1 (equal
    // remainders, earlier part); EffectiveCost 3.9704: 2.9778, 0.74445, 0.24815 → 2.9778, 0.7445, 0.2481
    assertThat(cost).containsEntry("i-0bb 10 SavingsPlanCoveredUsage train-0/ml", "4.254 2.9778")
        .containsEntry("i-0bb 10 SavingsPlanCoveredUsage eval-1/ml", "1.064 0.7445")
        .containsEntry("i-0bb 10 SavingsPlanCoveredUsage idle", "0.354 0.2481");
    assertThat(cost).containsEntry("i-0bb 10 SavingsPlanNegation train-0/ml", "-4.254 0")
        .containsEntry("i-0bb 10 SavingsPlanNegation eval-1/ml", "-1.064 0")
        .containsEntry("i-0bb 10 SavingsPlanNegation idle", "-0.354 0");
    // gpu-sp 11:00 has no CUR row: node-prices' 5.00, train-0 3 of 4 GPUs → 3.75, idle 1.25 (ResourceId eks-gpu/gpu-sp)
    assertThat(cost).containsEntry("eks-g 11 null train-0/ml", "3.75 3.75").containsEntry("eks-g 11 null idle", "1.25 1.25");
    // gpu-onprem has neither a CUR row nor a price: no cost, nothing written for it
    assertThat(cost).hasSize(11);
    Row part = focus().where(col(FocusColumns.ALLOCATED_RESOURCE_NAME).equalTo("train-0")
        .and(col(ExtensionColumns.LINE_ITEM_TYPE).equalTo("SavingsPlanCoveredUsage"))).first();
    assertThat(part.<String>getAs(FocusColumns.TAGS)).isEqualTo("{\"user_team\":\"ml\"}"); // the origin's Tags
    assertThat(part.<String>getAs(FocusColumns.COMMITMENT_DISCOUNT_ID)).isEqualTo("arn:aws:savingsplans::111122223333:savingsplan/sp-0gpu0000000001");
    assertThat(part.<String>getAs(FocusColumns.BILLING_ACCOUNT_ID)).isEqualTo("111122223333");
    assertThat(part.<String>getAs(FocusColumns.ALLOCATED_METHOD_DETAILS))
        .isEqualTo("{\"Elements\":[{\"AllocatedRatio\":0.750000000000,\"UsageQuantity\":3.000000000000,\"UsageUnit\":\"GPU-Hours\"}]}");
    assertThat(part.<String>getAs(FocusColumns.ALLOCATED_TAGS)).isEqualTo("{\"aifocus/namespace\":\"research\",\"app\":\"trainer\",\"team\":\"ml\"}");
    assertThat(part.<String>getAs(ExtensionColumns.SOURCE_RECORD_ID)).isEqualTo("eks-gpu/gpu-sp@aws-cur:2026-11-03T10:00:00Z.1#1");
  }

  @Test
  void tableTotalIsTheCurTotalAndRunsAreRecorded() {
    BigDecimal cur = BigDecimal.ZERO;
    for (Map<String, String> r : CsvRecords.read(INPUT.resolve("cur/cur-gpu-2026-11-03.csv"))) {
      cur = cur.add(new BigDecimal(r.get("line_item_unblended_cost")));
    }
    // every row but the node-price fallback (SubAccountId = the cluster) comes from the CUR, and adds up to it exactly
    assertThat(focus().where(col(FocusColumns.SUB_ACCOUNT_ID).notEqual("eks-gpu")).agg(sum(col(FocusColumns.BILLED_COST))).first()
        .getDecimal(0)).isEqualByComparingTo(cur);
    assertThat(focus().agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0)).isEqualByComparingTo(cur.add(new BigDecimal("5.00")));
    for (PipelineRunner.Result r : List.of(first, second)) {
      assertThat(r.reconciled()).isTrue();
      Dataset<Row> runs = warehouse.read(PipelineRunsTable.TABLE_NAME).where(col(PipelineRunsTable.RUN_ID).equalTo(r.runId()));
      Row claimed = runs.where(col(PipelineRunsTable.SOURCE_KIND).equalTo("gpu-node-cost")).first();
      assertThat(claimed.<Long>getAs(PipelineRunsTable.ROWS_SUPERSEDED)).isEqualTo(4L);
      assertThat(claimed.<BigDecimal>getAs(PipelineRunsTable.INPUT_TOTAL)).isEqualByComparingTo("2.0122");
      assertThat(claimed.<BigDecimal>getAs(PipelineRunsTable.OUTPUT_TOTAL)).isEqualByComparingTo("2.0122");
      assertThat(claimed.<String>getAs(PipelineRunsTable.STATUS)).isEqualTo("CLAIMED");
      // aws-cur's own reconciliation: output_total = its rows left in the table + the claimed rows
      Row aws = runs.where(col(PipelineRunsTable.SOURCE_KIND).equalTo("aws-cur")).first();
      assertThat(aws.<BigDecimal>getAs(PipelineRunsTable.OUTPUT_TOTAL)).isEqualByComparingTo(cur);
      Row gpu = runs.where(col(PipelineRunsTable.SOURCE_KIND).equalTo("k8s-gpu")).first();
      assertThat(gpu.<String>getAs(PipelineRunsTable.MESSAGE))
          .contains("4 aws-cur row(s) of 2 instance(s) claimed as origins (BilledCost 2.012200000000, EffectiveCost 5.982600000000)")
          .contains("2 node-hour(s) with no aws-cur row and no node price have no cost (nodes gpu-onprem)");
      assertThat(gpu.<Long>getAs(PipelineRunsTable.ROWS_IN)).isEqualTo(5L); // 4 CUR rows + gpu-sp 11:00 at its node price
    }
  }

  @Test
  void validatePassesOnTheAllocatedTable() {
    CliTest.Call call = CliTest.cli("validate", "--warehouse", warehouse.root(), "--format", "json");
    assertThat(call.exit()).as(call.out() + call.err()).isZero();
  }

  @Test
  void theSameRunTwiceGivesTheSameTable() {
    assertThat(table()).isEqualTo(afterFirst);
  }

  @Test
  void aClusterWithNodeCostNeedsTheCurInTheSameRun() {
    assertThatThrownBy(() -> run(List.of(), List.of(cluster()))).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: gpu-clusters eks-gpu: node-cost aws-cur needs an aws-cur source in the same run"
            + " (the cluster's origins are that run's aws-cur rows of its GPU instances)");
    // and a CUR run without the cluster would bring the claimed rows back next to their allocations
    assertThatThrownBy(() -> run(List.of(cur()), List.of())).isInstanceOf(PipelineException.class)
        .hasMessageContaining("holds rows of gpu-clusters eks-gpu allocated from aws-cur rows");
  }

}
