package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The command line as users and schedulers see it: output, exit codes, messages. */
class CliTest {
  private static Path warehouse;

  /** Exit code and captured stdout/stderr of one CLI call. */
  record Call(int exit, String out, String err) {}

  static synchronized Call cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = AifocusCli.execute(args);
      return new Call(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @BeforeAll
  static void demo() {
    SparkTestSession.get();
    warehouse = SparkTestSession.newDirectory("cli-demo");
    Call demo = cli("demo", "--warehouse", warehouse.toString());
    assertThat(demo.exit()).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains("Per source and billing period (input = output + quarantined)")
        .contains("focus_cost_and_usage").contains("quarantine").contains("pipeline_runs")
        .contains("-- Spend by team and model").contains("| ml-platform")
        .contains("partitioned by x_Team, x_Model")
        .contains("-- LLM cost per 1M tokens by model and team").contains("| claude-sonnet-4-5-20250929")
        .contains("-- Top 5 customers by LLM spend and their revenue share").contains("| acme")
        // the analyst layer: the runaway agent loop of sample-data/analytics crosses the agents budget and is flagged
        .contains("Analytics as of 2026-11-20 (latest usage day): 3 budget(s)")
        .contains("[CRITICAL] budget 'agents-monthly' (team=agents, monthly from 2026-11-01): HARD CAP reached:"
            + " actual 30.60 USD >= cap 25.00")
        .contains("-- Budgets (budget_status)").contains("| agents-monthly ")
        .contains("-- Anomalies found (anomalies)").contains("| 2026-11-20 | endpoint   | /v1/agent/refund")
        .contains("-- GPU endpoints under 50% utilization (v_gpu_utilization)")
        .contains("-- GPU cost and utilization by team").contains("| gpu-demo | assistant")
        .contains("-- Savings opportunities (v_savings_opportunities)").contains("| model_routing")
        .contains("-- Prepaid credits burning down").contains("| anthropic-pack-2026");
    assertThat(demo.err()).contains("(reconciled)").doesNotContain("NOT RECONCILED");
  }

  /** The analyst views and tables on the demo data, against golden files reviewed by hand. */
  @Test
  void analystLayerOnTheDemoMatchesItsGoldenFiles() throws Exception {
    org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
    new Warehouse(spark, warehouse.toString()).registerViews();
    AnalystViews.register(spark);
    java.util.Set<String> volatileColumns = java.util.Set.of("run_id", "evaluated_at", "created_at");
    for (String name : List.of("v_cost_per_token", "v_spend_concentration", "v_cost_per_task", "v_savings_opportunities",
        Analytics.BUDGET_STATUS, Analytics.ALERTS, Analytics.ANOMALIES, Analytics.FORECASTS, Analytics.SAVINGS_ESTIMATES)) {
      GoldenFiles.assertMatches("sample-data/analytics/expected/" + name + ".jsonl",
          GoldenFiles.lines(spark.sql("SELECT * FROM " + name), volatileColumns, java.util.Set.of()));
    }
    GoldenFiles.assertMatches("sample-data/analytics/expected/v_daily_spend.jsonl", GoldenFiles.lines(
        spark.sql("SELECT * FROM v_daily_spend WHERE day >= DATE'2026-11-01'"), volatileColumns, java.util.Set.of()));
    Call sql = cli("sql", "--warehouse", warehouse.toString(), "--format", "csv",
        "SELECT customer, spend_share, revenue_share FROM v_spend_concentration ORDER BY llm_spend DESC LIMIT 1");
    assertThat(sql.exit()).as(sql.err()).isZero();
    assertThat(sql.err()).doesNotContain("skipped"); // every view's tables exist on the demo (incl. gpu_utilization)
    // umbrella: 100 runaway requests of USD 0.20 = 20.00 of 32.1… spend, 15,000 of 300,000 revenue
    assertThat(sql.out()).startsWith("customer,spend_share,revenue_share\numbrella,").endsWith(",0.050000\n");
  }

  @Test
  void exportWritesParquetThatDuckDbReadsAndArrowFiles() throws Exception {
    org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
    Path out = SparkTestSession.newDirectory("export");
    Call parquet = cli("export", "--warehouse", warehouse.toString(), "--out", out.resolve("parquet").toString());
    assertThat(parquet.exit()).as(parquet.err()).isZero();
    assertThat(parquet.out()).contains("focus_cost_and_usage").contains("v_cost_per_token").contains("budget_status");
    org.apache.spark.sql.Row expected = spark.read().format("delta").load(warehouse.resolve("focus_cost_and_usage").toString())
        .selectExpr("COUNT(*)", "SUM(BilledCost)", "SUM(EffectiveCost)",
            "COUNT(DISTINCT date_format(BillingPeriodStart, 'yyyy-MM'))").first();
    org.apache.spark.sql.Row expectedTokens = spark.sql("SELECT COUNT(*), SUM(total_cost) FROM v_cost_per_token").first();
    try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = duck.createStatement()) {
      java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(BilledCost), SUM(EffectiveCost), COUNT(DISTINCT billing_period),"
          + " typeof(FIRST(BilledCost)), typeof(FIRST(ChargePeriodStart)) FROM read_parquet('" + out.resolve("parquet")
          + "/focus_cost_and_usage/*/*.parquet', hive_partitioning = true)");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(expected.getLong(0));
      assertThat(rs.getBigDecimal(2)).isEqualByComparingTo((java.math.BigDecimal) expected.get(1));
      assertThat(rs.getBigDecimal(3)).isEqualByComparingTo((java.math.BigDecimal) expected.get(2));
      assertThat(rs.getLong(4)).isEqualTo(expected.getLong(3)).isGreaterThan(1); // one directory per billing month
      assertThat(rs.getString(5)).isEqualTo("DECIMAL(38,12)");
      assertThat(rs.getString(6)).isIn("TIMESTAMP", "TIMESTAMP WITH TIME ZONE");
      rs = st.executeQuery("SELECT COUNT(*), SUM(total_cost) FROM read_parquet('" + out.resolve("parquet")
          + "/v_cost_per_token/*.parquet')");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(expectedTokens.getLong(0));
      assertThat(rs.getBigDecimal(2)).isEqualByComparingTo((java.math.BigDecimal) expectedTokens.get(1));
    }
    Call arrow = cli("export", "--warehouse", warehouse.toString(), "--out", out.resolve("arrow").toString(), "--format", "arrow");
    assertThat(arrow.exit()).as(arrow.err()).isZero();
    try (org.apache.arrow.memory.RootAllocator allocator = new org.apache.arrow.memory.RootAllocator();
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(out.resolve("arrow/focus_cost_and_usage.arrow"));
        org.apache.arrow.vector.ipc.ArrowFileReader reader = new org.apache.arrow.vector.ipc.ArrowFileReader(channel, allocator)) {
      org.apache.arrow.vector.VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertThat(root.getSchema().findField("BilledCost").getType())
          .isEqualTo(new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(38, 12, 128));
      long rows = 0;
      java.math.BigDecimal billed = java.math.BigDecimal.ZERO;
      while (reader.loadNextBatch()) {
        org.apache.arrow.vector.DecimalVector v = (org.apache.arrow.vector.DecimalVector) root.getVector("BilledCost");
        for (int i = 0; i < root.getRowCount(); i++) {
          billed = v.isNull(i) ? billed : billed.add(v.getObject(i));
        }
        rows += root.getRowCount();
      }
      assertThat(rows).isEqualTo(expected.getLong(0));
      assertThat(billed).isEqualByComparingTo((java.math.BigDecimal) expected.get(1));
    }
    assertThat(out.resolve("arrow/v_cost_per_token.arrow")).exists();
    assertThat(out.resolve("arrow/v_self_hosted_cost_per_token.arrow")).exists();
  }

  private static Path report;

  /** {@code aifocus report} on the demo, written once for the two report tests (neither changes the file). */
  private static synchronized Path report() {
    if (report == null) {
      Path html = SparkTestSession.newDirectory("report").resolve("report.html");
      Call call = cli("report", "--warehouse", warehouse.toString(), "--out", html.toString());
      assertThat(call.exit()).as(call.err()).isZero();
      report = html;
    }
    return report;
  }

  /** The report as text: one self-contained file with the demo's figures (rendered: next test). */
  @Test
  void reportIsOneSelfContainedHtmlFileWithTheDemoFigures() throws Exception {
    Path html = report();
    String text = java.nio.file.Files.readString(html);
    assertThat(text).startsWith("<!DOCTYPE html>").endsWith("</body></html>\n")
        .contains("Data as of <b>2026-11-20</b>")
        .contains("<h3>2026-11</h3>").contains(">agents / claude-haiku-4-5 (USD)</text>")
        .contains(">anthropic / claude-haiku-4-5 (USD)</text>".replace("anthropic", "Anthropic"))
        .contains("<h2>GPU utilization by endpoint and hour</h2>\n<svg ")
        .contains("<h2>Self-hosted LLM cost per 1M tokens</h2>\n<table><tr><th>billing_period</th><th>cluster</th>")
        .contains("<h3>anthropic-pack-2026 (Tokens), projected exhaustion 2026-11-09 (as of 2026-11-30)</h3>")
        .contains("<td>agents-monthly</td>").contains("<td class=\"n\">30.60</td>")
        .contains("<td>2026-11-20</td><td>endpoint</td><td>/v1/agent/refund</td>")
        .doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
    assertThat(text.split("<svg ", -1).length - 1).isGreaterThanOrEqualTo(3);
  }

  /**
   * The report rendered by a real browser: headless Chromium (Debian's package; .ci/run installs it) takes a
   * screenshot, in which the bar charts (#4a7fb5) and the GPU heatmap (red-to-yellow cells) must be painted.
   */
  @Test
  void reportRendersInHeadlessChromium() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(Files.isExecutable(chromium), "Chromium is not installed (.ci/run installs it)");
    Path dir = SparkTestSession.newDirectory("report-browser");
    Path html = report();
    Path png = dir.resolve("report.png");
    Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + dir.resolve("profile"),
        "--window-size=1200,4000", "--screenshot=" + png, html.toUri().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    try {
      assertThat(browser.waitFor(180, TimeUnit.SECONDS)).as("Chromium finished").isTrue();
    } finally {
      browser.descendants().forEach(ProcessHandle::destroyForcibly);
      browser.destroyForcibly();
    }
    assertThat(png).as(Files.readString(dir.resolve("chromium.log"))).exists();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    long bars = 0;
    long heat = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        int r = rgb >> 16;
        int b = rgb & 0xFF;
        if (rgb == 0x4A7FB5) {
          bars++;
        } else if (r == 255 && b == 90) {
          heat++;
        }
      }
    }
    assertThat(bars).as("bar chart pixels").isGreaterThan(5_000);
    assertThat(heat).as("GPU heatmap pixels").isGreaterThan(1_000);
  }

  @Test
  void sqlAnswersTheIssueQueryInEveryFormat() {
    String query = "SELECT x_Team, x_Model, SUM(BilledCost) AS billed FROM focus_cost_and_usage"
        + " WHERE x_Team = 'support' GROUP BY 1, 2";
    Call csv = cli("sql", "--warehouse", warehouse.toString(), "--format", "csv", query);
    assertThat(csv.exit()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("x_Team,x_Model,billed\nsupport,claude3haiku,22.125000000000\n");
    Call json = cli("sql", "--warehouse", warehouse.toString(), "--format", "json", query);
    assertThat(json.out()).contains("\"x_Model\" : \"claude3haiku\"").contains("\"billed\" : \"22.125000000000\"");
    Call table = cli("sql", "--warehouse", warehouse.toString(), query);
    assertThat(table.out()).contains("| support | claude3haiku | 22.125000000000 |").contains("1 row");
  }

  /** Ratios are DECIMAL(38,18): summing them in a lambda needs exact decimal types (SqlCommand.PRECISION_LOSS). */
  @Test
  void sqlSumsAllocatedRatiosExactly() {
    String ratios = "aggregate(from_json(AllocatedMethodDetails, 'struct<Elements:array<struct<AllocatedRatio:decimal(38,18)>>>')"
        + ".Elements, CAST(0 AS DECIMAL(38,18)), (a, x) -> a + x.AllocatedRatio)";
    String query = "WITH e AS (SELECT ResourceId, ChargePeriodStart, " + ratios + " AS r FROM focus_cost_and_usage"
        + " WHERE AllocatedMethodId IS NOT NULL), o AS (SELECT ResourceId, ChargePeriodStart, SUM(r) AS s FROM e GROUP BY 1, 2)"
        + " SELECT COUNT(*) AS origins, COUNT_IF(s IS NULL OR s <> 1) AS off FROM o";
    Call csv = cli("sql", "--warehouse", warehouse.toString(), "--format", "csv", query);
    assertThat(csv.exit()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("origins,off\n72,0\n");
    assertThat(SparkTestSession.get().conf().get(SqlCommand.PRECISION_LOSS, null))
        .as("the shared session is left as it was").isNotEqualTo("false");
  }

  @Test
  void validatePassesOnTheDemoOutput() throws Exception {
    Path junit = SparkTestSession.newDirectory("junit").resolve("focus.xml");
    Call validate = cli("validate", "--warehouse", warehouse.toString(), "--format", "json", "--junit", junit.toString());
    assertThat(validate.exit()).as(validate.out()).isZero();
    JsonNode rules = new ObjectMapper().readTree(validate.out());
    assertThat(rules.size()).isEqualTo(764);
    List<String> mandatoryFailures = new ArrayList<>();
    int passed = 0;
    for (JsonNode r : rules) {
      assertThat(r.has("rule_id") && r.has("status") && r.has("violations")).isTrue();
      if (r.path("status").asText().equals("failed") && r.path("mandatory").asBoolean()) {
        mandatoryFailures.add(r.path("rule_id").asText());
      }
      passed += r.path("status").asText().equals("passed") ? 1 : 0;
    }
    assertThat(mandatoryFailures).isEmpty();
    assertThat(passed).isGreaterThan(250);
    // every waiver of the AIFOCUS profile is needed: each waived rule has violations on the demo output
    List<String> waivedWithViolations = new ArrayList<>();
    for (JsonNode r : rules) {
      if (r.path("reason").asText().startsWith("waived for aifocus output") && r.path("violations").asLong() > 0) {
        waivedWithViolations.add(r.path("rule_id").asText().replaceFirst("^CAU-", ""));
      }
    }
    assertThat(waivedWithViolations).containsExactlyInAnyOrderElementsOf(
        io.aifocus.jobs.validate.ModelFixes.aifocusWaivers().keySet());
    assertThat(rules.findValuesAsText("rule_id")).contains("CAU-BilledCost-C-003-M", "CAU-ChargePeriodEnd-C-004-M");
    assertThat(java.nio.file.Files.readString(junit)).startsWith("<?xml").contains("<testsuite name=\"FOCUS 1.3 CostAndUsage\"")
        .contains("<testcase classname=\"FOCUS 1.3 CostAndUsage\" name=\"CAU-BilledCost-C-003-M\"/>");
    // with every applicability criterion and no waivers the demo output is not conformant: the waived rules fail
    Call strict = cli("validate", "--warehouse", warehouse.toString(), "--applicability", "ALL");
    assertThat(strict.exit()).isEqualTo(AifocusCli.EXIT_FAILED);
    assertThat(strict.out()).contains("CAU-ListCost-C-011-C");
    // no Mandatory rule is waived: aifocus' own output passes every applicable MUST rule
    assertThat(io.aifocus.jobs.validate.ModelFixes.aifocusWaivers().keySet()).noneMatch(id -> id.endsWith("-M"));
  }

  @Test
  void validateChecksAFocusFileWithoutIngestingIt() {
    Path fixtures = SparkTestSession.projectRoot().resolve("sample-data/validation");
    Call ok = cli("validate", "--input", fixtures.resolve("cost-and-usage-valid.csv").toString());
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("FOCUS 1.3 CostAndUsage conformance of").contains("0 failed (0 mandatory)");
    Call broken = cli("validate", "--input", fixtures.resolve("billingcurrency-not-iso.csv").toString(), "--format", "junit");
    assertThat(broken.exit()).isEqualTo(AifocusCli.EXIT_FAILED);
    assertThat(broken.out()).contains("name=\"CAU-BillingCurrency-C-006-M\">").contains("<failure type=\"MUST\"")
        .contains("BillingCurrency=usd");
    Call cc = cli("validate", "--input", fixtures.resolve("duplicate-contractcommitmentid.csv").toString(),
        "--dataset", "ContractCommitment", "--all");
    assertThat(cc.exit()).isEqualTo(AifocusCli.EXIT_FAILED);
    assertThat(cc.out()).contains("CCT-ContractCommitmentId-C-009-M").contains("PASSED");
    Call badVersion = cli("validate", "--input", fixtures.resolve("cost-and-usage-valid.csv").toString(),
        "--focus-version", "1.1");
    assertThat(badVersion.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(badVersion.err()).contains("AIF-9001 INVALID_CONFIG").contains("--focus-version");
  }

  @Test
  void validateFailsWithoutATable() {
    Call validate = cli("validate", "--warehouse", SparkTestSession.newDirectory("empty-wh").toString());
    assertThat(validate.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(validate.err()).contains("AIF-9003 TABLE_NOT_FOUND").contains("is not a Delta table");
  }

  @Test
  void helpAndVersionAndUsageErrors() {
    Call help = cli("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("demo").contains("run").contains("sql").contains("validate");
    Call runHelp = cli("run", "--help");
    assertThat(runHelp.out()).contains("--source=KIND=PATH").contains("--config=FILE").contains("--master=URL");
    Call version = cli("--version");
    assertThat(version.out()).startsWith("aifocus 0.1.0-SNAPSHOT").contains("Spark 4.2.0, Delta Lake 4.4.0");
    Call bad = cli("run", "--source", "nope=/tmp/x");
    assertThat(bad.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(bad.err()).contains("AIF-9002 UNKNOWN_SOURCE_KIND").contains("Unknown source kind 'nope'");
    Call none = cli();
    assertThat(none.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
  }

  @Test
  void configFileTyposAreReportedWithTheFileAndKey() throws Exception {
    Path config = SparkTestSession.newDirectory("cfg").resolve("aifocus.yaml");
    java.nio.file.Files.writeString(config, "warehouse: ./wh\nsourcez:\n  - kind: aws-cur\n    path: x\n");
    Call call = cli("run", "--config", config.toString());
    assertThat(call.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(call.err()).contains("AIF-9001 INVALID_CONFIG").contains(config.toString()).contains("sourcez");
  }
}
