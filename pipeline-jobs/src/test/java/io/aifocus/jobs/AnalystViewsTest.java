package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.net.URI;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The analyst views over small hand-made tables, with values computed by hand. */
class AnalystViewsTest {
  private static final LocalDate DAY = LocalDate.parse("2026-11-03");
  private final SparkSession spark = SparkTestSession.get();

  @BeforeEach
  void cleanSession() {
    FocusFixture.forgetViews();
  }

  @Test
  void theViewFilesInDocsAreTheOnesTheCliRegisters() throws IOException {
    Path docs = SparkTestSession.projectRoot().resolve("docs/sql");
    // the build packages docs/sql as the resources aifocus/sql: the jar holds exactly the documented text
    Path resources = Path.of(URI.create(AnalystViews.class.getResource("/aifocus/sql/v_daily_spend.sql").toString()))
        .getParent();
    try (var files = Files.list(docs)) {
      assertThat(files.map(p -> p.getFileName().toString().replace(".sql", "")).sorted().toList())
          .containsExactlyElementsOf(AnalystViews.VIEWS.stream().sorted().toList());
    }
    for (String view : AnalystViews.VIEWS) {
      assertThat(Files.readString(resources.resolve(view + ".sql"), StandardCharsets.UTF_8))
          .as("docs/sql/%s.sql and the packaged resource in %s", view, resources)
          .isEqualTo(Files.readString(docs.resolve(view + ".sql"), StandardCharsets.UTF_8));
      AnalystViews.ViewFile file = AnalystViews.load(view);
      assertThat(file.requires()).isNotEmpty();
      assertThat(file.temporaryViewSql()).contains("CREATE OR REPLACE TEMPORARY VIEW " + view + " AS");
    }
  }

