package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A run holding usage and the provider's cost report for the same days: the runner distributes the billed
 * amount over the priced usage (penny-exact), supersedes the cost-report rows so the spend counts once, and
 * records priced usage, billed amount and drift per provider and day in pipeline_runs.
 */
class UsageCostReconciliationTest {
  static Run run(String name, SourceSpec... sources) {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.projectRoot();
    Path dir = SparkTestSession.newDirectory(name);
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress())
        .run(new JobConfig(dir.toString(), List.of(sources), NormalizeContext.DEFAULT_TEAM_TAG_KEYS,
            Optional.of(root.resolve(GatewayLogGoldenTest.PRICE_BOOK).toString())));
    return new Run(warehouse, result);
  }

  record Run(Warehouse warehouse, PipelineRunner.Result result) {
    Dataset<Row> focus() {
      return warehouse.read(CostAndUsageTable.TABLE_NAME);
    }

    /** provider day → "priced / billed / drift / superseded rows" from pipeline_runs. */
    Map<String, String> drift() {
      return drift(UsageCostReconciler.RUNS_KIND);
    }

    /** As {@link #drift()} for the pipeline_runs rows of one precedence step. */
    Map<String, String> drift(String runsKind) {
      Map<String, String> out = new TreeMap<>();
      for (Row r : warehouse.read(PipelineRunsTable.TABLE_NAME)
          .where(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(runsKind))
              .and(col(PipelineRunsTable.RUN_ID).equalTo(lit(result.runId()))))
          .select(PipelineRunsTable.PROVIDER, PipelineRunsTable.CHARGE_DAY, PipelineRunsTable.PRICED_USAGE,
              PipelineRunsTable.BILLED_AMOUNT, PipelineRunsTable.DRIFT, PipelineRunsTable.ROWS_SUPERSEDED,
              PipelineRunsTable.RECONCILED, PipelineRunsTable.OUTPUT_TOTAL)
          .collectAsList()) {
        out.put(r.getString(0) + " " + r.get(1).toString().substring(0, 10), plain(r, 2) + " / " + plain(r, 3) + " / "
            + plain(r, 4) + " / " + r.getLong(5) + (r.getBoolean(6) ? " reconciled " : " NOT reconciled ") + plain(r, 7));
      }
      return out;
    }

    BigDecimal billed(String provider, String day) {
      return focus().where(col(FocusColumns.SERVICE_PROVIDER_NAME).equalTo(lit(provider))
              .and(date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START)).equalTo(lit(day).cast("timestamp"))))
          .agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
    }
  }

  private static String plain(Row r, int i) {
    return r.getDecimal(i).stripTrailingZeros().toPlainString();
  }

  @Test
  void gatewayUsagePlusOpenAiCostReportForOneDaySumToTheCostReportToTheCent() {
    Path root = SparkTestSession.projectRoot();
    Run run = run("usage-cost-openai",
        SourceSpec.of(SourceKind.GATEWAY_LOG, root.resolve(GatewayLogGoldenTest.SAMPLE).toString()),
        SourceSpec.of(SourceKind.OPENAI_COSTS, root.resolve("sample-data/openai/reconciliation").toString()));

    Map<String, String> day = new TreeMap<>();
    for (Row r : run.focus().where(col(ExtensionColumns.SOURCE_RECORD_ID).equalTo(lit("req-001")))
        .select(ExtensionColumns.USAGE_TYPE, FocusColumns.BILLED_COST, FocusColumns.LIST_COST).collectAsList()) {
      day.put(r.getString(0), r.getDecimal(1).stripTrailingZeros().toPlainString() + " / priced "
          + r.getDecimal(2).stripTrailingZeros().toPlainString());
    }
    // 5 cents over priced usage 0.00015 : 0.000015 : 0.00018 -> 2.17, 0.22, 2.61 cents -> 2 + 0 + 3
    assertThat(day).containsExactly(
        Map.entry("cache-read", "0 / priced 0.000015"),
        Map.entry("input", "0.02 / priced 0.00015"),
        Map.entry("output", "0.03 / priced 0.00018"));
    assertThat(run.billed("OpenAI", "2026-11-03")).isEqualByComparingTo("0.05"); // = the cost report, to the cent
    // the cost-report row is superseded (the spend counts once); other days keep their priced amounts
    assertThat(run.focus().where(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(SourceKind.OPENAI_COSTS.id()))).count()).isZero();
    assertThat(run.billed("OpenAI", "2026-11-20")).isEqualByComparingTo("0.000276");
    assertThat(run.focus().count()).isEqualTo(16); // the gateway-log rows, nothing added or lost
    assertThat(run.drift()).containsExactly(Map.entry("OpenAI 2026-11-03", "0.000345 / 0.05 / -0.049655 / 1 reconciled 0.05"));
    assertThat(run.result().reconciled()).isTrue();
  }

  @Test
  void anthropicUsageReportPlusCostReportInCentsReconcileExactlyWithDriftPerDay() {
    Run run = run("usage-cost-anthropic",
        SourceSpec.of(SourceKind.ANTHROPIC_USAGE, SparkTestSession.projectRoot().resolve(ProviderUsageGoldenTest.ANTHROPIC_USAGE).toString()),
        SourceSpec.of(SourceKind.ANTHROPIC_COST, SparkTestSession.projectRoot().resolve(ProviderUsageGoldenTest.ANTHROPIC_COST).toString()));
    // cost report: 173.56 cents on 11-03, 0.35 cents on 11-04; priced usage 1.6936 and 0.0035 USD
    assertThat(run.billed("Anthropic", "2026-11-03")).isEqualByComparingTo("1.7356");
    assertThat(run.billed("Anthropic", "2026-11-04")).isEqualByComparingTo("0.0035");
    assertThat(run.drift()).containsExactly(
        Map.entry("Anthropic 2026-11-03", "1.6936 / 1.7356 / -0.042 / 8 reconciled 1.7356"),
        Map.entry("Anthropic 2026-11-04", "0.0035 / 0.0035 / 0 / 2 reconciled 0.0035"));
    // every row left is a usage row: the ten cost-report rows are superseded, the eleven usage rows stay
    assertThat(run.focus().groupBy(ExtensionColumns.SOURCE_KIND).count().collectAsList())
        .extracting(r -> r.getString(0) + "=" + r.getLong(1)).containsExactly("anthropic-usage=11");
    // the Σ over the table is the cost report's total (what the invoice says), not priced usage (1.6971)
    assertThat(run.focus().agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0)).isEqualByComparingTo("1.7391");
    // ListCost keeps the priced usage so the per-row difference stays visible
    assertThat(run.focus().agg(sum(col(FocusColumns.LIST_COST))).first().getDecimal(0)).isEqualByComparingTo("1.6971");
    assertThat(run.result().reconciled()).isTrue();
  }

  static final String SAME_TRAFFIC = "sample-data/llm/same-traffic/";

  /** Σ ConsumedQuantity and Σ BilledCost over the whole table, and the rows per source kind. */
  private static String totals(Run run) {
    Row t = run.focus().agg(sum(col(FocusColumns.CONSUMED_QUANTITY)), sum(col(FocusColumns.BILLED_COST))).first();
    return "tokens " + t.getDecimal(0).stripTrailingZeros().toPlainString() + ", billed "
        + t.getDecimal(1).stripTrailingZeros().toPlainString() + ", kinds "
        + run.focus().groupBy(ExtensionColumns.SOURCE_KIND).count().collectAsList().stream()
            .map(r -> r.getString(0)).sorted().toList();
  }

  @Test
  void gatewayLogAndAnthropicUsageExportOfTheSameTrafficCountTokensOnceAtTheProvidersAmount() {
    Path root = SparkTestSession.projectRoot();
    Run run = run("gateway-vs-export",
        sameTraffic(root.resolve(SAME_TRAFFIC + "gateway.jsonl"), "anthropic-usage"),
        SourceSpec.of(SourceKind.ANTHROPIC_USAGE, root.resolve(SAME_TRAFFIC + "anthropic-usage.json").toString()));
    // 10 requests x 1,200 tokens once (both sources hold them: 24,000 if counted twice); the provider's amount is
    // its usage priced at its token counts: 3000x1 + 6000x0.1 + 1000x1.25 + 2000x5 per 1M = 0.01485
    assertThat(totals(run)).isEqualTo("tokens 12000, billed 0.01485, kinds [gateway-log]");
    // the gateway rows keep the attribution: 6 requests of support, 4 of sales, 0.001485 each
    Map<String, String> byTeam = new TreeMap<>();
    for (Row r : run.focus().groupBy(ExtensionColumns.TEAM).agg(sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      byTeam.put(r.getString(0), r.getDecimal(1).stripTrailingZeros().toPlainString());
    }
    assertThat(byTeam).containsExactly(Map.entry("sales", "0.00594"), Map.entry("support", "0.00891"));
    // the grain: 40 source records (10 requests x 4 token types) in 5 (hour, team, workflow run) keys x 4 token
    // types = 20 rows; x_SourceRecords and x_Requests keep the counts
    Row grain = run.focus().agg(org.apache.spark.sql.functions.count(lit(1)), sum(col(ExtensionColumns.SOURCE_RECORDS)),
        sum(col(ExtensionColumns.REQUESTS))).first();
    assertThat(grain.getLong(0) + " rows, " + grain.getDecimal(1).stripTrailingZeros().toPlainString() + " records, "
        + grain.getDecimal(2).stripTrailingZeros().toPlainString() + " requests").isEqualTo("20 rows, 40 records, 10 requests");
    Row gateway = run.warehouse().read(PipelineRunsTable.TABLE_NAME)
        .where(col(PipelineRunsTable.RUN_ID).equalTo(lit(run.result().runId()))
            .and(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(SourceKind.GATEWAY_LOG.id()))))
        .select(PipelineRunsTable.ROWS_IN, PipelineRunsTable.ROWS_OUT, PipelineRunsTable.ROWS_QUARANTINED,
            PipelineRunsTable.ROWS_WRITTEN, PipelineRunsTable.MESSAGE).first();
    assertThat(gateway.getLong(0) + " = " + gateway.getLong(1) + " + " + gateway.getLong(2) + ", written " + gateway.getLong(3))
        .isEqualTo("40 = 40 + 0, written 20");
    assertThat(gateway.getString(4))
        .isEqualTo("40 accepted source record(s) aggregated into 20 FOCUS row(s) (rows_in/out/quarantined count source records, one per record and token type)");
    // four export rows (input, cache read, cache write, output) superseded; the price book explains it all
    assertThat(run.drift(UsageCostReconciler.GATEWAY_EXPORT_KIND)).containsExactly(
        Map.entry("Anthropic claude-haiku-4-5-20251001 2026-11-20", "0.01485 / 0.01485 / 0 / 4 reconciled 0.01485"));
    assertThat(run.result().reconciled()).isTrue();
  }

  /** A gateway-log source that declares the sources counting the same traffic (UsageCostReconciler.SAME_TRAFFIC_OPTION). */
  private static SourceSpec sameTraffic(Path gatewayLog, String kinds) {
    return new SourceSpec(SourceKind.GATEWAY_LOG, gatewayLog.toString(),
        Map.of(UsageCostReconciler.SAME_TRAFFIC_OPTION, kinds));
  }

  @Test
  void withoutTheSameTrafficDeclarationTheGatewayLogAndTheExportAreBothKept() {
    Path root = SparkTestSession.projectRoot();
    Run run = run("gateway-and-export-undeclared",
        SourceSpec.of(SourceKind.GATEWAY_LOG, root.resolve(SAME_TRAFFIC + "gateway.jsonl").toString()),
        SourceSpec.of(SourceKind.ANTHROPIC_USAGE, root.resolve(SAME_TRAFFIC + "anthropic-usage.json").toString()));
    // nothing says they are the same requests (a gateway often sees part of the traffic): both priced, none superseded
    assertThat(totals(run)).isEqualTo("tokens 24000, billed 0.0297, kinds [anthropic-usage, gateway-log]");
    assertThat(run.warehouse().read(PipelineRunsTable.TABLE_NAME)
        .where(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(UsageCostReconciler.GATEWAY_EXPORT_KIND))).count()).isZero();
    assertThat(run.result().reconciled()).isTrue();
  }

  @Test
  void aSameTrafficDeclarationNamingAnotherKindFailsTheRunBeforeReading() {
    assertThatThrownBy(() -> UsageCostReconciler.sameTraffic(List.of(sameTraffic(Path.of("/logs/gw.jsonl"), "openai-costs"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: source gateway-log=/logs/gw.jsonl: option same-traffic-as names 'openai-costs';"
            + " allowed: anthropic-usage, openai-usage, aws-cur");
    assertThat(UsageCostReconciler.sameTraffic(List.of(sameTraffic(Path.of("/logs/gw.jsonl"), "openai-usage, aws-cur"))))
        .containsExactlyInAnyOrder(SourceKind.OPENAI_USAGE, SourceKind.AWS_CUR);
  }

  @Test
  void withTheCostReportTooTheGatewayRowsCarryTheBilledAmountExactly() {
    Path root = SparkTestSession.projectRoot();
    Run run = run("gateway-vs-export-and-cost",
        sameTraffic(root.resolve(SAME_TRAFFIC + "gateway.jsonl"), "anthropic-usage"),
        SourceSpec.of(SourceKind.ANTHROPIC_USAGE, root.resolve(SAME_TRAFFIC + "anthropic-usage.json").toString()),
        SourceSpec.of(SourceKind.ANTHROPIC_COST, root.resolve(SAME_TRAFFIC + "anthropic-cost.jsonl").toString()));
    // the cost report (1.6 cents) is the money; the tokens are counted once, on the gateway rows
    assertThat(totals(run)).isEqualTo("tokens 12000, billed 0.016, kinds [gateway-log]");
    assertThat(run.drift(UsageCostReconciler.GATEWAY_EXPORT_KIND)).containsExactly(
        Map.entry("Anthropic claude-haiku-4-5-20251001 2026-11-20", "0.01485 / 0.01485 / 0 / 4 reconciled 0.01485"));
    assertThat(run.drift()).containsExactly(
        Map.entry("Anthropic 2026-11-20", "0.01485 / 0.016 / -0.00115 / 1 reconciled 0.016"));
    assertThat(run.result().reconciled()).isTrue();
  }

  @Test
  void gatewayBedrockRowsTakeTheCurBedrockUsageOfTheirDayAndTheCurLinesAreSuperseded() {
    Path root = SparkTestSession.projectRoot();
    Run run = run("gateway-vs-cur-bedrock",
        sameTraffic(root.resolve(SAME_TRAFFIC + "gateway-bedrock.jsonl"), "aws-cur"),
        SourceSpec.of(SourceKind.AWS_CUR, root.resolve("sample-data/aws-cur/input/cur2-ai-platform-2026-11.csv").toString()));
    Dataset<Row> bedrockUsage = run.focus().where(col(ExtensionColumns.SERVICE_CODE).isin("AmazonBedrock", "aws.bedrock")
        .and(col(FocusColumns.CHARGE_CATEGORY).equalTo(lit("Usage"))));
    Map<String, String> byDayAndKind = new TreeMap<>();
    for (Row r : bedrockUsage.groupBy(date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START)).cast("string"),
        col(ExtensionColumns.SOURCE_KIND)).agg(sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      byDayAndKind.put(r.getString(0).substring(0, 10) + " " + r.getString(1), plain(r, 2));
    }
    // 2026-11-03: the CUR's five Bedrock usage lines (13.5 + 9.375 + 4.8125 + 2.625 + 1.04) move to the gateway's
    // rows; the other days stay CUR rows
    assertThat(byDayAndKind).containsExactly(
        Map.entry("2026-11-01 aws-cur", "30.4775"),
        Map.entry("2026-11-02 aws-cur", "30.915"),
        Map.entry("2026-11-03 gateway-log", "31.3525"));
    // priced usage 0.025 + 0.0125 (search) and 0.075 + 0.03 (support): 31.3525 split at its own scale (0.0001)
    // -> 5.5005 + 2.7502 and 16.5013 + 6.6005
    Map<String, String> byTeam = new TreeMap<>();
    for (Row r : bedrockUsage.where(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(SourceKind.GATEWAY_LOG.id())))
        .groupBy(ExtensionColumns.TEAM).agg(sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      byTeam.put(r.getString(0), plain(r, 1));
    }
    assertThat(byTeam).containsExactly(Map.entry("search", "8.2507"), Map.entry("support", "23.1018"));
    // the CUR's Bedrock credit is not usage: untouched
    assertThat(run.focus().where(col(ExtensionColumns.SERVICE_CODE).equalTo(lit("AmazonBedrock"))
        .and(col(FocusColumns.CHARGE_CATEGORY).equalTo(lit("Credit")))).count()).isEqualTo(1);
    assertThat(run.drift(UsageCostReconciler.GATEWAY_CUR_KIND)).containsExactly(
        Map.entry("AWS Bedrock 2026-11-03", "0.1425 / 31.3525 / -31.21 / 5 reconciled 31.3525"));
    assertThat(run.result().reconciled()).isTrue();
  }
}
