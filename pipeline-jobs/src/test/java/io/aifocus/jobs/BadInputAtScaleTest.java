package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
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
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input as production delivers it, into a warehouse that already holds a committed billing period
 * (November 2026): a corrupt gzip stream and a truncated Parquet file fail the run with AIF-1006 naming the
 * file; a multi-MB CSV with one malformed record in the middle quarantines that record (AIF-1005) and writes
 * the rest; a file with 1,000 new columns reads as if they were not there. In every case the committed
 * November rows survive unchanged.
 *
 * <p>Sizes are kept to a few MB so the suite stays fast; a 2 GB file takes the same code path (Spark splits
 * the file and streams it; nothing is held per file), only with more tasks.
 */
class BadInputAtScaleTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static Path warehouseDir;
  private static Warehouse warehouse;
  private static List<String> fixture;
  private static List<String> novemberRows;

  @BeforeAll
  static void commitNovember() throws IOException {
    fixture = BadInputTest.fixtureLines();
    warehouseDir = SparkTestSession.newDirectory("scale-wh");
    warehouse = new Warehouse(SPARK, warehouseDir.toString());
    Path november = SparkTestSession.newDirectory("scale-nov").resolve("cur-2026-11.csv");
    Files.write(november, fixture, StandardCharsets.UTF_8);
    PipelineRunner.Result result = run(november);
    assertThat(result.rowsOut()).isEqualTo(39);
    novemberRows = novemberRows();
  }

  private static PipelineRunner.Result run(Path input) {
    return run(input, true);
  }

  /** {@code cacheSmallInputs} false: the input is read again by each query, as a large input is. */
  private static PipelineRunner.Result run(Path input, boolean cacheSmallInputs) {
    return new PipelineRunner(SPARK, warehouse, AwsCurGoldenTest.quietProgress()).cacheSmallInputs(cacheSmallInputs)
        .run(new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, input.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
  }

  private static List<String> novemberRows() {
    return TableContents.of(warehouse, null).focus().stream().filter(l -> l.contains("2026-11-01T00:00:00Z")).toList();
  }

  private static long focusVersion() {
    return DeltaTable.forPath(SPARK, warehouse.path(CostAndUsageTable.TABLE_NAME)).history(1).first().getLong(0);
  }

  /** The fixture moved to another billing month ({@code 2026-MM}), header included. */
  private static List<String> month(String month, String nextMonthStart) {
    return RestatementTest.shift(fixture, "2026-12-01", nextMonthStart, "2026-11-", month + "-");
  }

  /**
   * The header of {@code monthLines}, then its 39 fixture rows {@code copies} times, the line item ids of copy i
   * starting with {@code prefix + i + "-"} instead of {@code demo}.
   */
  private static List<String> copies(List<String> monthLines, int copies, String prefix) {
    List<String> body = monthLines.subList(1, monthLines.size());
    assertThat(body).hasSize(39);
    List<String> lines = new ArrayList<>(monthLines.subList(0, 1));
    for (int i = 0; i < copies; i++) {
      for (String line : body) {
        lines.add(line.replaceFirst("^demo", prefix + i + "-"));
      }
    }
    return lines;
  }

  /** A run of {@code input} fails with AIF-1006 naming the file; nothing committed changes. */
  private static void assertFailsNaming(Path input, Path badFile) {
    long version = focusVersion();
    assertThatThrownBy(() -> run(input))
        .isInstanceOf(PipelineException.class)
        .satisfies(e -> assertThat(((PipelineException) e).errorCode()).isEqualTo(PipelineErrorCode.UNREADABLE_FILE))
        .hasMessageStartingWith("AIF-1006 UNREADABLE_FILE: " + badFile + ": cannot read");
    assertThat(focusVersion()).as("no commit to focus_cost_and_usage").isEqualTo(version);
    assertThat(novemberRows()).isEqualTo(novemberRows);
    Row failed = warehouse.read(PipelineRunsTable.TABLE_NAME)
        .orderBy(col(PipelineRunsTable.STARTED_AT).desc()).first();
    assertThat(failed.<String>getAs(PipelineRunsTable.STATUS)).isEqualTo("FAILED");
    assertThat(failed.<String>getAs(PipelineRunsTable.MESSAGE)).contains(badFile.toString());
  }

  @Test
  void corruptGzipStreamFailsNamingTheFile() throws IOException {
    Path dir = SparkTestSession.newDirectory("scale-gz");
    // ~1 MB of CSV so the gzip stream has many deflate blocks: the header decodes, the body breaks
    List<String> lines = new ArrayList<>(month("2026-10", "2026-11-01"));
    List<String> body = lines.subList(1, lines.size());
    List<String> big = new ArrayList<>(lines.subList(0, 1));
    for (int i = 0; i < 40; i++) {
      big.addAll(body);
    }
    byte[] gz = gzip(String.join("\n", big) + "\n");
    Path file = dir.resolve("cur-2026-10.csv.gz");
    Files.write(file, Arrays.copyOf(gz, gz.length * 2 / 3)); // cut off: the stream ends mid-block
    Files.write(dir.resolve("cur-2026-07.csv"), month("2026-07", "2026-08-01"), StandardCharsets.UTF_8);

    assertFailsNaming(dir, file);
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(date_format(col(FocusColumns.BILLING_PERIOD_START), "yyyy-MM").equalTo("2026-07")).count())
        .as("the good file of the failed run is not written either").isZero();
  }

  @Test
  void truncatedParquetFileFailsNamingTheFile() throws IOException {
    Path dir = SparkTestSession.newDirectory("scale-parquet");
    Path csv = dir.resolve("src.csv");
    Files.write(csv, month("2026-10", "2026-11-01"), StandardCharsets.UTF_8);
    Path written = dir.resolve("parquet-out");
    SPARK.read().option("header", "true").csv(csv.toString()).coalesce(1).write().parquet(written.toString());
    Path part;
    try (Stream<Path> files = Files.list(written)) {
      part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(part);
    Path input = Files.createDirectories(dir.resolve("input"));
    Path file = input.resolve("cur-2026-10.snappy.parquet");
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2)); // the footer is gone

    assertFailsNaming(input, file);
  }

  @Test
  void largeCsvWithOneMalformedRecordQuarantinesItAndWritesTheRest() throws IOException {
    List<String> lines = copies(month("2026-09", "2026-10-01"), 128, "r");
    int middle = 1 + 64 * 39; // the first fixture row of the 65th copy (demo0001: on-demand usage)
    assertThat(lines.get(middle)).startsWith("r64-0001,");
    String broken = lines.get(middle).substring(0, lines.get(middle).indexOf(",USD,")); // fields missing at the end
    lines.set(middle, broken);
    Path file = SparkTestSession.newDirectory("scale-big").resolve("cur-2026-09-big.csv");
    Files.write(file, lines, StandardCharsets.UTF_8);
    assertThat(Files.size(file)).isGreaterThan(3_000_000L);

    // read again by every query (input totals, accepted rows, quarantine), as a CSV above 32 MiB is: the
    // malformed record must be found the same way by each read
    PipelineRunner.Result result = run(file, false);

    assertThat(result.reconciled()).isTrue();
    assertThat(result.rowsOut()).isEqualTo(128L * 39 - 1);
    assertThat(result.rowsQuarantined()).isEqualTo(1);
    Row bad = warehouse.read(QuarantineTable.TABLE_NAME)
        .where(col(QuarantineTable.SOURCE_FILE).equalTo(file.toString())).first();
    assertThat(bad.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo(PipelineErrorCode.MALFORMED_RECORD.label());
    assertThat(bad.<String>getAs(QuarantineTable.RAW_RECORD)).isEqualTo(broken);
    assertThat(novemberRows()).isEqualTo(novemberRows);
  }

  /**
   * On the large-input route a run that rejects nothing does not compute its quarantine (the tally of the
   * accepted rows' pass found none rejected), yet it still replaces what an earlier delivery of the file left
   * in quarantine: the corrected file's run leaves no quarantine row of that file, and its rows and total are
   * the whole file's.
   */
  @Test
  void correctedRedeliveryOnTheLargeInputRouteClearsTheQuarantinedRecord() throws IOException {
    List<String> lines = copies(month("2026-07", "2026-08-01"), 4, "j");
    Path file = SparkTestSession.newDirectory("scale-fixed").resolve("cur-2026-07.csv");
    List<String> broken = new ArrayList<>(lines);
    broken.set(2, lines.get(2).substring(0, lines.get(2).indexOf(",USD,")));
    Files.write(file, broken, StandardCharsets.UTF_8);
    PipelineRunner.Result first = run(file, false);
    assertThat(first.reconciled()).isTrue();
    assertThat(first.rowsQuarantined()).isEqualTo(1);
    assertThat(quarantinedRowsOf(file)).isEqualTo(1);

    Files.write(file, lines, StandardCharsets.UTF_8);
    PipelineRunner.Result second = run(file, false);

    assertThat(second.reconciled()).isTrue();
    assertThat(second.rowsOut()).isEqualTo(4L * 39);
    assertThat(second.rowsQuarantined()).isZero();
    assertThat(second.sources()).singleElement().satisfies(r -> {
      assertThat(r.rowsIn()).isEqualTo(4L * 39);
      assertThat(r.quarantinedTotal()).isEqualByComparingTo("0");
      assertThat(r.outputTotal()).isEqualByComparingTo(r.inputTotal());
    });
    assertThat(quarantinedRowsOf(file)).as("the earlier delivery's quarantine row is replaced").isZero();
    String november = totalsByMonth().get("2026-11");
    java.math.BigDecimal novemberTotal = new java.math.BigDecimal(november.substring(november.indexOf(" rows ") + 6));
    assertThat(totalsByMonth()).containsEntry("2026-07",
        4 * 39 + " rows " + novemberTotal.multiply(java.math.BigDecimal.valueOf(4)).toPlainString());
    assertThat(novemberRows()).isEqualTo(novemberRows);
  }

  private static long quarantinedRowsOf(Path file) {
    return warehouse.read(QuarantineTable.TABLE_NAME)
        .where(col(QuarantineTable.SOURCE_FILE).equalTo(file.toString())).count();
  }

  @Test
  void fileWithAThousandNewColumnsReadsAsWithoutThem() throws IOException {
    List<String> august = month("2026-08", "2026-09-01");
    StringBuilder extraHeader = new StringBuilder();
    StringBuilder extraValues = new StringBuilder();
    for (int i = 1; i <= 1000; i++) {
      extraHeader.append(",new_column_").append(i);
      extraValues.append(",v").append(i);
    }
    List<String> wide = new ArrayList<>();
    wide.add(august.get(0) + extraHeader);
    august.subList(1, august.size()).forEach(line -> wide.add(line + extraValues));
    Path dir = SparkTestSession.newDirectory("scale-wide");
    Path file = dir.resolve("cur-2026-08-wide.csv");
    Files.write(file, wide, StandardCharsets.UTF_8);

    PipelineRunner.Result result = run(file);

    assertThat(result.rowsOut()).isEqualTo(39);
    assertThat(result.rowsQuarantined()).isZero();
    assertThat(totalsByMonth()).containsEntry("2026-08", totalsByMonth().get("2026-11"));
    assertThat(novemberRows()).isEqualTo(novemberRows);
  }

  private static Map<String, String> totalsByMonth() {
    Map<String, String> out = new TreeMap<>();
    for (Row r : warehouse.read(CostAndUsageTable.TABLE_NAME)
        .groupBy(date_format(col(FocusColumns.BILLING_PERIOD_START), "yyyy-MM"))
        .agg(org.apache.spark.sql.functions.count("*"), org.apache.spark.sql.functions.sum(col(FocusColumns.BILLED_COST)))
        .collectAsList()) {
      out.put(r.getString(0), r.getLong(1) + " rows " + r.getDecimal(2).toPlainString());
    }
    return out;
  }

  private static byte[] gzip(String text) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
