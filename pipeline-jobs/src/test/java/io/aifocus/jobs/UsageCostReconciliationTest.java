package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.allocate.BilledCostDistribution;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
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
 * Gateway usage and OpenAI's cost report for one day, both ingested by the pipeline, then composed with the
 * allocate step: the usage rows carry the billed amount to the cent, and the drift is reported. (The runner
 * does not compose the two yet; this test is the composition the run will perform, see docs/reconciliation.md.)
 */
class UsageCostReconciliationTest {
  @Test
  void usagePlusCostReportForOneDaySumToTheCostReportToTheCent() {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.projectRoot();
    Path dir = SparkTestSession.newDirectory("usage-cost");
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(dir.toString(), List.of(
        SourceSpec.of(SourceKind.GATEWAY_LOG, root.resolve(GatewayLogGoldenTest.SAMPLE).toString()),
        SourceSpec.of(SourceKind.OPENAI_COSTS, root.resolve("sample-data/openai/reconciliation").toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(root.resolve(GatewayLogGoldenTest.PRICE_BOOK).toString())));
    Dataset<Row> all = warehouse.read(CostAndUsageTable.TABLE_NAME);
    Dataset<Row> usage = all.where(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(SourceKind.GATEWAY_LOG.id())));
    Dataset<Row> billed = all.where(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(SourceKind.OPENAI_COSTS.id())))
        .groupBy(col(FocusColumns.SERVICE_PROVIDER_NAME).as(BilledCostDistribution.PROVIDER),
            date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START)).as(BilledCostDistribution.CHARGE_DAY),
            col(FocusColumns.BILLING_CURRENCY).as(BilledCostDistribution.CURRENCY))
        .agg(sum(col(FocusColumns.BILLED_COST)).cast(BilledCostDistribution.billedSchema().apply(3).dataType())
            .as(BilledCostDistribution.BILLED_AMOUNT));

    BilledCostDistribution.Result result = BilledCostDistribution.distribute(usage, billed, 2);

    Map<String, String> day = new TreeMap<>();
    for (Row r : result.usage().where(col(ExtensionColumns.SOURCE_RECORD_ID).equalTo(lit("req-001")))
        .select(ExtensionColumns.USAGE_TYPE, FocusColumns.BILLED_COST, FocusColumns.LIST_COST).collectAsList()) {
      day.put(r.getString(0), r.getDecimal(1).stripTrailingZeros().toPlainString() + " / priced "
          + r.getDecimal(2).stripTrailingZeros().toPlainString());
    }
    // 5 cents over priced usage 0.00015 : 0.000015 : 0.00018 -> 2.17, 0.22, 2.61 cents -> 2 + 0 + 3
    assertThat(day).containsExactly(
        Map.entry("cache-read", "0 / priced 0.000015"),
        Map.entry("input", "0.02 / priced 0.00015"),
        Map.entry("output", "0.03 / priced 0.00018"));
    Row openAiNov3 = result.usage().where(col(FocusColumns.SERVICE_PROVIDER_NAME).equalTo(lit("OpenAI"))
            .and(date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START)).equalTo(lit("2026-11-03").cast("timestamp"))))
        .agg(sum(col(FocusColumns.BILLED_COST))).first();
    assertThat(openAiNov3.getDecimal(0)).isEqualByComparingTo("0.05"); // = the cost report, to the cent
    // days without a cost report keep their priced amounts; nothing added or lost
    assertThat(result.usage().count()).isEqualTo(usage.count());
    Row drift = result.drift().where(col(BilledCostDistribution.PROVIDER).equalTo(lit("OpenAI"))
        .and(col(BilledCostDistribution.BILLED_AMOUNT).isNotNull())).first();
    assertThat(drift.getDecimal(drift.fieldIndex(BilledCostDistribution.UNEXPLAINED))).isEqualByComparingTo("0.049655");
  }
}
