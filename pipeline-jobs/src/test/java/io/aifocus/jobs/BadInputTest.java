package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Bad files fail the job naming file and column; bad rows are quarantined and the run still reconciles. */
class BadInputTest {
  private final SparkSession spark = SparkTestSession.get();

  static List<String> fixtureLines() throws IOException {
    return Files.readAllLines(SparkTestSession.projectRoot().resolve(AwsCur2FixtureTest.FIXTURE), StandardCharsets.UTF_8);
  }

  private PipelineRunner.Result run(Path warehouseDir, Path input) {
    return run(warehouseDir, input, true, AwsCurGoldenTest.quietProgress());
  }

  private PipelineRunner.Result run(Path warehouseDir, Path input, boolean cacheSmallInputs, Progress progress) {
    return new PipelineRunner(spark, new Warehouse(spark, warehouseDir.toString()), progress)
        .cacheSmallInputs(cacheSmallInputs)
        .run(new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, input.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
  }

  @Test
  void missingRequiredColumnFailsNamingFileAndColumn() throws IOException {
    Path dir = SparkTestSession.newDirectory("bad-header");
    Path file = dir.resolve("cur-no-cost.csv");
    List<String> lines = new ArrayList<>();
    for (String line : fixtureLines()) {
      lines.add(line.replace("line_item_unblended_cost", "line_item_unblended_cst"));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
    Path warehouseDir = SparkTestSession.newDirectory("bad-header-wh");

    assertThatThrownBy(() -> run(warehouseDir, file))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-1002 MISSING_REQUIRED_COLUMN")
        .hasMessageContaining(file.getFileName().toString())
        .hasMessageContaining("'line_item_unblended_cost'")
        .hasMessageContaining("lineItem/UnblendedCost");
    Row failure = new Warehouse(spark, warehouseDir.toString()).read(PipelineRunsTable.TABLE_NAME).first();
    assertThat(failure.<String>getAs(PipelineRunsTable.STATUS)).isEqualTo("FAILED");
    assertThat(failure.<String>getAs(PipelineRunsTable.MESSAGE)).contains("line_item_unblended_cost");
  }

  @Test
  void duplicatedHeaderNameIsAClearError() throws IOException {
    Path file = SparkTestSession.newDirectory("dup-header").resolve("cur.csv");
    Files.writeString(file, "bill_payer_account_id,line_item_unblended_cost,line_item_unblended_cost\n1,2,3\n");
    assertThatThrownBy(() -> run(SparkTestSession.newDirectory("dup-wh"), file))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-1003 MALFORMED_HEADER")
        .hasMessageContaining("cur.csv:1:3: header column 'line_item_unblended_cost' appears twice");
  }

  @Test
  void unparsableValuesAreQuarantinedAndTheRunReconciles() throws IOException {
    unparsableValuesAreQuarantinedAndTheRunReconciles(true);
  }

  /**
   * The same file on the large-input route, where the input totals are summed in the normalizer's pass (one read
   * before the write instead of two): the same rows, totals and quarantine rows, and the progress line says so.
   */
  @Test
  void unparsableValuesOnTheLargeInputRouteReconcileInOneRead() throws IOException {
    java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
    Progress progress = new Progress(new java.io.PrintStream(lines, true, StandardCharsets.UTF_8), false);
    PipelineRunner.Result large = unparsableValuesAreQuarantinedAndTheRunReconciles(false, progress);
    assertThat(lines.toString(StandardCharsets.UTF_8)).contains("aws-cur: 39 input row(s) (input and output totals in one read)");
    SourceRun run = large.sources().get(0);
    assertThat(run.rowsIn()).isEqualTo(39);
    assertThat(run.inputTotal()).isEqualByComparingTo(run.outputTotal().add(run.quarantinedTotal()));

    PipelineRunner.Result small = unparsableValuesAreQuarantinedAndTheRunReconciles(true);
    assertThat(large.sources()).hasSameSizeAs(small.sources());
    SourceRun cached = small.sources().get(0);
    assertThat(run.rowsIn()).isEqualTo(cached.rowsIn());
    assertThat(run.rowsOut()).isEqualTo(cached.rowsOut());
    assertThat(run.rowsQuarantined()).isEqualTo(cached.rowsQuarantined());
    assertThat(run.inputTotal()).isEqualTo(cached.inputTotal());
    assertThat(run.outputTotal()).isEqualTo(cached.outputTotal());
    assertThat(run.quarantinedTotal()).isEqualTo(cached.quarantinedTotal());
    assertThat(run.unparsableAmountRows()).isEqualTo(cached.unparsableAmountRows());
    assertThat(run.billingPeriodStart()).isEqualTo(cached.billingPeriodStart());
  }

  private PipelineRunner.Result unparsableValuesAreQuarantinedAndTheRunReconciles(boolean cacheSmallInputs)
      throws IOException {
    return unparsableValuesAreQuarantinedAndTheRunReconciles(cacheSmallInputs, AwsCurGoldenTest.quietProgress());
  }

  private PipelineRunner.Result unparsableValuesAreQuarantinedAndTheRunReconciles(boolean cacheSmallInputs,
      Progress progress) throws IOException {
    List<String> lines = fixtureLines();
    // line 3 (data row 2): cost becomes 'abc'; line 4: usage start becomes 'yesterday'
    lines.set(2, lines.get(2).replace(",786.5424,", ",abc,"));
    String original3 = lines.get(3);
    lines.set(3, original3.replace("SavingsPlanNegation,2026-11-01T00:00:00Z", "SavingsPlanNegation,yesterday"));
    assertThat(lines.get(3)).isNotEqualTo(original3);
    Path file = SparkTestSession.newDirectory("bad-rows").resolve("cur2-bad.csv");
    Files.write(file, lines, StandardCharsets.UTF_8);
    Path warehouseDir = SparkTestSession.newDirectory("bad-rows-wh");

    PipelineRunner.Result result = run(warehouseDir, file, cacheSmallInputs, progress);

    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    List<Row> quarantined = warehouse.read(QuarantineTable.TABLE_NAME).orderBy(QuarantineTable.SOURCE_FIELD).collectAsList();
    assertThat(quarantined).hasSize(2);
    Row cost = quarantined.get(0);
    assertThat(cost.<String>getAs(QuarantineTable.SOURCE_FIELD)).isEqualTo("line_item_unblended_cost");
    assertThat(cost.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-2001 UNPARSABLE_NUMBER");
    assertThat(cost.<String>getAs(QuarantineTable.ERROR_MESSAGE)).contains("not a number: 'abc'");
    assertThat(cost.<String>getAs(QuarantineTable.SOURCE_FILE)).endsWith("cur2-bad.csv");
    assertThat(cost.<String>getAs(QuarantineTable.RAW_RECORD)).contains("\"line_item_unblended_cost\":\"abc\"");
    assertThat((Object) cost.getAs(QuarantineTable.BILLED_AMOUNT)).isNull();
    Row start = quarantined.get(1);
    assertThat(start.<String>getAs(QuarantineTable.SOURCE_FIELD)).isEqualTo("line_item_usage_start_date");
    assertThat(start.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-2002 UNPARSABLE_TIMESTAMP");
    BigDecimal startAmount = start.getAs(QuarantineTable.BILLED_AMOUNT);
    assertThat(startAmount).isEqualByComparingTo("-786.5424");

    assertThat(result.rowsOut()).isEqualTo(37);
    assertThat(result.rowsQuarantined()).isEqualTo(2);
    assertThat(result.reconciled()).isTrue();
    SourceRun run = result.sources().get(0);
    assertThat(run.unparsableAmountRows()).isEqualTo(1);
    assertThat(run.quarantinedTotal()).isEqualByComparingTo(startAmount);
    BigDecimal written = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .agg(org.apache.spark.sql.functions.sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
    assertThat(run.outputTotal()).isEqualByComparingTo(written);
    assertThat(run.inputTotal()).isEqualByComparingTo(written.add(startAmount));
    return result;
  }

  @Test
  void emptyFileIsZeroRowsRecordedInPipelineRuns() throws IOException {
    Path dir = SparkTestSession.newDirectory("empty");
    Files.writeString(dir.resolve("empty.csv"), "");
    Path warehouseDir = SparkTestSession.newDirectory("empty-wh");
    PipelineRunner.Result result = run(warehouseDir, dir);
    assertThat(result.rowsOut()).isZero();
    assertThat(result.reconciled()).isTrue();
    Row recorded = new Warehouse(spark, warehouseDir.toString()).read(PipelineRunsTable.TABLE_NAME).first();
    assertThat(recorded.<Long>getAs(PipelineRunsTable.ROWS_IN)).isZero();
    assertThat(recorded.getList(recorded.fieldIndex(PipelineRunsTable.INPUT_FILES))).hasSize(1);
  }

  @Test
  void unknownSourceKindAndMissingPathAreConfigurationErrors() {
    assertThatThrownBy(() -> JobConfig.parseSource("aws-bill=/x"))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("Unknown source kind 'aws-bill'").hasMessageContaining("aws-cur, focus");
    Path missing = SparkTestSession.projectRoot().resolve("sample-data/does-not-exist");
    assertThatThrownBy(() -> run(SparkTestSession.newDirectory("missing-wh"), missing))
        .isInstanceOf(PipelineException.class)
        .satisfies(e -> assertThat(((PipelineException) e).errorCode()).isEqualTo(PipelineErrorCode.INPUT_NOT_FOUND))
        .hasMessageContaining("does-not-exist: no such file or directory");
  }
}