  private static FocusFixture fixture() {
    return new FocusFixture()
        // two Anthropic requests through the gateway (two steps of one workflow run): input, output and cache-read rows
        .charge(DAY, "search", "claude-x", "0.003", FocusColumns.SERVICE_PROVIDER_NAME, "Anthropic",
            ExtensionColumns.FEATURE, "answer", ExtensionColumns.CUSTOMER, "acme", ExtensionColumns.ENDPOINT, "/v1/a",
            ExtensionColumns.WORKFLOW, "rag", ExtensionColumns.WORKFLOW_RUN_ID, "rag-run-1",
            FocusColumns.CONSUMED_UNIT, "Tokens", FocusColumns.CONSUMED_QUANTITY, "1000",
            ExtensionColumns.INPUT_TOKENS, "1000", ExtensionColumns.REQUESTS, "1", ExtensionColumns.USAGE_TYPE, "input")
        .charge(DAY, "search", "claude-x", "0.0075", FocusColumns.SERVICE_PROVIDER_NAME, "Anthropic",
            ExtensionColumns.FEATURE, "answer", ExtensionColumns.CUSTOMER, "acme", ExtensionColumns.ENDPOINT, "/v1/a",
            ExtensionColumns.WORKFLOW, "rag", ExtensionColumns.WORKFLOW_RUN_ID, "rag-run-1",
            FocusColumns.CONSUMED_UNIT, "Tokens", FocusColumns.CONSUMED_QUANTITY, "500",
            ExtensionColumns.OUTPUT_TOKENS, "500", ExtensionColumns.REQUESTS, "0", ExtensionColumns.USAGE_TYPE, "output")
        .charge(DAY, "search", "claude-x", "0.0006", FocusColumns.SERVICE_PROVIDER_NAME, "Anthropic",
            ExtensionColumns.FEATURE, "answer", ExtensionColumns.CUSTOMER, "acme", ExtensionColumns.ENDPOINT, "/v1/a",
            ExtensionColumns.WORKFLOW, "rag", ExtensionColumns.WORKFLOW_RUN_ID, "rag-run-1",
            FocusColumns.CONSUMED_UNIT, "Tokens", FocusColumns.CONSUMED_QUANTITY, "2000",
            ExtensionColumns.CACHED_INPUT_TOKENS, "2000", ExtensionColumns.REQUESTS, "0", ExtensionColumns.USAGE_TYPE, "cache-read")
        .charge(DAY, "search", "claude-x", "0.009", FocusColumns.SERVICE_PROVIDER_NAME, "Anthropic",
            ExtensionColumns.FEATURE, "answer", ExtensionColumns.CUSTOMER, "acme", ExtensionColumns.ENDPOINT, "/v1/a",
            ExtensionColumns.WORKFLOW, "rag", ExtensionColumns.WORKFLOW_RUN_ID, "rag-run-1",
            FocusColumns.CONSUMED_UNIT, "Tokens", FocusColumns.CONSUMED_QUANTITY, "3000",
            ExtensionColumns.INPUT_TOKENS, "3000", ExtensionColumns.REQUESTS, "1", ExtensionColumns.USAGE_TYPE, "input")
        // an AWS Bedrock CUR row: tokens in thousands, token type in the usage type
        .charge(DAY, "support", "claude3haiku", "0.01425", FocusColumns.SERVICE_PROVIDER_NAME, "AWS",
            FocusColumns.SERVICE_SUBCATEGORY, "Generative AI", FocusColumns.CONSUMED_UNIT, "1K tokens",
            FocusColumns.CONSUMED_QUANTITY, "57", ExtensionColumns.USAGE_TYPE, "USE1-Claude3Haiku-input-tokens")
        // compute tagged as training (billed 10, amortized 8), untagged compute, an unused commitment
        .charge(DAY, "search", "none", "10.00", FocusColumns.EFFECTIVE_COST, "8.00", FocusColumns.CONSUMED_UNIT, "Hours",
            FocusColumns.CONSUMED_QUANTITY, "1", FocusColumns.TAGS, "{\"workload\":\"training\"}")
        .charge(DAY, "search", "none", "5.00")
        .charge(DAY, "unattributed", "none", "0", FocusColumns.EFFECTIVE_COST, "4.00",
            FocusColumns.COMMITMENT_DISCOUNT_STATUS, "Unused", FocusColumns.COMMITMENT_DISCOUNT_ID, "sp-1",
            FocusColumns.COMMITMENT_DISCOUNT_NAME, "SP 1")
        // an OpenAI request of another customer, no workflow
        .charge(DAY, "search", "gpt-mini", "0.001", FocusColumns.SERVICE_PROVIDER_NAME, "OpenAI",
            ExtensionColumns.FEATURE, "answer", ExtensionColumns.CUSTOMER, "globex", ExtensionColumns.ENDPOINT, "/v1/a",
            FocusColumns.CONSUMED_UNIT, "Tokens", FocusColumns.CONSUMED_QUANTITY, "1000",
            ExtensionColumns.INPUT_TOKENS, "1000", ExtensionColumns.REQUESTS, "1", ExtensionColumns.USAGE_TYPE, "input");
  }

