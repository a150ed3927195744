package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Two sources (aws-cur, focus) × two billing periods each. Re-delivering one source's period replaces
 * exactly that scope, atomically; running the same input twice gives the same table.
 */
class RestatementTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void restatedPeriodReplacesOnlyItsScopeAndRerunsAreIdempotent() throws IOException {
    Path root = SparkTestSession.projectRoot();
    Path in = SparkTestSession.newDirectory("restate-in");
    List<String> nov = Files.readAllLines(root.resolve(AwsCur2FixtureTest.FIXTURE), StandardCharsets.UTF_8);
    Files.createDirectories(in.resolve("cur"));
    Files.write(in.resolve("cur/2026-11.csv"), nov, StandardCharsets.UTF_8);
    Files.write(in.resolve("cur/2026-10.csv"), shift(nov, "2026-12-01", "2026-11-01", "2026-11-", "2026-10-"),
        StandardCharsets.UTF_8);
    List<String> jan = Files.readAllLines(root.resolve("sample-data/focus/focus-1.3-tiny.csv"), StandardCharsets.UTF_8);
    Files.createDirectories(in.resolve("focus"));
    Files.write(in.resolve("focus/2026-01.csv"), jan, StandardCharsets.UTF_8);
    Files.write(in.resolve("focus/2026-02.csv"), shift(jan, "2026-02-01", "2026-03-01", "2026-01-", "2026-02-"),
        StandardCharsets.UTF_8);

    Path warehouseDir = SparkTestSession.newDirectory("restate-wh");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    run(warehouse, SourceSpec.of(SourceKind.AWS_CUR, in.resolve("cur").toString()),
        SourceSpec.of(SourceKind.FOCUS, in.resolve("focus").toString()));
    Map<String, String> first = totals(warehouse);
    assertThat(first).containsOnlyKeys("aws-cur 2026-10", "aws-cur 2026-11", "focus 2026-01", "focus 2026-02");
    assertThat(first.get("aws-cur 2026-11")).isEqualTo("39 rows 8717.491175");
    assertThat(first.get("aws-cur 2026-10")).isEqualTo("39 rows 8717.491175");
    assertThat(first.get("focus 2026-01")).isEqualTo("4 rows 37.3528");
    assertThat(first.get("focus 2026-02")).isEqualTo(first.get("focus 2026-01"));

    // AWS re-delivers November corrected: the tax line is gone and the credit doubled
    List<String> corrected = new ArrayList<>();
    for (String line : nov) {
      if (line.contains(",Tax,")) {
        continue;
      }
      corrected.add(line.replace(",-100.00,", ",-200.00,"));
    }
    assertThat(corrected).hasSize(nov.size() - 1);
    Path restated = in.resolve("restated/2026-11-v2.csv");
    Files.createDirectories(restated.getParent());
    Files.write(restated, corrected, StandardCharsets.UTF_8);
    run(warehouse, SourceSpec.of(SourceKind.AWS_CUR, restated.toString()));

    Map<String, String> second = totals(warehouse);
    // 8717.491175 - 412.77 (tax) - 100 (extra credit) = 8204.721175
    assertThat(second.get("aws-cur 2026-11")).isEqualTo("38 rows 8204.721175");
    assertThat(second.get("aws-cur 2026-10")).isEqualTo(first.get("aws-cur 2026-10"));
    assertThat(second.get("focus 2026-01")).isEqualTo(first.get("focus 2026-01"));
    assertThat(second.get("focus 2026-02")).isEqualTo(first.get("focus 2026-02"));
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(col(ExtensionColumns.SOURCE_FILE).endsWith("cur/2026-11.csv")).count())
        .as("no row of the old November delivery is left").isZero();

    // the same delivery again, forced: identical rows (only run id and ingestion time differ), one commit
    List<String> before = contents(warehouse);
    long versionBefore = history(warehouseDir);
    PipelineRunner.Result forced = run(warehouse, true, SourceSpec.of(SourceKind.AWS_CUR, restated.toString()));
    assertThat(forced.unchangedSince()).isEmpty();
    assertThat(contents(warehouse)).isEqualTo(before);
    assertThat(history(warehouseDir)).as("one atomic commit replaced the scope").isEqualTo(versionBefore + 1);

    // and again without --force: inputs, configuration and tables are unchanged since the forced run, so it skips
    PipelineRunner.Result skipped = run(warehouse, false, SourceSpec.of(SourceKind.AWS_CUR, restated.toString()));
    assertThat(skipped.unchangedSince()).contains(forced.runId());
    assertThat(history(warehouseDir)).as("nothing rewritten").isEqualTo(versionBefore + 1);
    assertThat(contents(warehouse)).isEqualTo(before);
    assertThat(runRows(warehouse, skipped.runId())).as("the forced run's reconciliation, recorded as SKIPPED")
        .isEqualTo(runRows(warehouse, forced.runId()).stream().map(r -> r.replace("SUCCEEDED", "SKIPPED")).toList());

    // a changed byte in the input (same name, same size) is a different run
    Files.writeString(restated, Files.readString(restated).replace(",-200.00,", ",-300.00,"));
    PipelineRunner.Result changed = run(warehouse, false, SourceSpec.of(SourceKind.AWS_CUR, restated.toString()));
    assertThat(changed.unchangedSince()).isEmpty();
    assertThat(totals(warehouse).get("aws-cur 2026-11")).isEqualTo("38 rows 8104.721175");
  }

  private PipelineRunner.Result run(Warehouse warehouse, SourceSpec... specs) {
    return run(warehouse, false, specs);
  }

  private PipelineRunner.Result run(Warehouse warehouse, boolean force, SourceSpec... specs) {
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress())
        .rewriteUnchanged(force)
        .run(new JobConfig(warehouse.root(), List.of(specs), NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
    assertThat(result.reconciled()).isTrue();
    return result;
  }

  /** A run's pipeline_runs rows: kind, period, counts, totals, status (run id and times left out). */
  private static List<String> runRows(Warehouse warehouse, String runId) {
    return warehouse.read(io.aifocus.api.PipelineRunsTable.TABLE_NAME)
        .where(col(io.aifocus.api.PipelineRunsTable.RUN_ID).equalTo(runId))
        .selectExpr("concat_ws('|', source_kind, string(billing_period_start), string(rows_in), string(rows_out), "
            + "string(rows_quarantined), string(input_total), string(output_total), string(reconciled), status)")
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
  }

  private static Map<String, String> totals(Warehouse warehouse) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : warehouse.read(CostAndUsageTable.TABLE_NAME)
        .groupBy(col(ExtensionColumns.SOURCE_KIND), date_format(col(FocusColumns.BILLING_PERIOD_START), "yyyy-MM"))
        .agg(count("*"), sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      out.put(r.getString(0) + " " + r.getString(1),
          r.getLong(2) + " rows " + ((BigDecimal) r.get(3)).stripTrailingZeros().toPlainString());
    }
    return out;
  }

  private static List<String> contents(Warehouse warehouse) {
    return GoldenFiles.lines(warehouse.read(CostAndUsageTable.TABLE_NAME),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of());
  }

  private long history(Path warehouseDir) {
    return io.delta.tables.DeltaTable.forPath(spark, warehouseDir.resolve(CostAndUsageTable.TABLE_NAME).toString())
        .history(1).first().getLong(0);
  }

  /** Moves a fixture to another billing period by plain text replacement (end of period first). */
  static List<String> shift(List<String> lines, String end, String newEnd, String prefix, String newPrefix) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.add(line.replace(end, newEnd).replace(prefix, newPrefix));
    }
    return out;
  }
}
