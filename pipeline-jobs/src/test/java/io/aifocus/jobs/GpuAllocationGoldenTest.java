package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.GpuClusterSettings;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.allocate.gpu.OnPremCostModel;
import io.aifocus.api.GpuUtilizationTable;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo GPU cluster (sample-data/k8s, one day, three nodes: two whole A10Gs, an A100 in MIG mode, an on-prem
 * H100 with a scrape gap and a team change at noon) allocated with gpu-request-time and a separate idle row:
 * golden rows, Σ allocated = origin for every origin charge and every summable column, ratios summing to 1, and
 * hand-computed node-hours.
 */
class GpuAllocationGoldenTest {
  static final String DEMO = "sample-data/k8s/demo";
  /** Per node-hour prices: gpu-a 0.40 + 2 × 1.10 (OpenCost CSV), gpu-b 1 × 3.20, gpu-c the cost model × 1 GPU. */
  static final Map<String, BigDecimal> NODE_HOUR = Map.of(
      "gpu-a", new BigDecimal("2.60"), "gpu-b", new BigDecimal("3.20"), "gpu-c", new BigDecimal("1.223764"));

  static Warehouse warehouse;
  static PipelineRunner.Result result;

  static OnPremCostModel costModel() {
    // 30000 / (4 × 8760) + 700 W × 1.4 × 0.12 / 1000 + 0.25 = 1.223764 per GPU-hour
    return new OnPremCostModel(new BigDecimal("30000"), new BigDecimal("4"), new BigDecimal("700"), new BigDecimal("1.4"),
        new BigDecimal("0.12"), new BigDecimal("0.25"));
  }

  static GpuClusterConfig cluster(AllocationMethod method, IdleHandling idle, Map<String, BigDecimal> weights) {
    return cluster(method, idle, weights, true);
  }

  /** Without DCGM (request-based methods need none) the run writes no gpu_utilization and is faster. */
  static GpuClusterConfig cluster(AllocationMethod method, IdleHandling idle, Map<String, BigDecimal> weights, boolean withDcgm) {
    Path root = SparkTestSession.projectRoot().resolve(DEMO);
    GpuClusterSettings s = new GpuClusterSettings("gpu-demo", "gpu-demo", "Self-hosted", "USD", method, idle,
        GpuClusterSettings.DEFAULT_TEAM_LABEL_KEYS, GpuClusterSettings.DEFAULT_MODEL_LABEL_KEYS,
        GpuClusterSettings.DEFAULT_ENDPOINT_LABEL_KEY, weights, BigDecimal.ONE, Optional.empty());
    return new GpuClusterConfig(s, withDcgm ? Optional.of(root.resolve("dcgm").toString()) : Optional.empty(), root.resolve("kube-state-metrics").toString(),
        Optional.of(root.resolve("node-prices.csv").toString()), Optional.of(costModel()), Optional.empty());
  }

  static PipelineRunner.Result run(Warehouse w, GpuClusterConfig cluster) {
    return new PipelineRunner(w.spark(), w, AwsCurGoldenTest.quietProgress()).run(new JobConfig(w.root(), List.of(),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(), List.of(cluster)));
  }

  @BeforeAll
  static void runDemoCluster() {
    SparkSession spark = SparkTestSession.get();
    warehouse = new Warehouse(spark, SparkTestSession.newDirectory("golden-gpu").toString());
    result = run(warehouse, cluster(AllocationMethod.GPU_REQUEST_TIME, IdleHandling.SEPARATE, Map.of()));
  }

  static Dataset<Row> focus() {
    return warehouse.read(CostAndUsageTable.TABLE_NAME);
  }

