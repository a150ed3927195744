package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.InferenceTokens;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.api.InferenceTokensTable;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SparkTestSession;
import io.aifocus.ingest.k8s.PrometheusReader;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * vLLM token counters of the demo cluster (sample-data/k8s/demo/vllm, written by make-fixtures.py): llm-serve-0 serves
 * meta-llama/Meta-Llama-3-70B-Instruct on a 3g.40gb MIG slice of gpu-b (3/7 of 3.20/h = 1.37 per hour after the
 * split), counters every 10 minutes, 6,000 prompt + 2,000 generation tokens per step before 08:00 and 30,000 + 10,000
 * from 08:00, a restart at 14:55 (the 15:00 sample restarts at 15,000 + 5,000). Hand-checked per hour:
 * 00 → 5 steps (the 00:00 sample is the baseline) = 30,000 + 10,000; 01–07 → 36,000 + 12,000; 08–23 → 180,000 +
 * 60,000, but 15 → 15,000 + 5 × 30,000 = 165,000 and 5,000 + 5 × 10,000 = 55,000. Day: 3,147,000 prompt + 1,049,000
 * generation = 4,196,000 tokens for 24 × 1.37 = 32.88: 7.836034 per 1M. The price book's groq llama-3-70b* row
 * (0.59 in / 0.79 out) prices the same tokens at 3.147 × 0.59 + 1.049 × 0.79 = 2.68544: 0.64 per 1M.
 */
class VllmTokensGoldenTest {
  static Warehouse warehouse;
  static PipelineRunner.Result result;
  private final SparkSession spark = SparkTestSession.get();

