package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.api.CsvRecords;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The public legacy CUR sample (all 1,281 rows) against its checked-in golden FOCUS 1.3 rows. */
class AwsCurGoldenTest {
  static final String LEGACY_SAMPLE = "sample-data/aws-cur/input/cur-legacy-sample-2023-11.csv";

  @Test
  void legacySampleMatchesGoldenFocusRowsAndReconcilesExactly() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path sample = SparkTestSession.projectRoot().resolve(LEGACY_SAMPLE);
    Path warehouseDir = SparkTestSession.newDirectory("golden-aws");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    JobConfig job = new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, sample.toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS);

    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, quietProgress()).run(job);

    BigDecimal unblended = unblendedTotal(sample);
    assertThat(unblended).isEqualByComparingTo("1.68230869740");
    assertThat(result.rowsOut()).isEqualTo(1281);
    assertThat(result.rowsQuarantined()).isZero();
    assertThat(result.sources()).singleElement().satisfies(run -> {
      assertThat(run.reconciled()).isTrue();
      assertThat(run.inputTotal()).isEqualByComparingTo(unblended);
    });
    Row totals = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo(unblended);
    assertThat(totals.getDecimal(1)).isEqualByComparingTo(unblended); // on-demand usage and tax only

    List<String> lines = GoldenFiles.lines(
        warehouse.read(CostAndUsageTable.TABLE_NAME),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT),
        Set.of(ExtensionColumns.SOURCE_FILE));
    assertThat(lines).hasSize(1281);
    GoldenFiles.assertMatches("sample-data/aws-cur/expected/focus-legacy-sample.jsonl", lines);
  }

  /** Σ lineItem/UnblendedCost computed independently of Spark. */
  static BigDecimal unblendedTotal(Path csv) {
    return CsvRecords.read(csv).stream()
        .map(r -> r.get("lineItem/UnblendedCost"))
        .filter(v -> !v.isBlank())
        .map(BigDecimal::new)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  static Progress quietProgress() {
    return new Progress(new PrintStream(OutputStream.nullOutputStream()), true);
  }
}
