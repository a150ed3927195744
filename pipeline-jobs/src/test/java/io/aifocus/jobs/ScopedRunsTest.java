package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.GpuAllocation;
import io.aifocus.allocate.gpu.GpuClusterSettings;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.api.GpuUtilizationTable;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code --period} and {@code --since}: a run loads and writes only its billing periods, so two runs of
 * different periods into one warehouse, at the same time, both succeed (Delta optimistic concurrency, with
 * retried commits) and together write exactly what one run over all periods writes.
 */
class ScopedRunsTest {
  private final SparkSession spark = SparkTestSession.get();

  /** One CUR file holding October and November 2026, one unparsable cost in each month. */
  private static Path twoMonthFile() throws IOException {
    List<String> nov = BadInputTest.fixtureLines();
    List<String> oct = RestatementTest.shift(nov, "2026-12-01", "2026-11-01", "2026-11-", "2026-10-");
    List<String> lines = new ArrayList<>(nov);
    lines.addAll(oct.subList(1, oct.size()));
    lines.set(2, lines.get(2).replace(",786.5424,", ",abc,"));
    int octSecondRow = nov.size() + 1;
    lines.set(octSecondRow, lines.get(octSecondRow).replace(",786.5424,", ",abc,"));
    assertThat(lines.get(octSecondRow)).contains(",abc,").contains("2026-10-01T00:00:00Z");
    Path file = SparkTestSession.newDirectory("scoped-in").resolve("cur-2026-10-and-11.csv");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private PipelineRunner.Result run(Path warehouseDir, Path input, RunScope scope, PrintStream progress) {
    return new PipelineRunner(spark, new Warehouse(spark, warehouseDir.toString()), new Progress(progress, false))
        .run(new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, input.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS).withScope(scope));
  }

