package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Usage and the provider's cost report ingested by different runs, in any order (docs/reconciliation.md, "Across
 * runs"): the cost report's amount ends on the usage rows of every run, the cost rows are superseded into
 * focus_superseded and read back by later runs, a re-delivered cost report wins, and reruns are idempotent. The
 * fixture: ten Anthropic requests of one day through a gateway (priced 0.01485 USD) and Anthropic's cost report for
 * that day (1.6 cents = 0.016 USD).
 */
class XRunReconciliationTest {
  private static final Path ROOT = SparkTestSession.projectRoot();
  private static final String DAY = "2026-11-20";
  private static final SourceSpec USAGE =
      SourceSpec.of(SourceKind.GATEWAY_LOG, ROOT.resolve(UsageCostReconciliationTest.SAME_TRAFFIC + "gateway.jsonl").toString());
  private static final SourceSpec COST =
      SourceSpec.of(SourceKind.ANTHROPIC_COST, ROOT.resolve(UsageCostReconciliationTest.SAME_TRAFFIC + "anthropic-cost.jsonl").toString());

  private static PipelineRunner.Result run(Warehouse warehouse, SourceSpec... sources) {
    return run(warehouse, List.of(), sources);
  }

  private static PipelineRunner.Result run(Warehouse warehouse, List<io.aifocus.api.credits.Commitment> grants,
      SourceSpec... sources) {
    JobConfig config = new JobConfig(warehouse.root(), List.of(sources), NormalizeContext.DEFAULT_TEAM_TAG_KEYS,
        Optional.of(ROOT.resolve(GatewayLogGoldenTest.PRICE_BOOK).toString()), RunScope.ALL, S3Settings.DEFAULT,
        List.of(), grants);
    // every run rewrites: the reruns here test the cross-run step, not the unchanged-run skip
    PipelineRunner.Result result = new PipelineRunner(SparkTestSession.get(), warehouse, AwsCurGoldenTest.quietProgress())
        .rewriteUnchanged(true).run(config);
    assertThat(result.reconciled()).isTrue();
    return result;
  }

  private static Warehouse warehouse(String name) {
    return new Warehouse(SparkTestSession.get(), SparkTestSession.newDirectory(name).toString());
  }

  /** An Anthropic cost report of {@value #DAY} with {@code cents} (the fixture's line, another amount). */
  private static SourceSpec costReport(String name, String cents) throws IOException {
    Path dir = SparkTestSession.newDirectory(name);
    String line = Files.readString(ROOT.resolve(UsageCostReconciliationTest.SAME_TRAFFIC + "anthropic-cost.jsonl"), StandardCharsets.UTF_8);
    assertThat(line).contains("\"amount\":\"1.6\"");
    Path file = dir.resolve("anthropic-cost.jsonl");
    Files.writeString(file, line.replace("\"amount\":\"1.6\"", "\"amount\":\"" + cents + "\""), StandardCharsets.UTF_8);
    return SourceSpec.of(SourceKind.ANTHROPIC_COST, file.toString());
  }

