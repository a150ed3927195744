package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A run killed mid-write (SIGKILL, as a preempted node or the OOM killer would) leaves readable, consistent
 * Delta tables, and the next run of the same input completes with exactly the tables of one clean run.
 *
 * <p>The run reads two sources; it is killed as soon as it reports the first source's commit to
 * focus_cost_and_usage, i.e. before that source's quarantine and pipeline_runs commits and before the second
 * source is read.
 */
class KillAndRerunIT {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void killedRunLeavesReadableTablesAndARerunRestoresTheCleanResult() throws Exception {
    // the clean run to compare with works in this JVM meanwhile (or has run for ClusterIT already)
    CleanReferenceRun.start();
    Path dir = SparkTestSession.newDirectory("kill");
    Path config = CleanReferenceRun.writeConfig(dir.resolve("aifocus.yaml"));
    Path warehouseDir = dir.resolve("warehouse");

    try (ChildJvm run = ChildJvm.start("killed-run", dir.resolve("killed-run.log"), System.getProperty("java.class.path"),
        "1g", List.of(), Map.of(), AifocusCli.class.getName(),
        List.of("run", "--master", "local[2]", "--config", config.toString(), "--warehouse", warehouseDir.toString()))) {
      boolean committed = run.awaitLines(
          line -> line.contains("aws-cur: wrote " + CostAndUsageTable.TABLE_NAME), 1, Duration.ofMinutes(10));
      assertThat(committed).as("the run reached its first focus commit\n%s", run.tail(40)).isTrue();
      run.kill();
      assertThat(run.isAlive()).isFalse();
      assertThat(run.output()).doesNotContain("gateway-log: reading");
    }

    // what the killed run committed is there and readable; the second source never started
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME).count()).isEqualTo(39);
    if (warehouse.exists(PipelineRunsTable.TABLE_NAME)) {
      assertThat(warehouse.read(PipelineRunsTable.TABLE_NAME)
          .where(col(PipelineRunsTable.SOURCE_KIND).equalTo("gateway-log")).count()).isZero();
    }

    JobConfig job = JobConfig.fromYaml(config);
    PipelineRunner.Result rerun = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress())
        .run(new JobConfig(warehouseDir.toString(), job.sources(), job.teamTagKeys(), job.priceBook()));
    assertThat(rerun.reconciled()).isTrue();

    CleanReferenceRun.Clean clean = CleanReferenceRun.get();
    TableContents expected = clean.contents();
    TableContents actual = TableContents.of(warehouse, rerun.runId());
    assertThat(actual.focus()).hasSize((int) clean.result().rowsOut()).isEqualTo(expected.focus());
    assertThat(actual.quarantine()).isEqualTo(expected.quarantine());
    assertThat(actual.runs()).isEqualTo(expected.runs());
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(col(ExtensionColumns.RUN_ID).notEqual(rerun.runId())).count())
        .as("no row of the killed run is left").isZero();
  }
}
