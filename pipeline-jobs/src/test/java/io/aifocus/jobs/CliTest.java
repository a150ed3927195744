package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        .contains("-- Top customers by LLM spend").contains("| acme")
        .contains("-- Prepaid credits burning down").contains("| anthropic-pack-2026");
    assertThat(demo.err()).contains("(reconciled)").doesNotContain("NOT RECONCILED");
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
    assertThat(strict.out()).contains("CAU-ListCost-C-011-C").contains("CAU-ServiceSubcategory-C-002-M");
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