  /**
   * The day's state: Σ BilledCost of Anthropic rows in focus, cost rows left in focus, copies in focus_superseded,
   * and the run's usage-cost pipeline_runs rows (status, priced / billed / drift / superseded rows).
   */
  private static String state(Warehouse w, String runId) {
    Dataset<Row> day = w.read(CostAndUsageTable.TABLE_NAME).where(col(FocusColumns.SERVICE_PROVIDER_NAME).equalTo(lit("Anthropic"))
        .and(col(FocusColumns.CHARGE_PERIOD_START).geq(lit(DAY + " 00:00:00").cast("timestamp")))
        .and(col(FocusColumns.CHARGE_PERIOD_START).lt(lit(DAY + " 00:00:00").cast("timestamp").plus(expr1Day()))));
    Row totals = day.agg(org.apache.spark.sql.functions.sum(col(FocusColumns.BILLED_COST)),
        org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(
            col(ExtensionColumns.SOURCE_KIND).equalTo(lit(SourceKind.ANTHROPIC_COST.id())), 1).otherwise(0))).first();
    String copies = w.exists(CrossRunCostReports.TABLE)
        ? w.read(CrossRunCostReports.TABLE).count() + " superseded" : "no superseded table";
    List<String> runs = new ArrayList<>();
    Dataset<Row> log = w.read(PipelineRunsTable.TABLE_NAME);
    if (!List.of(log.columns()).contains(PipelineRunsTable.PRICED_USAGE)) {
      // no usage-cost row yet: the drift columns come with the first
      return "billed " + plain(totals.getDecimal(0)) + ", cost rows " + totals.getLong(1) + ", " + copies + ", runs []";
    }
    for (Row r : log
        .where(col(PipelineRunsTable.RUN_ID).equalTo(lit(runId))
            .and(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(UsageCostReconciler.RUNS_KIND))))
        .select(PipelineRunsTable.STATUS, PipelineRunsTable.PRICED_USAGE, PipelineRunsTable.BILLED_AMOUNT, PipelineRunsTable.DRIFT,
            PipelineRunsTable.ROWS_SUPERSEDED, PipelineRunsTable.CHARGE_DAY, PipelineRunsTable.PROVIDER).collectAsList()) {
      runs.add(r.getString(6) + " " + r.get(5).toString().substring(0, 10) + " " + r.getString(0) + " " + plain(r.getDecimal(1))
          + " / " + plain(r.getDecimal(2)) + " / " + plain(r.getDecimal(3)) + " / " + r.getLong(4));
    }
    return "billed " + plain(totals.getDecimal(0)) + ", cost rows " + totals.getLong(1) + ", " + copies + ", runs " + runs;
  }

  private static org.apache.spark.sql.Column expr1Day() {
    return org.apache.spark.sql.functions.expr("INTERVAL 1 DAY");
  }

  private static String plain(BigDecimal d) {
    return d == null ? "null" : d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }

  /** BilledCost per usage row (source record id or attribution, usage type): what a rerun must reproduce. */
  private static List<String> usageAmounts(Warehouse w) {
    return GoldenFiles.lines(w.read(CostAndUsageTable.TABLE_NAME).select(ExtensionColumns.TEAM, ExtensionColumns.WORKFLOW_RUN_ID,
            FocusColumns.CHARGE_PERIOD_START, ExtensionColumns.USAGE_TYPE, FocusColumns.BILLED_COST, FocusColumns.LIST_COST),
        Set.of(), Set.of());
  }

  @Test
  void usageThenCostThenUsageRerunThenRestatedCostThenUsageWithoutTheDay() throws IOException {
    Warehouse w = warehouse("xrun-usage-first");
    PipelineRunner.Result usage = run(w, USAGE);
    // alone: priced usage, nothing to reconcile
    assertThat(state(w, usage.runId())).isEqualTo("billed 0.01485, cost rows 0, no superseded table, runs []");

    // (1) the cost report in a later run: distributed over the usage rows of the first run, superseded, kept
    PipelineRunner.Result cost = run(w, COST);
    assertThat(state(w, cost.runId())).isEqualTo(
        "billed 0.016, cost rows 0, 1 superseded, runs [Anthropic 2026-11-20 DISTRIBUTED 0.01485 / 0.016 / -0.00115 / 1]");
    // the usage rows keep the run id of the run that read them; the run check counted the superseded row of its own
    assertThat(w.read(CostAndUsageTable.TABLE_NAME).where(col(ExtensionColumns.RUN_ID).equalTo(lit(usage.runId()))).count())
        .isEqualTo(20);
    assertThat(w.read(CostAndUsageTable.TABLE_NAME).where(col(ExtensionColumns.RUN_ID).equalTo(lit(cost.runId()))).count())
        .isZero();
    Row copy = w.read(CrossRunCostReports.TABLE).select(ExtensionColumns.RUN_ID, CrossRunCostReports.SUPERSEDED_BY_RUN_ID,
        CrossRunCostReports.SUPERSEDED_STEP, FocusColumns.BILLED_COST).first();
    assertThat(copy.getString(0) + " " + copy.getString(1) + " " + copy.getString(2) + " " + plain(copy.getDecimal(3)))
        .isEqualTo(cost.runId() + " " + cost.runId() + " usage-cost 0.016");
    List<String> distributed = usageAmounts(w);

    // (3) the usage source again, alone: its restated rows get the superseded amount again, row for row
    PipelineRunner.Result rerun = run(w, USAGE);
    assertThat(state(w, rerun.runId())).isEqualTo(
        "billed 0.016, cost rows 0, 1 superseded, runs [Anthropic 2026-11-20 DISTRIBUTED 0.01485 / 0.016 / -0.00115 / 1]");
    assertThat(usageAmounts(w)).isEqualTo(distributed);

    // (4) a restated cost report (2.35 cents): the new delivery replaces the superseded copy, its amount wins
    PipelineRunner.Result restated = run(w, costReport("xrun-restated-cost", "2.35"));
    assertThat(state(w, restated.runId())).isEqualTo(
        "billed 0.0235, cost rows 0, 1 superseded, runs [Anthropic 2026-11-20 DISTRIBUTED 0.01485 / 0.0235 / -0.00865 / 1]");

    // the usage source restated without that day (one request on the 21st): the amount goes back to a cost row
    Path other = SparkTestSession.newDirectory("xrun-other-day").resolve("gateway.jsonl");
    String first = Files.readAllLines(ROOT.resolve(UsageCostReconciliationTest.SAME_TRAFFIC + "gateway.jsonl")).get(0);
    assertThat(first).contains("\"timestamp\":\"2026-11-20T09:00:00Z\"");
    Files.writeString(other, first.replace("2026-11-20T09:00:00Z", "2026-11-21T09:00:00Z") + "\n", StandardCharsets.UTF_8);
    PipelineRunner.Result moved = run(w, SourceSpec.of(SourceKind.GATEWAY_LOG, other.toString()));
    assertThat(state(w, moved.runId())).isEqualTo(
        "billed 0.0235, cost rows 1, 0 superseded, runs [Anthropic 2026-11-20 RESTORED 0 / 0.0235 / -0.0235 / 0]");
  }

  @Test
  void costThenUsageAndTheSameRunTwiceGiveIdenticalTables() {
    Warehouse w = warehouse("xrun-cost-first");
    PipelineRunner.Result cost = run(w, COST);
    // alone: the cost row stays (unattributed)
    assertThat(state(w, cost.runId())).isEqualTo("billed 0.016, cost rows 1, no superseded table, runs []");
    // (2) the usage in a later run: the cost row of the earlier run is distributed over it and superseded
    PipelineRunner.Result usage = run(w, USAGE);
    assertThat(state(w, usage.runId())).isEqualTo(
        "billed 0.016, cost rows 0, 1 superseded, runs [Anthropic 2026-11-20 DISTRIBUTED 0.01485 / 0.016 / -0.00115 / 1]");

    // (5) both sources together, twice: identical tables (but for run ids and times)
    PipelineRunner.Result both = run(w, USAGE, COST);
    assertThat(state(w, both.runId())).isEqualTo(
        "billed 0.016, cost rows 0, 1 superseded, runs [Anthropic 2026-11-20 DISTRIBUTED 0.01485 / 0.016 / -0.00115 / 1]");
    TableContents before = TableContents.of(w, both.runId());
    List<String> copiesBefore = copies(w);
    PipelineRunner.Result again = run(w, USAGE, COST);
    TableContents after = TableContents.of(w, again.runId());
    assertThat(after.focus()).isEqualTo(before.focus());
    assertThat(after.runs()).isEqualTo(before.runs());
    assertThat(copies(w)).isEqualTo(copiesBefore).hasSize(1);
  }

  private static List<String> copies(Warehouse w) {
    return GoldenFiles.lines(w.read(CrossRunCostReports.TABLE), Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT,
        CrossRunCostReports.SUPERSEDED_BY_RUN_ID, CrossRunCostReports.SUPERSEDED_AT), Set.of(ExtensionColumns.SOURCE_FILE));
  }

  @Test
  void aTokenGrantBurnsTheDistributedAmountOnceWhateverRunBroughtTheCostReport() throws IOException {
    Path yaml = SparkTestSession.newDirectory("xrun-grant").resolve("grant.yaml");
    Files.writeString(yaml, String.join("\n",
        "commitments:",
        "  - id: haiku-pack",
        "    contract-id: anthropic-2026",
        "    provider: Anthropic",
        "    billing-account: anthropic",
        "    amount: 6000",
        "    unit: Tokens",
        "    price-paid: 0.005",
        "    currency: USD",
        "    start: 2026-11-01",
        "    expiry: 2026-12-01",
        ""), StandardCharsets.UTF_8);
    List<io.aifocus.api.credits.Commitment> grants = JobConfig.fromYaml(yaml).commitments();
    Warehouse w = warehouse("xrun-credits");
    run(w, USAGE);
    PipelineRunner.Result cost = run(w, grants, COST);
    // the cost report's row is superseded, so only usage rows burn: what they billed + what the pack covered = 0.016
    assertThat(onDemand(w)).isEqualTo("usage billed + covered = 0.016, covered > 0: true, cost rows 0");
    assertThat(state(w, cost.runId())).endsWith("runs [Anthropic 2026-11-20 DISTRIBUTED 0.01485 / 0.016 / -0.00115 / 1]");
    List<String> focus = TableContents.of(w, null).focus();
    // the cost report again, distributed over rows the pack covered: taken back to on demand first, the same rows
    run(w, grants, COST);
    assertThat(TableContents.of(w, null).focus()).isEqualTo(focus);
    assertThat(onDemand(w)).isEqualTo("usage billed + covered = 0.016, covered > 0: true, cost rows 0");
  }

  /** Σ BilledCost of the day's usage rows plus Σ ContractCommitmentAppliedCost of their ContractApplied elements. */
  private static String onDemand(Warehouse w) {
    SparkSession spark = SparkTestSession.get();
    w.read(CostAndUsageTable.TABLE_NAME).createOrReplaceTempView("xrun_focus");
    Row r = spark.sql("SELECT SUM(BilledCost), SUM(covered), SUM(IF(x_SourceKind = 'anthropic-cost', 1, 0)) FROM ("
        + "SELECT BilledCost, x_SourceKind, aggregate(from_json(ContractApplied, 'Elements ARRAY<STRUCT<"
        + "ContractCommitmentAppliedCost: DECIMAL(38,12)>>').Elements, CAST(0 AS DECIMAL(38,12)),"
        + " (acc, e) -> CAST(acc + e.ContractCommitmentAppliedCost AS DECIMAL(38,12))) AS covered FROM xrun_focus"
        + " WHERE ChargeCategory = 'Usage' AND x_SourceKind <> 'commitments' AND ServiceProviderName = 'Anthropic'"
        + " AND date_trunc('day', ChargePeriodStart) = TIMESTAMP '" + DAY + " 00:00:00')").first();
    spark.catalog().dropTempView("xrun_focus");
    BigDecimal covered = r.isNullAt(1) ? BigDecimal.ZERO : r.getDecimal(1);
    return "usage billed + covered = " + plain(r.getDecimal(0).add(covered)) + ", covered > 0: " + (covered.signum() > 0)
        + ", cost rows " + r.getLong(2);
  }
}