  @Test
  void focusViewsAnswerWithHandComputedValues() throws IOException {
    Warehouse warehouse = fixture().write("views-wh");
    Path revenue = SparkTestSession.newDirectory("revenue").resolve("revenue.csv");
    Files.writeString(revenue, "customer,billing_period,revenue,currency\nacme,2026-11,900,USD\nglobex,2026-11,100.00,USD\n"
        + "hooli,2026-11,1000,USD\n");
    Analytics.write(spark, warehouse, Analytics.CUSTOMER_REVENUE, RevenueCsv.read(revenue), RevenueCsv.SCHEMA);
    warehouse.registerViews();
    AnalystViews.Registration registration = AnalystViews.register(spark);
    assertThat(registration.registered()).containsExactly("v_cost_per_token", "v_daily_spend", "v_spend_concentration",
        "v_cost_per_task", "v_savings_opportunities");
    assertThat(registration.notes())
        .containsExactly("v_gpu_utilization skipped: table gpu_utilization does not exist in the warehouse yet",
            "v_self_hosted_cost_per_token skipped: table inference_tokens does not exist in the warehouse yet");

    assertThat(rows("SELECT day, provider, model, team, feature, customer, endpoint, currency, input_tokens, output_tokens,"
        + " cache_read_tokens, cache_write_tokens, total_tokens, requests, input_cost, output_cost, cache_read_cost,"
        + " cache_write_cost, total_cost, cost_per_1m_tokens, cost_per_1m_input_tokens, cost_per_1m_output_tokens,"
        + " cost_per_1m_cache_read_tokens, cost_per_request FROM v_cost_per_token ORDER BY provider"))
        .containsExactly(
            "2026-11-03|AWS|claude3haiku|support|null|null|null|USD|57000|0|0|0|57000|null|0.01425|0|0|0|0.01425"
                + "|0.25|0.25|null|null|null",
            "2026-11-03|Anthropic|claude-x|search|answer|acme|/v1/a|USD|4000|500|2000|0|6500|2|0.012|0.0075|0.0006|0"
                + "|0.0201|3.092308|3|15|0.3|0.01005",
            "2026-11-03|OpenAI|gpt-mini|search|answer|globex|/v1/a|USD|1000|0|0|0|1000|1|0.001|0|0|0|0.001|1|1|null|null"
                + "|0.001");

    assertThat(rows("SELECT day, team, model, workload, currency, billed_cost, effective_cost, charges FROM v_daily_spend"
        + " ORDER BY team, model, workload"))
        .containsExactly(
            "2026-11-03|search|claude-x|inference|USD|0.0201|0.0201|4",
            "2026-11-03|search|gpt-mini|inference|USD|0.001|0.001|1",
            "2026-11-03|search|none|other|USD|5|5|1",
            "2026-11-03|search|none|training|USD|10|8|1",
            "2026-11-03|support|claude3haiku|inference|USD|0.01425|0.01425|1",
            "2026-11-03|unattributed|none|other|USD|0|4|1");

    assertThat(rows("SELECT * FROM v_spend_concentration ORDER BY spend_rank, customer"))
        .containsExactly(
            "2026-11|acme|USD|0.0201|2|0.952607|900|0.45|0.000022|1",
            "2026-11|globex|USD|0.001|1|0.047393|100|0.05|0.00001|2",
            "2026-11|hooli|USD|0|null|0|1000|0.5|0|3");

    // one run of two steps: 6,500 tokens and 0.0201 per run, 0.01005 per step
    assertThat(rows("SELECT day, workflow, team, model, currency, runs, runs_with_id, steps, tokens, cost, steps_per_run,"
        + " max_steps_per_run, tokens_per_run, cost_per_run, cost_per_step FROM v_cost_per_task"))
        .containsExactly("2026-11-03|rag|search|claude-x|USD|1|1|2|6500|0.0201|2|2|6500|0.0201|0.01005");

    assertThat(rows("SELECT * FROM v_savings_opportunities"))
        .containsExactly("unused_commitment|potential|unattributed|null|none|SP 1|2026-11|USD|null|4|0|4"
            + "|unused commitment discount time: right-size, exchange or share the commitment");
  }

  @Test
  void spendConcentrationWithoutRevenueHasNullRevenue() {
    Warehouse warehouse = fixture().write("views-norev");
    warehouse.registerViews();
    AnalystViews.register(spark);
    assertThat(rows("SELECT customer, llm_spend, spend_share, revenue, revenue_share, spend_to_revenue"
        + " FROM v_spend_concentration ORDER BY customer"))
        .containsExactly("acme|0.0201|0.952607|null|null|null", "globex|0.001|0.047393|null|null|null");
  }