  @Test
  void concurrentRunsOfDifferentPeriodsEqualOneRunOfAll() throws Exception {
    Path input = twoMonthFile();
    Path all = SparkTestSession.newDirectory("scoped-all");
    PipelineRunner.Result full = run(all, input, RunScope.ALL, quiet());
    assertThat(full.rowsOut()).isEqualTo(76);
    assertThat(full.rowsQuarantined()).isEqualTo(2);

    Path shared = SparkTestSession.newDirectory("scoped-shared");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<PipelineRunner.Result> october = CompletableFuture.supplyAsync(() -> {
        await(start);
        return run(shared, input, RunScope.period("2026-10"), progress);
      }, pool);
      CompletableFuture<PipelineRunner.Result> november = CompletableFuture.supplyAsync(() -> {
        await(start);
        return run(shared, input, RunScope.period("2026-11"), progress);
      }, pool);
      PipelineRunner.Result oct = october.get(10, TimeUnit.MINUTES);
      PipelineRunner.Result nov = november.get(10, TimeUnit.MINUTES);

      assertThat(oct.sources()).singleElement().satisfies(r -> {
        assertThat(r.billingPeriodStart().toInstant()).hasToString("2026-10-01T00:00:00Z");
        assertThat(r.rowsIn()).isEqualTo(39);
      });
      assertThat(nov.sources()).singleElement()
          .satisfies(r -> assertThat(r.billingPeriodStart().toInstant()).hasToString("2026-11-01T00:00:00Z"));
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("39 row(s) outside billing period 2026-10 left out")
          .contains("39 row(s) outside billing period 2026-11 left out");

      Warehouse both = new Warehouse(spark, shared.toString());
      TableContents expected = TableContents.of(new Warehouse(spark, all.toString()), full.runId());
      TableContents actual = TableContents.of(both, null);
      assertThat(actual.focus()).isEqualTo(expected.focus());
      assertThat(actual.quarantine()).hasSize(2).isEqualTo(expected.quarantine());
      assertThat(actual.runs()).isEqualTo(expected.runs());
      assertThat(both.read(PipelineRunsTable.TABLE_NAME).select(PipelineRunsTable.RUN_ID).distinct().count()).isEqualTo(2);

      // a later October-only rerun leaves November's rows and quarantine untouched
      run(shared, input, RunScope.period("2026-10"), quiet());
      assertThat(TableContents.of(both, null).focus()).isEqualTo(expected.focus());
      assertThat(TableContents.of(both, null).quarantine()).isEqualTo(expected.quarantine());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The demo GPU cluster's day (2026-11-03) and the same day shifted 31 days back (2026-10-03) in one input. */
  private static Path twoMonthGpuCluster(String gpuANodePrice) throws IOException {
    Path demo = SparkTestSession.projectRoot().resolve(GpuAllocationGoldenTest.DEMO);
    Path dir = SparkTestSession.newDirectory("scoped-gpu-in");
    long shift = 31L * 86_400;
    Files.createDirectories(dir.resolve("kube-state-metrics"));
    Files.createDirectories(dir.resolve("dcgm"));
    String ksm = Files.readString(demo.resolve("kube-state-metrics/ksm-2026-11-03.json"));
    Files.writeString(dir.resolve("kube-state-metrics/ksm-2026-11-03.json"), ksm);
    Matcher k = Pattern.compile("\\[(\\d{10}),").matcher(ksm);
    Files.writeString(dir.resolve("kube-state-metrics/ksm-2026-10-03.json"),
        k.replaceAll(m -> "[" + (Long.parseLong(m.group(1)) - shift) + ","));
    List<String> dcgm = Files.readAllLines(demo.resolve("dcgm/dcgm-2026-11-03.prom"));
    Files.write(dir.resolve("dcgm/dcgm-2026-11-03.prom"), dcgm);
    Pattern time = Pattern.compile(" (\\d{13})$");
    Files.write(dir.resolve("dcgm/dcgm-2026-10-03.prom"), dcgm.stream().map(l -> time.matcher(l)
        .replaceAll(m -> " " + (Long.parseLong(m.group(1)) - shift * 1000))).toList());
    Files.writeString(dir.resolve("node-prices.csv"), Files.readString(demo.resolve("node-prices.csv"))
        .replace("gpu-a,,node,metadata.name,,0.40,", "gpu-a,,node,metadata.name,," + gpuANodePrice + ","));
    return dir;
  }

  private PipelineRunner.Result runGpu(Path warehouseDir, Path input, RunScope scope) {
    GpuClusterSettings s = new GpuClusterSettings("gpu-demo", "gpu-demo", "Self-hosted", "USD", AllocationMethod.GPU_REQUEST_TIME,
        IdleHandling.SEPARATE, GpuClusterSettings.DEFAULT_TEAM_LABEL_KEYS, GpuClusterSettings.DEFAULT_MODEL_LABEL_KEYS,
        GpuClusterSettings.DEFAULT_ENDPOINT_LABEL_KEY, java.util.Map.of(), BigDecimal.ONE, Optional.empty());
    GpuClusterConfig cluster = new GpuClusterConfig(s, Optional.of(input.resolve("dcgm").toString()),
        input.resolve("kube-state-metrics").toString(), Optional.of(input.resolve("node-prices.csv").toString()),
        Optional.of(GpuAllocationGoldenTest.costModel()), Optional.empty());
    return new PipelineRunner(spark, new Warehouse(spark, warehouseDir.toString()), new Progress(quiet(), false))
        .run(new JobConfig(warehouseDir.toString(), List.of(), NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(),
            scope, S3Settings.DEFAULT, List.of(cluster)));
  }

  private static List<Row> gpuRows(Warehouse w, String table, String timeColumn, String month) {
    Dataset<Row> rows = w.read(table);
    if (table.equals(CostAndUsageTable.TABLE_NAME)) {
      rows = rows.where(col(ExtensionColumns.SOURCE_KIND).equalTo(GpuAllocation.SOURCE_KIND));
    }
    return rows.where(date_format(col(timeColumn), "yyyy-MM").equalTo(month)).collectAsList();
  }

  private static BigDecimal total(List<Row> rows, String... columns) {
    BigDecimal t = BigDecimal.ZERO;
    for (Row r : rows) {
      for (String c : columns) {
        BigDecimal v = r.getAs(c);
        t = v == null ? t : t.add(v);
      }
    }
    return t;
  }

  @Test
  void aGpuRunOfOnePeriodReplacesOnlyThatPeriodsGpuRows() throws IOException {
    Path warehouseDir = SparkTestSession.newDirectory("scoped-gpu");
    Warehouse w = new Warehouse(spark, warehouseDir.toString());
    PipelineRunner.Result first = runGpu(warehouseDir, twoMonthGpuCluster("0.40"), RunScope.ALL);
    assertThat(first.sources()).extracting(r -> r.billingPeriodStart().toInstant().toString())
        .containsExactly("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z");
    List<Row> novFocus = gpuRows(w, CostAndUsageTable.TABLE_NAME, FocusColumns.BILLING_PERIOD_START, "2026-11");
    List<Row> novUtil = gpuRows(w, GpuUtilizationTable.TABLE_NAME, GpuUtilizationTable.HOUR_START, "2026-11");
    List<Row> octFocus = gpuRows(w, CostAndUsageTable.TABLE_NAME, FocusColumns.BILLING_PERIOD_START, "2026-10");
    List<Row> octUtil = gpuRows(w, GpuUtilizationTable.TABLE_NAME, GpuUtilizationTable.HOUR_START, "2026-10");
    assertThat(octFocus).hasSameSizeAs(novFocus).hasSize(130);
    assertThat(octUtil).hasSameSizeAs(novUtil).isNotEmpty();
    BigDecimal day = new BigDecimal("168.570336");
    assertThat(total(novFocus, FocusColumns.BILLED_COST)).isEqualByComparingTo(day);
    assertThat(total(octFocus, FocusColumns.BILLED_COST)).isEqualByComparingTo(day);

    // October again, gpu-a's node price raised from 0.40 to 0.50 per hour: 24 node-hours × 0.10 more
    PipelineRunner.Result october = runGpu(warehouseDir, twoMonthGpuCluster("0.50"), RunScope.period("2026-10"));
    assertThat(october.sources()).singleElement().satisfies(r -> {
      assertThat(r.billingPeriodStart().toInstant()).hasToString("2026-10-01T00:00:00Z");
      assertThat(r.reconciled()).isTrue();
    });
    List<Row> octFocus2 = gpuRows(w, CostAndUsageTable.TABLE_NAME, FocusColumns.BILLING_PERIOD_START, "2026-10");
    List<Row> octUtil2 = gpuRows(w, GpuUtilizationTable.TABLE_NAME, GpuUtilizationTable.HOUR_START, "2026-10");
    assertThat(octFocus2).hasSize(130)
        .allSatisfy(r -> assertThat(r.<String>getAs(ExtensionColumns.RUN_ID)).isEqualTo(october.runId()));
    assertThat(total(octFocus2, FocusColumns.BILLED_COST)).isEqualByComparingTo(day.add(new BigDecimal("2.40")));
    assertThat(octUtil2).hasSameSizeAs(octUtil)
        .allSatisfy(r -> assertThat(r.<String>getAs(GpuUtilizationTable.RUN_ID)).isEqualTo(october.runId()));
    assertThat(total(octUtil2, GpuUtilizationTable.ALLOCATED_COST, GpuUtilizationTable.IDLE_COST))
        .isEqualByComparingTo(total(octUtil, GpuUtilizationTable.ALLOCATED_COST, GpuUtilizationTable.IDLE_COST).add(new BigDecimal("2.40")));
    // November: the very rows of the first run
    assertThat(gpuRows(w, CostAndUsageTable.TABLE_NAME, FocusColumns.BILLING_PERIOD_START, "2026-11"))
        .containsExactlyInAnyOrderElementsOf(novFocus);
    assertThat(gpuRows(w, GpuUtilizationTable.TABLE_NAME, GpuUtilizationTable.HOUR_START, "2026-11"))
        .containsExactlyInAnyOrderElementsOf(novUtil);
  }

  @Test
  void sinceLoadsOnlyLaterPeriodsAndBadOptionsAreConfigErrors() throws IOException {
    Path input = twoMonthFile();
    Path warehouseDir = SparkTestSession.newDirectory("scoped-since");
    PipelineRunner.Result result = run(warehouseDir, input, RunScope.since("2026-10-15"), quiet());
    assertThat(result.rowsOut()).isEqualTo(38);
    assertThat(result.rowsQuarantined()).isEqualTo(1);
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    List<Row> periods = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .select(date_format(col(FocusColumns.BILLING_PERIOD_START), "yyyy-MM")).distinct().collectAsList();
    assertThat(periods).extracting(r -> r.getString(0)).containsExactly("2026-11");
    assertThat(warehouse.read(QuarantineTable.TABLE_NAME).first().<String>getAs(QuarantineTable.RAW_RECORD))
        .contains("2026-11-01T00:00:00Z");

    assertThatThrownBy(() -> RunScope.period("2026-13"))
        .isInstanceOf(PipelineException.class)
        .hasMessage(PipelineErrorCode.INVALID_CONFIG.label() + ": --period expects YYYY-MM, got '2026-13'");
    assertThatThrownBy(() -> RunScope.of("2026-11", "2026-10-01"))
        .hasMessageContaining("--period and --since exclude each other");
    assertThat(CliTest.cli("run", "--source", "aws-cur=" + input, "--since", "Oct 1").exit())
        .isEqualTo(AifocusCli.EXIT_USAGE);
  }

  @Test
  void configIsReadFromAHadoopFileSystemUriWithPathsRelativeToIt() throws IOException {
    Path dir = SparkTestSession.newDirectory("remote-config");
    Path file = Files.writeString(dir.resolve("aifocus.yaml"),
        "warehouse: ./wh\nsources:\n  - kind: aws-cur\n    path: cur/2026-11/\n  - kind: focus\n    path: s3a://b/f.csv\n");
    JobConfig config = JobConfig.fromYaml(file.toUri().toString(), spark.sparkContext().hadoopConfiguration());
    assertThat(config.warehouse()).isEqualTo("file:" + dir + "/wh");
    assertThat(config.sources()).extracting(SourceSpec::path).containsExactly("file:" + dir + "/cur/2026-11", "s3a://b/f.csv");
    assertThat(JobConfig.fromYaml(file.toString(), spark.sparkContext().hadoopConfiguration()).warehouse())
        .isEqualTo(dir + "/wh");
  }

  private static PrintStream quiet() {
    return new PrintStream(java.io.OutputStream.nullOutputStream());
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
