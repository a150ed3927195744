package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.FocusColumns;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code aifocus compact} on a warehouse two runs wrote (two billing months of the CUR fixture, so the team/model
 * partitions hold a file of each run): one file per partition afterwards, every row and the exact total unchanged,
 * the table's last commit an OPTIMIZE; and its errors.
 */
class CompactCommandTest {
  private static final SparkSession SPARK = SparkTestSession.get();

  @Test
  void mergesEachPartitionsFilesAndKeepsEveryRow() throws IOException {
    Path dir = SparkTestSession.newDirectory("compact-wh");
    Warehouse warehouse = new Warehouse(SPARK, dir.toString());
    List<String> fixture = BadInputTest.fixtureLines();
    Path inputs = SparkTestSession.newDirectory("compact-in");
    Path november = inputs.resolve("cur-2026-11.csv");
    Files.write(november, fixture, StandardCharsets.UTF_8);
    Path october = inputs.resolve("cur-2026-10.csv");
    Files.write(october, RestatementTest.shift(fixture, "2026-12-01", "2026-11-01", "2026-11-", "2026-10-"),
        StandardCharsets.UTF_8);
    for (Path input : List.of(november, october)) {
      PipelineRunner.Result result = new PipelineRunner(SPARK, warehouse, AwsCurGoldenTest.quietProgress())
          .run(new JobConfig(dir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, input.toString())),
              NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
      assertThat(result.reconciled()).isTrue();
      assertThat(result.rowsOut()).isEqualTo(39);
    }
    String focusPath = warehouse.path(CostAndUsageTable.TABLE_NAME);
    DataFiles before = DataFiles.ofDelta(SPARK, focusPath);
    assertThat(before.maxPerPartition()).as("each run wrote its own files into the shared partitions").isEqualTo(2);
    List<String> rows = rows(warehouse, CostAndUsageTable.TABLE_NAME);
    List<String> runs = rows(warehouse, PipelineRunsTable.TABLE_NAME);
    BigDecimal total = billedTotal(warehouse);
    assertThat(rows).hasSize(78);

    CliTest.Call compact = CliTest.cli("compact", "--warehouse", dir.toString(), "--quiet");

    assertThat(compact.exit()).as(compact.err()).isZero();
    DataFiles after = DataFiles.ofDelta(SPARK, focusPath);
    assertThat(after.maxPerPartition()).isEqualTo(1);
    assertThat(after.partitions()).isEqualTo(before.partitions());
    assertThat(after.files()).isEqualTo(before.partitions()).isLessThan(before.files());
    assertThat(compact.out()).containsPattern(String.format("(?m)^%s +%d → +%d file\\(s\\) in %d partition\\(s\\), at most 2 → 1 in one$",
        CostAndUsageTable.TABLE_NAME, before.files(), after.files(), after.partitions()));
    assertThat(compact.out()).containsPattern("(?m)^" + PipelineRunsTable.TABLE_NAME + " +2 → +1 file\\(s\\)");
    assertThat(rows(warehouse, CostAndUsageTable.TABLE_NAME)).isEqualTo(rows);
    assertThat(rows(warehouse, PipelineRunsTable.TABLE_NAME)).isEqualTo(runs);
    assertThat(billedTotal(warehouse)).isEqualTo(total);
    assertThat(DeltaTable.forPath(SPARK, focusPath).history(1).first().<String>getAs("operation")).isEqualTo("OPTIMIZE");
  }

  @Test
  void namesWhatItCannotCompact() {
    CliTest.Call unknown = CliTest.cli("compact", "--table", "focus", "--warehouse", "unused");
    assertThat(unknown.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(unknown.err()).contains("--table focus: not an aifocus table (one of focus_cost_and_usage, quarantine,");

    Path empty = SparkTestSession.newDirectory("compact-empty");
    CliTest.Call missing = CliTest.cli("compact", "--table", CostAndUsageTable.TABLE_NAME, "--warehouse", empty.toString());
    assertThat(missing.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(missing.err()).contains("AIF-9003").contains("no table focus_cost_and_usage under " + empty);

    CliTest.Call none = CliTest.cli("compact", "--warehouse", empty.toString());
    assertThat(none.exit()).isEqualTo(AifocusCli.EXIT_USAGE);
    assertThat(none.err()).contains("no aifocus table under " + empty);
  }

  /** Every row of {@code table}, in full, sorted. */
  private static List<String> rows(Warehouse warehouse, String table) {
    return GoldenFiles.lines(warehouse.read(table), Set.of(), Set.of());
  }

  private static BigDecimal billedTotal(Warehouse warehouse) {
    return warehouse.read(CostAndUsageTable.TABLE_NAME).agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
  }
}
