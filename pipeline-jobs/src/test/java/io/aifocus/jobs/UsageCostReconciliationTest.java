package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
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
      Map<String, String> out = new TreeMap<>();
      for (Row r : warehouse.read(PipelineRunsTable.TABLE_NAME)
          .where(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(UsageCostReconciler.RUNS_KIND))
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
}