  @BeforeAll
  static void runDemoClusterWithVllm() {
    SparkSession spark = SparkTestSession.get();
    GpuClusterConfig base = GpuAllocationGoldenTest.cluster(AllocationMethod.GPU_REQUEST_TIME, IdleHandling.SEPARATE, Map.of(), false);
    GpuClusterConfig cluster = new GpuClusterConfig(base.settings(), base.dcgm(), base.kubeStateMetrics(), base.nodePrices(),
        base.costModel(), base.scrapeTime(),
        Optional.of(SparkTestSession.projectRoot().resolve(GpuAllocationGoldenTest.DEMO).resolve("vllm").toString()));
    warehouse = new Warehouse(spark, SparkTestSession.newDirectory("golden-vllm").toString());
    result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(warehouse.root(), List.of(),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS,
        Optional.of(SparkTestSession.projectRoot().resolve("sample-data/llm/price-book.csv").toString()), List.of(cluster)));
  }

  @AfterAll
  static void forgetViews() {
    FocusFixture.forgetViews();
  }

  static Dataset<Row> tokens() {
    return warehouse.read(InferenceTokensTable.TABLE_NAME);
  }

  @Test
  void tokensMatchGolden() throws IOException {
    GoldenFiles.assertMatches("sample-data/k8s/expected/inference-tokens.jsonl",
        GoldenFiles.lines(tokens(), Set.of(InferenceTokensTable.RUN_ID), Set.of()));
  }

  @Test
  void handCheckedHoursWithACounterReset() {
    List<Row> rows = tokens().orderBy(InferenceTokensTable.HOUR_START).collectAsList();
    assertThat(rows).hasSize(24);
    BigDecimal prompt = BigDecimal.ZERO;
    BigDecimal generation = BigDecimal.ZERO;
    BigDecimal cost = BigDecimal.ZERO;
    for (int h = 0; h < 24; h++) {
      Row r = rows.get(h);
      String hour = "hour " + h;
      long p = h == 0 ? 30_000 : h < 8 ? 36_000 : h == 15 ? 165_000 : 180_000;
      assertThat(r.<BigDecimal>getAs(InferenceTokensTable.PROMPT_TOKENS)).as(hour).isEqualByComparingTo(BigDecimal.valueOf(p));
      assertThat(r.<BigDecimal>getAs(InferenceTokensTable.GENERATION_TOKENS)).as(hour).isEqualByComparingTo(BigDecimal.valueOf(p / 3));
      assertThat(r.<Integer>getAs(InferenceTokensTable.COUNTER_RESETS)).as(hour).isEqualTo(h == 15 ? 1 : 0);
      assertThat(r.<BigDecimal>getAs(InferenceTokensTable.GPU_COST)).as(hour).isEqualByComparingTo("1.37");
      assertThat(r.<String>getAs(InferenceTokensTable.POD)).isEqualTo("llm-serve-0");
      assertThat(r.<String>getAs(InferenceTokensTable.NAMESPACE)).isEqualTo("chat");
      assertThat(r.<String>getAs(InferenceTokensTable.ENDPOINT)).isEqualTo("chat-completions");
      assertThat(r.<String>getAs(InferenceTokensTable.TEAM)).isEqualTo("assistant");
      assertThat(r.<String>getAs(InferenceTokensTable.MODEL)).isEqualTo("meta-llama/Meta-Llama-3-70B-Instruct");
      assertThat(r.<String>getAs(InferenceTokensTable.MODEL_FAMILY)).isEqualTo("llama-3-70b-instruct");
      assertThat(r.<String>getAs(InferenceTokensTable.API_PROVIDER)).isEqualTo("groq");
      assertThat(r.<BigDecimal>getAs(InferenceTokensTable.API_INPUT_PER_1M)).isEqualByComparingTo("0.59");
      assertThat(r.<BigDecimal>getAs(InferenceTokensTable.API_OUTPUT_PER_1M)).isEqualByComparingTo("0.79");
      prompt = prompt.add(r.getAs(InferenceTokensTable.PROMPT_TOKENS));
      generation = generation.add(r.getAs(InferenceTokensTable.GENERATION_TOKENS));
      cost = cost.add(r.getAs(InferenceTokensTable.GPU_COST));
    }
    assertThat(prompt).isEqualByComparingTo("3147000");
    assertThat(generation).isEqualByComparingTo("1049000");
    // the GPU cost is the pod's allocated rows, hour by hour
    BigDecimal allocated = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(col(FocusColumns.ALLOCATED_RESOURCE_ID).equalTo("chat/llm-serve-0"))
        .agg(org.apache.spark.sql.functions.sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
    assertThat(cost).isEqualByComparingTo("32.88").isEqualByComparingTo(allocated);
    assertThat(result.reconciled()).isTrue();
  }

  @Test
  void theViewPutsSelfHostedCostNextToApiPrices() {
    warehouse.registerViews();
    AnalystViews.register(spark);
    Row r = spark.sql("SELECT * FROM v_self_hosted_cost_per_token").collectAsList().stream().findFirst().orElseThrow();
    assertThat(spark.sql("SELECT * FROM v_self_hosted_cost_per_token").count()).isEqualTo(1);
    assertThat(r.<String>getAs("billing_period")).isEqualTo("2026-11");
    assertThat(r.<Long>getAs("pods")).isEqualTo(1L);
    assertThat(r.<BigDecimal>getAs("total_tokens")).isEqualByComparingTo("4196000");
    assertThat(r.<BigDecimal>getAs("gpu_cost")).isEqualByComparingTo("32.88");
    assertThat(r.<BigDecimal>getAs("self_hosted_cost_per_1m")).isEqualByComparingTo("7.836034"); // 32.88 / 4.196 = 7.8360343...
    assertThat(r.<String>getAs("api_price_version")).isEqualTo("groq-llama-3-70b-2024-04-18");
    assertThat(r.<BigDecimal>getAs("api_list_cost")).isEqualByComparingTo("2.68544");
    assertThat(r.<BigDecimal>getAs("api_list_cost_per_1m")).isEqualByComparingTo("0.64");
    assertThat(r.<BigDecimal>getAs("api_billed_cost_per_1m")).isNull(); // no API rows of the family in the warehouse

    // an API token row of the same family: 2,000,000 tokens billed 1.50 → 0.75 per 1M next to the self-hosted cost
    Dataset<Row> focus = warehouse.read(CostAndUsageTable.TABLE_NAME);
    Dataset<Row> api = focus.limit(1)
        .withColumn(FocusColumns.CHARGE_CATEGORY, lit("Usage"))
        .withColumn(FocusColumns.CONSUMED_UNIT, lit("Tokens"))
        .withColumn(FocusColumns.CONSUMED_QUANTITY, lit(new BigDecimal("2000000")).cast(focus.schema().apply(FocusColumns.CONSUMED_QUANTITY).dataType()))
        .withColumn(FocusColumns.BILLED_COST, lit(new BigDecimal("1.50")).cast(focus.schema().apply(FocusColumns.BILLED_COST).dataType()))
        .withColumn(ExtensionColumns.MODEL, lit("llama-3-70b"));
    focus.unionByName(api).createOrReplaceTempView(CostAndUsageTable.TABLE_NAME);
    AnalystViews.register(spark);
    Row withApi = spark.sql("SELECT * FROM v_self_hosted_cost_per_token").first();
    assertThat(withApi.<BigDecimal>getAs("api_tokens")).isEqualByComparingTo("2000000");
    assertThat(withApi.<BigDecimal>getAs("api_billed_cost_per_1m")).isEqualByComparingTo("0.75");
    assertThat(withApi.<BigDecimal>getAs("self_hosted_cost_per_1m")).isEqualByComparingTo("7.836034");
  }

  /**
   * sample-data/k8s/vllm/vllm-query-range.json (hand-written query_range JSON, values as strings): qwen-0's counters
   * 1000, 4000, 9000, 2500 (reset), 1.2e+04 at 10:00, 10:30, 11:00, 11:30, 12:00 → 3,000 in hour 10, 5,000 + 2,500 =
   * 7,500 in hour 11 (one reset), 9,500 in hour 12; qwen-1: 0, 6000, NaN (no sample), 6000 at 10:00, 11:00, 11:30,
   * 12:00 → 6,000 in hour 11, 0 in hour 12. Generation is a tenth of prompt.
   */
  @Test
  void queryRangeJsonWithAResetAndKubernetesSdLabels() {
    Dataset<Row> raw = PrometheusReader.read(spark,
        SparkTestSession.projectRoot().resolve("sample-data/k8s/vllm/vllm-query-range.json").toString(), Optional.empty()).rows();
    List<String> rows = InferenceTokens.hourlyTokens(raw)
        .select(col("namespace"), col("pod"), col("served_model"), hour(col("hour_start")), col("prompt"), col("generation"), col("resets"))
        .orderBy("pod", "hour_start").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2) + " " + r.getInt(3) + " "
            + r.getDecimal(4).stripTrailingZeros().toPlainString() + " " + r.getDecimal(5).stripTrailingZeros().toPlainString() + " " + r.get(6))
        .toList();
    assertThat(rows).containsExactly(
        "chat qwen-0 Qwen/Qwen2.5-7B-Instruct 10 3000 300 0",
        "chat qwen-0 Qwen/Qwen2.5-7B-Instruct 11 7500 750 1",
        "chat qwen-0 Qwen/Qwen2.5-7B-Instruct 12 9500 950 0",
        "chat qwen-1 Qwen/Qwen2.5-7B-Instruct 11 6000 600 0",
        "chat qwen-1 Qwen/Qwen2.5-7B-Instruct 12 0 0 0");
  }
}