  static final StructType GPU_SCHEMA = StructType.fromDDL(
      "cluster STRING, node STRING, gpu STRING, mig_profile STRING, namespace STRING, workload STRING, team STRING,"
          + " model STRING, endpoint STRING, hour_start TIMESTAMP, gpu_hours DECIMAL(38,12), idle_gpu_hours DECIMAL(38,12),"
          + " avg_utilization DECIMAL(9,6), p95_utilization DECIMAL(9,6), memory_used_mib DECIMAL(38,12),"
          + " allocated_cost DECIMAL(38,12), idle_cost DECIMAL(38,12), currency STRING, x_RunId STRING");

  private static Row gpu(String node, String gpu, String workload, String endpoint, String hour, String gpuHours,
      String idle, String avg, String p95, String allocated, String idleCost) {
    return RowFactory.create("c1", node, gpu, null, workload == null ? null : "serving", workload,
        workload == null ? null : "search", workload == null ? null : "llama", endpoint, Instant.parse(hour),
        new BigDecimal(gpuHours), new BigDecimal(idle), new BigDecimal(avg), new BigDecimal(p95), new BigDecimal("1000"),
        new BigDecimal(allocated), new BigDecimal(idleCost), "USD", "run-1");
  }

  @Test
  void gpuUtilizationPerEndpointAndHourWithRecoverableFlags() {
    Warehouse warehouse = fixture().write("views-gpu");
    String h10 = "2026-11-03T10:00:00Z";
    String h11 = "2026-11-03T11:00:00Z";
    List<Row> rows = List.of(
        gpu("n1", "0", "llm-serve", "/v1/chat", h10, "1", "0.6", "0.40", "0.70", "2.00", "1.20"),
        gpu("n1", "1", "llm-serve", "/v1/chat", h10, "1", "0.2", "0.80", "0.95", "2.00", "0.40"),
        gpu("n2", "0", "embed", "/v1/embed", h10, "1", "0.9", "0.10", "0.30", "2.00", "1.80"),
        gpu("n2", "1", null, null, h10, "1", "1", "0", "0", "0", "2.00"),
        gpu("n1", "0", "llm-serve", "/v1/chat", h11, "0.5", "0.4", "0.20", "0.50", "1.00", "0.80"),
        gpu("n1", "1", "llm-serve", "/v1/chat", h11, "1.5", "0.6", "0.60", "0.90", "3.00", "1.20"));
    Analytics.write(spark, warehouse, Analytics.GPU_UTILIZATION, rows, GPU_SCHEMA);
    warehouse.registerViews();
    assertThat(AnalystViews.register(spark).notes()) // no vLLM metrics in this warehouse
        .containsExactly("v_self_hosted_cost_per_token skipped: table inference_tokens does not exist in the warehouse yet");
    assertThat(rows("SELECT cluster, endpoint, team, model, hour_start, currency, gpus, gpu_hours, idle_gpu_hours,"
        + " avg_utilization, max_p95_utilization, allocated_cost, idle_cost, recoverable_flag, severe_flag"
        + " FROM v_gpu_utilization ORDER BY hour_start, endpoint NULLS FIRST"))
        .containsExactly(
            "c1|null|null|null|2026-11-03T10:00:00Z|USD|1|1|1|0|0|0|2|true|true",
            "c1|/v1/chat|search|llama|2026-11-03T10:00:00Z|USD|2|2|0.8|0.6|0.95|4|1.6|false|false",
            "c1|/v1/embed|search|llama|2026-11-03T10:00:00Z|USD|1|1|0.9|0.1|0.3|2|1.8|true|true",
            // (0.5 × 0.20 + 1.5 × 0.60) / 2 = 0.50: not below 50%
            "c1|/v1/chat|search|llama|2026-11-03T11:00:00Z|USD|2|2|1|0.5|0.9|4|2|false|false");
  }

  /** Query rows as 'a|b|c' lines: decimals without trailing zeros, times as ISO instants. */
  private List<String> rows(String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        cells.add(v instanceof BigDecimal d ? (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString()) : String.valueOf(v));
      }
      out.add(cells.stream().collect(Collectors.joining("|")));
    }
    return out;
  }
}