  @Test
  void allocatedRowsMatchGolden() throws IOException {
    GoldenFiles.assertMatches("sample-data/k8s/expected/focus-gpu-request-time.jsonl", GoldenFiles.lines(focus(),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE)));
  }

  /**
   * Large metrics files are spread over tasks after the parse ({@code GpuAllocationRun.spread}, from 128 MiB). Forced
   * here on the demo's files (16 KiB a task: the DCGM file over 30 tasks, kube-state-metrics over 4), with an
   * unparsable line put in the middle of the DCGM file: that line goes to the quarantine with its file and line,
   * wherever the spread put it, and the run writes the golden rows and the same gpu_utilization rows as the demo run
   * (the DCGM samples are released once their pieces are computed; the unparsable lines are kept apart for the
   * quarantine). One run for both, to keep the suite's time.
   */
  @Test
  void metricsSpreadOverTasksWithAnUnparsableLineWriteTheSameRowsAndQuarantineIt() throws IOException {
    Path root = SparkTestSession.projectRoot().resolve(DEMO);
    Path input = SparkTestSession.newDirectory("gpu-bad-line");
    for (String dir : List.of("dcgm", "kube-state-metrics")) {
      Files.createDirectories(input.resolve(dir));
      try (var files = Files.list(root.resolve(dir))) {
        for (Path f : files.toList()) {
          Files.copy(f, input.resolve(dir).resolve(f.getFileName()));
        }
      }
    }
    Files.copy(root.resolve("node-prices.csv"), input.resolve("node-prices.csv"));
    Path dcgmFile = input.resolve("dcgm/dcgm-2026-11-03.prom");
    List<String> lines = new ArrayList<>(Files.readAllLines(dcgmFile));
    String bad = "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",Hostname=\"gpu-a\" not-a-number";
    lines.add(40, bad); // line 41
    Files.write(dcgmFile, lines);

    GpuClusterConfig demo = cluster(AllocationMethod.GPU_REQUEST_TIME, IdleHandling.SEPARATE, Map.of());
    GpuClusterConfig withBadLine = new GpuClusterConfig(demo.settings(), Optional.of(input.resolve("dcgm").toString()),
        input.resolve("kube-state-metrics").toString(), Optional.of(input.resolve("node-prices.csv").toString()),
        Optional.of(costModel()), Optional.empty());
    Warehouse w = new Warehouse(SparkTestSession.get(), SparkTestSession.newDirectory("golden-gpu-spread").toString());
    PipelineRunner.Result r = new PipelineRunner(w.spark(), w, AwsCurGoldenTest.quietProgress()).spreadMetricsBytes(16 << 10)
        .run(new JobConfig(w.root(), List.of(), NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(), List.of(withBadLine)));

    List<Row> quarantined = w.read(QuarantineTable.TABLE_NAME).collectAsList();
    assertThat(quarantined).singleElement().satisfies(q -> {
      assertThat(q.<String>getAs(QuarantineTable.SOURCE_KIND)).isEqualTo("k8s-gpu");
      assertThat(q.<String>getAs(QuarantineTable.SOURCE_FILE)).endsWith("dcgm/dcgm-2026-11-03.prom");
      assertThat(q.<Long>getAs(QuarantineTable.SOURCE_LINE)).isEqualTo(41L);
      assertThat(q.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo(PipelineErrorCode.MALFORMED_RECORD.label());
      assertThat(q.<String>getAs(QuarantineTable.RAW_RECORD))
          .isEqualTo("expected ',' or '}' after label Hostname at column 47: " + bad);
      assertThat(q.<String>getAs(QuarantineTable.RUN_ID)).isEqualTo(r.runId());
    });
    assertSameRowsAsTheDemoRun(w);
  }

  /** The golden FOCUS rows and the gpu_utilization rows of the demo run ({@link #warehouse}), run ids aside. */
  private static void assertSameRowsAsTheDemoRun(Warehouse other) throws IOException {
    GoldenFiles.assertMatches("sample-data/k8s/expected/focus-gpu-request-time.jsonl", GoldenFiles.lines(
        other.read(CostAndUsageTable.TABLE_NAME), Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT),
        Set.of(ExtensionColumns.SOURCE_FILE)));
    Dataset<Row> before = warehouse.read(GpuUtilizationTable.TABLE_NAME).drop(GpuUtilizationTable.RUN_ID);
    Dataset<Row> after = other.read(GpuUtilizationTable.TABLE_NAME).drop(GpuUtilizationTable.RUN_ID);
    assertThat(after.count()).isEqualTo(before.count()).isPositive();
    assertThat(after.exceptAll(before).collectAsList()).isEmpty();
  }

  @Test
  void everyOriginChargeIsAllocatedExactly() {
    assertSumsToOrigins(focus());
    // 72 node-hours: every node reported GPU capacity in each of the 24 hours (gpu-c's gap is half an hour)
    assertThat(result.sources()).singleElement().satisfies(run -> {
      assertThat(run.reconciled()).isTrue();
      assertThat(run.rowsIn()).isEqualTo(72);
      assertThat(run.originsAllocated()).isEqualTo(72);
      assertThat(run.inputTotal()).isEqualByComparingTo(new BigDecimal("2.60").add(new BigDecimal("3.20"))
          .add(new BigDecimal("1.223764")).multiply(BigDecimal.valueOf(24)));
      assertThat(run.outputTotal()).isEqualByComparingTo(run.inputTotal());
    });
    Row runs = warehouse.read(PipelineRunsTable.TABLE_NAME).where(col(PipelineRunsTable.RUN_ID).equalTo(result.runId())).first();
    assertThat(runs.<String>getAs(PipelineRunsTable.STATUS)).isEqualTo("SUCCEEDED");
    assertThat(runs.<String>getAs(PipelineRunsTable.SOURCE_KIND)).isEqualTo("k8s-gpu");
  }

  /** For every origin (ResourceId, ChargePeriodStart): Σ costs = node-hour price, Σ ratios = 1, Σ quantities = origin's. */
  static void assertSumsToOrigins(Dataset<Row> rows) {
    List<Row> perOrigin = rows.groupBy(col(FocusColumns.RESOURCE_NAME), col(FocusColumns.CHARGE_PERIOD_START))
        .agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST)), sum(col(FocusColumns.LIST_COST)),
            sum(col(FocusColumns.CONTRACTED_COST)), sum(col(FocusColumns.PRICING_QUANTITY)), sum(col(FocusColumns.CONSUMED_QUANTITY)),
            sum(expr("CAST(get_json_object(AllocatedMethodDetails, '$.Elements[0].AllocatedRatio') AS DECIMAL(38,12))")),
            min(col(FocusColumns.LIST_UNIT_PRICE)), max(col(FocusColumns.LIST_UNIT_PRICE)), count(col(FocusColumns.BILLED_COST)))
        .collectAsList();
    assertThat(perOrigin).hasSize(72);
    for (Row r : perOrigin) {
      BigDecimal price = NODE_HOUR.get(r.getString(0));
      String where = r.getString(0) + " " + r.get(1);
      for (int i = 2; i <= 5; i++) {
        assertThat(r.getDecimal(i)).as(where + " cost column " + i).isEqualByComparingTo(price);
      }
      assertThat(r.getDecimal(6)).as(where + " PricingQuantity").isEqualByComparingTo("1");
      assertThat(r.getDecimal(7)).as(where + " ConsumedQuantity (GPUs × 1 h)").isEqualByComparingTo(r.getString(0).equals("gpu-a") ? "2" : "1");
      assertThat(r.getDecimal(8)).as(where + " Σ AllocatedRatio").isEqualByComparingTo("1");
      assertThat(r.getDecimal(9)).as(where + " unit price kept").isEqualByComparingTo(price);
      assertThat(r.getDecimal(10)).isEqualByComparingTo(price);
    }
  }

  @Test
  void handComputedNodeHours() {
    Map<String, String> cost = new HashMap<>();
    for (Row r : focus().select(col(FocusColumns.RESOURCE_NAME), col(FocusColumns.CHARGE_PERIOD_START),
        col(FocusColumns.ALLOCATED_RESOURCE_NAME), col(FocusColumns.BILLED_COST), col(ExtensionColumns.TEAM)).collectAsList()) {
      cost.put(r.getString(0) + " " + ((Instant) r.get(1)).toString().substring(11, 13) + " " + r.getString(2) + " " + r.getString(4),
          r.getDecimal(3).stripTrailingZeros().toPlainString());
    }
    // gpu-a 00h: train-llama-0 on 1 of 2 GPUs → half of 2.60; the idle GPU is the other half
    assertThat(cost).containsEntry("gpu-a 00 train-llama-0 ml-research", "1.3").containsEntry("gpu-a 00 null unattributed", "1.3");
    // gpu-a 12h: both GPUs requested (infer-embed-7c9 and batch-eval-1, whose team comes from its namespace): no idle row
    assertThat(cost).containsEntry("gpu-a 12 infer-embed-7c9 search", "1.3").containsEntry("gpu-a 12 batch-eval-1 ml-research", "1.3")
        .doesNotContainKey("gpu-a 12 null unattributed");
    // gpu-a 14h: batch-eval-1 stops at 14:30 → 1 : 0.5 : 0.5 idle
    assertThat(cost).containsEntry("gpu-a 14 infer-embed-7c9 search", "1.3").containsEntry("gpu-a 14 batch-eval-1 ml-research", "0.65")
        .containsEntry("gpu-a 14 null unattributed", "0.65");
    // gpu-b 10h (MIG, 7 slices): 3g.40gb llm-serve-0 3/7, 1g.10gb notebook-ana 1/7, idle 3/7 of 3.20
    // = 1.3714…, 0.4571…, 1.3714… → 1.37 + 0.45 + 1.37 = 3.19, the last cent to the largest remainder (notebook)
    assertThat(cost).containsEntry("gpu-b 10 llm-serve-0 assistant", "1.37").containsEntry("gpu-b 10 notebook-ana ml-research", "0.46")
        .containsEntry("gpu-b 10 null unattributed", "1.37");
    // gpu-c 03h: scrape gap 03:00–03:30 (the 02:50 sample covers 10 minutes, not 40) → half the hour idle
    assertThat(cost).containsEntry("gpu-c 03 shared-train-0 alpha", "0.611882").containsEntry("gpu-c 03 null unattributed", "0.611882");
    // gpu-c: the pod's team label changes at noon
    assertThat(cost).containsEntry("gpu-c 11 shared-train-0 alpha", "1.223764").containsEntry("gpu-c 12 shared-train-0 beta", "1.223764");
  }

  @Test
  void allocatedRowsCarryTheOriginColumnsAndFocusAllocationColumns() {
    Row r = focus().where(col(FocusColumns.ALLOCATED_RESOURCE_NAME).equalTo("notebook-ana")
        .and(col(FocusColumns.CHARGE_PERIOD_START).equalTo(expr("TIMESTAMP '2026-11-03 10:00:00'")))).first();
    assertThat(r.<String>getAs(FocusColumns.ALLOCATED_METHOD_ID)).isEqualTo("aifocus.gpu-request-time.idle-separate");
    assertThat(r.<String>getAs(FocusColumns.ALLOCATED_METHOD_DETAILS))
        .isEqualTo("{\"Elements\":[{\"AllocatedRatio\":0.142857142857,\"UsageQuantity\":0.142857142857,\"UsageUnit\":\"GPU-Hours\"}]}");
    assertThat(r.<String>getAs(FocusColumns.ALLOCATED_RESOURCE_ID)).isEqualTo("research/notebook-ana");
    assertThat(r.<String>getAs(FocusColumns.ALLOCATED_TAGS)).isEqualTo("{\"aifocus/namespace\":\"research\",\"team\":\"ml-research\",\"user\":\"ana\"}");
    assertThat(r.<String>getAs(FocusColumns.RESOURCE_ID)).isEqualTo("gpu-demo/gpu-b");
    assertThat(r.<String>getAs(FocusColumns.TAGS)).contains("\"aifocus/cluster\":\"gpu-demo\"");
    Row idle = focus().where(col(FocusColumns.ALLOCATED_RESOURCE_ID).isNull()).first();
    assertThat(idle.<String>getAs(FocusColumns.ALLOCATED_RESOURCE_NAME)).isNull();
    assertThat(idle.<String>getAs(FocusColumns.ALLOCATED_TAGS)).isNull();
    assertThat(idle.<String>getAs(FocusColumns.ALLOCATED_METHOD_ID)).isNotNull();
  }

  @Test
  void gpuUtilizationTable() {
    Dataset<Row> u = warehouse.read(GpuUtilizationTable.TABLE_NAME);
    assertThat(u.schema()).isEqualTo(GpuUtilizationTable.schema());
    // DCGM time: gpu-a 2 GPUs × 24 h, gpu-b 7/7 of a GPU × 24 h, gpu-c 1 GPU × 23.5 h (the scrape gap)
    Row t = u.agg(sum(col(GpuUtilizationTable.GPU_HOURS)).plus(sum(col(GpuUtilizationTable.IDLE_GPU_HOURS)))).first();
    assertThat(t.getDecimal(0).setScale(6, java.math.RoundingMode.HALF_UP)).isEqualByComparingTo("95.5");
    Row llama = u.where(col(GpuUtilizationTable.WORKLOAD).equalTo("train-llama-0")).agg(sum(col(GpuUtilizationTable.GPU_HOURS)),
        sum(col(GpuUtilizationTable.ALLOCATED_COST)), min(col(GpuUtilizationTable.AVG_UTILIZATION)), max(col(GpuUtilizationTable.P95_UTILIZATION))).first();
    assertThat(llama.getDecimal(0)).isEqualByComparingTo("8");
    assertThat(llama.getDecimal(1)).isEqualByComparingTo("10.40"); // 8 h × 1.30
    assertThat(llama.getDecimal(2)).isEqualByComparingTo("0.93");   // 92, 93, 94 % in turn
    assertThat(llama.getDecimal(3)).isEqualByComparingTo("0.94");
    // idle cost in the table equals the idle rows of the FOCUS table, except gpu-c 03h: its idle half-hour is the
    // scrape gap, which has no DCGM sample to carry it
    BigDecimal idleFocus = focus().where(col(FocusColumns.ALLOCATED_RESOURCE_ID).isNull()).agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
    BigDecimal idleTable = u.agg(sum(col(GpuUtilizationTable.IDLE_COST))).first().getDecimal(0);
    assertThat(idleTable.setScale(6, java.math.RoundingMode.HALF_UP)).isEqualByComparingTo(idleFocus.subtract(new BigDecimal("0.611882")));
  }
}
