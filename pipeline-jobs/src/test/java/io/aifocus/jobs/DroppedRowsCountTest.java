package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.schema.CostAndUsageTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A token source counts, while its FOCUS rows are computed, the rows its accept filter leaves out
 * ({@link NormalizeResult#droppedRows}); the pipeline skips the quarantine pass when that count is zero
 * (docs/benchmarks.md, change 21).
 */
class DroppedRowsCountTest {
  private static final Path ROOT = SparkTestSession.projectRoot();
  private static final Path SAMPLE = ROOT.resolve(GatewayLogGoldenTest.SAMPLE);
  private static final Path PRICE_BOOK = ROOT.resolve(GatewayLogGoldenTest.PRICE_BOOK);

  @Test
  void theCountIsTheNumberOfRejectedRows() {
    NormalizeResult result = normalize(SAMPLE);
    assertThat(result.droppedRows()).isPresent();
    assertThat(result.focus().count()).isEqualTo(16);
    // the sample's bad lines make 8 rejected token rows (GatewayLogGoldenTest)
    assertThat(result.droppedRows().get().afterFocusComputed()).hasValue(8);
    assertThat(result.quarantine().count()).isEqualTo(8);
  }

  @Test
  void aCleanLogCountsNoneAndStillReconciles() throws IOException {
    Path dir = SparkTestSession.newDirectory("dropped-rows");
    Path clean = dir.resolve("gateway-clean.jsonl");
    // the sample's first five requests parse and are priced; the lines after them are the bad ones
    Files.write(clean, Files.readAllLines(SAMPLE).subList(0, 5));
    NormalizeResult result = normalize(clean);
    // their token rows in sample-data/gateway-log/expected/focus.jsonl: req-001 3, req-002 3, req-003 5,
    // batch-7/item-1 2, req-005 1
    assertThat(result.focus().count()).isEqualTo(14);
    assertThat(result.droppedRows().get().afterFocusComputed()).hasValue(0);

    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = new Warehouse(spark, dir.resolve("warehouse").toString());
    JobConfig job = new JobConfig(dir.resolve("warehouse").toString(),
        List.of(SourceSpec.of(SourceKind.GATEWAY_LOG, clean.toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(PRICE_BOOK.toString()));
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    PipelineRunner.Result run = new PipelineRunner(
        spark, warehouse, new Progress(new PrintStream(lines, true, StandardCharsets.UTF_8), false)).run(job);
    // the quarantine was not computed: the count of the normalization pass said no row was rejected
    assertThat(lines.toString(StandardCharsets.UTF_8))
        .contains("gateway-log: wrote quarantine (0 row(s): none rejected in the normalization pass)");
    assertThat(run.rowsQuarantined()).isZero();
    assertThat(run.rowsOut()).isEqualTo(14);
    assertThat(run.sources().stream().mapToLong(SourceRun::rowsIn).sum()).isEqualTo(14);
    assertThat(run.sources()).isNotEmpty().allMatch(SourceRun::reconciled);
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME).count()).isEqualTo(14);
    assertThat(warehouse.read(QuarantineTable.TABLE_NAME).count()).isZero();
  }

  private static NormalizeResult normalize(Path log) {
    SparkSession spark = SparkTestSession.get();
    SourceSpec spec = new SourceSpec(SourceKind.GATEWAY_LOG, log.toString(),
        Map.of(JobConfig.PRICE_BOOK_OPTION, PRICE_BOOK.toString()));
    RawInput raw = Sources.reader(SourceKind.GATEWAY_LOG).load(spark, spec);
    NormalizeContext context = new NormalizeContext("dropped-rows", Instant.parse("2026-12-01T00:00:00Z"),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, PriceBook.load(PRICE_BOOK));
    return Sources.normalizer(SourceKind.GATEWAY_LOG).normalize(raw, context);
  }
}
