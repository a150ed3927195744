package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** OpenAI Costs API pages (the official example and a synthetic JSONL) against golden FOCUS and quarantine rows. */
class OpenAiCostsGoldenTest {
  @Test
  void costPagesMatchGoldenRowsAndReconcileToTheBilledAmounts() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path input = SparkTestSession.projectRoot().resolve("sample-data/openai/input");
    Path dir = SparkTestSession.newDirectory("golden-openai-costs");
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress())
        .run(new JobConfig(dir.toString(), List.of(SourceSpec.of(SourceKind.OPENAI_COSTS, input.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));

    assertThat(result.reconciled()).isTrue();
    assertThat(result.rowsOut()).isEqualTo(3);
    assertThat(result.rowsQuarantined()).isEqualTo(3);
    Row totals = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.CONSUMED_QUANTITY))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo("1.7175"); // 0.06 + 0.42 + 1.2375
    assertThat(totals.getDecimal(1)).isEqualByComparingTo("4862500"); // 2,800,000 tokens + 2,062.5 x 1000 tokens
    assertThat(warehouse.read(QuarantineTable.TABLE_NAME).select(QuarantineTable.SOURCE_LINE, QuarantineTable.ERROR_CODE)
        .orderBy(QuarantineTable.SOURCE_LINE).collectAsList())
        .extracting(r -> r.getLong(0) + " " + r.getString(1))
        .containsExactly("2 AIF-2001 UNPARSABLE_NUMBER", "3 AIF-1005 MALFORMED_RECORD", "4 AIF-1005 MALFORMED_RECORD");

    GoldenFiles.assertMatches("sample-data/openai/expected/focus-costs.jsonl", GoldenFiles.lines(
        warehouse.read(CostAndUsageTable.TABLE_NAME),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE)));
    GoldenFiles.assertMatches("sample-data/openai/expected/quarantine-costs.jsonl", GoldenFiles.lines(
        warehouse.read(QuarantineTable.TABLE_NAME),
        Set.of(QuarantineTable.RUN_ID, QuarantineTable.QUARANTINED_AT), Set.of(QuarantineTable.SOURCE_FILE)));
    // cost-report lines left on their own (no usage of the day) are valid FOCUS: a line is one unit at its amount
    // (SkuId, ListUnitPrice and PricingQuantity are required on Usage rows)
    CliTest.Call validate = CliTest.cli("validate", "--warehouse", dir.toString());
    assertThat(validate.exit()).as(validate.out() + validate.err()).isZero();
  }
}
