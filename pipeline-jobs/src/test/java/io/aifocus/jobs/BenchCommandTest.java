package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.CsvRecords;
import io.aifocus.api.SparkTestSession;
import io.aifocus.jobs.bench.BenchData;
import io.aifocus.jobs.bench.BenchReport;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aifocus bench} end to end on a small input, and the report's section handling. No timed assertion. */
class BenchCommandTest {
  @Test
  void benchRunsAllThreeEnginesAndTheAifocusRunReconcilesExactly() throws Exception {
    SparkTestSession.get();
    Path work = SparkTestSession.newDirectory("bench");
    Path report = work.resolve("report.md");
    Files.writeString(report, "# Benchmarks\n\nkept text\n", StandardCharsets.UTF_8);
    CliTest.Call call = CliTest.cli("bench", "--rows", "2000", "--seed", "5", "--inputs", "cur-csv",
        "--work", work.resolve("w").toString(), "--report", report.toString(), "--section", "test run", "-q");
    assertThat(call.exit()).as(call.out() + call.err()).isZero();

    // the generator's total, computed here independently from the file's cells
    Path csv = work.resolve("w/data/cur-legacy.csv");
    BigDecimal sum = CsvRecords.read(csv).stream().map(r -> new BigDecimal(r.get("lineItem/UnblendedCost")))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    String total = sum.stripTrailingZeros().toPlainString();
    String md = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(md)
        .startsWith("# Benchmarks\n\nkept text\n")
        .contains("<!-- aifocus-bench:begin test run -->").contains("<!-- aifocus-bench:end test run -->")
        .contains("| cores (available to the JVM) | ").contains("| load average (1, 5, 15 min) at start | ")
        .contains("| cur-csv | aifocus | 2000 | ")
        .contains("| cur-csv | aifocus rerun | 2000 | ")
        .contains("| cur-csv | spark floor | 2000 | ")
        .contains("| cur-csv | duckdb | 2000 | ")
        .contains("exact: rows in 2000 = out 2000 + quarantined 0; Σ " + total + " = generated Σ " + total)
        .contains("exact: 2000 row(s) in the table")
        .contains("exact: 2000 row(s) in the files")
        .contains("| CUR CSV: aifocus rows/s ≥ 70% of the engine floor's | ")
        .contains("| cur-csv: rerun of an unchanged period ≤ 10% of the first run | ")
        .contains("| 10M CUR rows with a 4 GiB driver heap, no failure | 2,000 rows")
        // the pipeline's stages, labelled in PipelineRunner, with Spark's task metrics
        .contains("| cur-csv | aifocus | input totals (read + parse + cache) | ")
        .contains("| cur-csv | aifocus | write focus | ")
        .contains("| cur-csv | duckdb | read + project + write | ")
        .containsPattern("warm-up before the engines: a 1000-row partitioned Delta write, a replaceWhere overwrite and"
            + " a read, \\d+\\.\\d s;")
        .contains("sha256 " + BenchData.curCsv(work.resolve("again.csv"), 2000, 5).sha256());
  }

  @Test
  void gpuInputsParseEverySampleAndAllocateEveryNodeHourToTheCent() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path work = SparkTestSession.newDirectory("bench-dcgm");
    Path report = work.resolve("report.md");
    // the default engines: DuckDB does not apply to Prometheus text, nor the floor and DuckDB to a split: reported,
    // not a failure. 10 GPUs: a node of 8 and one of 2.
    CliTest.Call call = CliTest.cli("bench", "--inputs", "dcgm,gpu-cluster", "--gpus", "10", "--days", "1", "--seed", "5",
        "--work", work.resolve("w").toString(), "--report", report.toString(), "-q");
    assertThat(call.exit()).as(call.out() + call.err()).isZero();
    String md = Files.readString(report, StandardCharsets.UTF_8);
    // 10 GPUs × 2,880 samples a day; kube-state-metrics every minute: 2 nodes × 3 series + 10 pods × 2 series
    long samples = 10 * 2_880;
    long ksm = 1_440 * (2 * 3 + 10 * 2);
    // every node-hour's price: its GPUs × 12.29, for 24 hours
    BigDecimal total = new BigDecimal("12.29").multiply(BigDecimal.valueOf(10 * 24)).stripTrailingZeros();
    assertThat(md)
        // --rows sizes only the CUR and gateway inputs, so the command line leaves it out
        .contains("Command: `aifocus bench --seed 5 --inputs dcgm,gpu-cluster --engines aifocus,spark,duckdb --gpus 10 --days 1`")
        .contains("| dcgm | duckdb | " + samples + " | 0.00 | 0 | 0 | 0 | 0 | 0 | skipped: DuckDB has no Prometheus text reader |")
        // every sample parsed and written by the Prometheus reader
        .contains("| dcgm | aifocus | " + samples + " | ").contains("exact: " + samples + " sample row(s) parsed")
        .contains("exact: " + (samples + 2) + " row(s) in the table")
        // the whole allocation: one origin charge per node-hour, one allocated row per pod-hour, Σ to the cent
        .contains("| gpu-cluster | aifocus | " + (samples + ksm) + " | ")
        .contains("exact: node-hours 48 = origin charges 48 → 240 allocated row(s); Σ allocated " + total.toPlainString()
            + " = Σ origins " + total.toPlainString() + " = generated Σ " + total.toPlainString())
        .contains("| gpu-cluster | aifocus rerun | ").contains("| gpu-cluster | spark floor | " + (samples + ksm) + " | 0.00 | ")
        .contains("| gpu-cluster | aifocus | parse metrics + split | ").contains("| gpu-cluster | aifocus | write focus | ")
        .contains("| gpu-cluster: rerun of an unchanged period ≤ 10% of the first run | ")
        .contains(String.format(java.util.Locale.ROOT, "input gpu-cluster: kube-state-metrics.prom, %,d record(s)", ksm))
        .doesNotContain("CUR");

    // what the allocation wrote: every node-hour's rows sum to that node's price (8 or 2 GPUs × 12.29)
    Dataset<Row> focus = spark.read().format("delta").load(work.resolve("w/aifocus-gpu-cluster/warehouse/focus_cost_and_usage").toString());
    List<Row> perOrigin = focus.groupBy(col(FocusColumns.RESOURCE_NAME), col(FocusColumns.CHARGE_PERIOD_START))
        .agg(sum(col(FocusColumns.BILLED_COST)), count(lit(1))).collectAsList();
    assertThat(perOrigin).hasSize(48);
    for (Row r : perOrigin) {
      boolean full = r.getString(0).equals("gpu-node-0");
      assertThat(r.getDecimal(2)).as(r.toString()).isEqualByComparingTo(full ? "98.32" : "24.58");
      assertThat(r.getLong(3)).as(r.toString()).isEqualTo(full ? 8 : 2);
    }
  }

  @Test
  void repeatedRunsAreEachListedAndTheTargetsUseTheMedianRun() throws Exception {
    SparkTestSession.get();
    Path work = SparkTestSession.newDirectory("bench-repeat");
    CliTest.Call zero = CliTest.cli("bench", "--repeat", "0", "--work", work.resolve("z").toString(), "-q");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("--repeat must be 1 or more, not 0");

    Path report = work.resolve("report.md");
    CliTest.Call call = CliTest.cli("bench", "--rows", "300", "--seed", "7", "--inputs", "cur-csv",
        "--engines", "aifocus,spark", "--repeat", "3", "--no-rerun", "--work", work.resolve("w").toString(),
        "--report", report.toString(), "--section", "repeat", "-q");
    assertThat(call.exit()).as(call.out() + call.err()).isZero();
    String md = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(md).contains("Command: `aifocus bench --rows 300 --seed 7 --inputs cur-csv --engines aifocus,spark"
        + " --no-rerun --repeat 3`");

    // every run on fresh outputs: each one reconciles and writes the 300 rows again (a run over the previous run's
    // warehouse would find the period unchanged and skip)
    List<String> lines = md.lines().toList();
    double[] aifocus = new double[3];
    double[] floor = new double[3];
    java.util.Map<Double, String> aifocusRate = new java.util.HashMap<>();
    java.util.Map<Double, String> floorRate = new java.util.HashMap<>();
    for (int run = 1; run <= 3; run++) {
      String a = only(lines, "| cur-csv | aifocus (run " + run + ") | 300 | ");
      String f = only(lines, "| cur-csv | spark floor (run " + run + ") | 300 | ");
      assertThat(a).contains("| exact: rows in 300 = out 300 + quarantined 0; Σ ");
      assertThat(f).contains("| exact: 300 row(s) in the table |");
      aifocus[run - 1] = Double.parseDouble(a.split("\\|")[4].trim());
      floor[run - 1] = Double.parseDouble(f.split("\\|")[4].trim());
      aifocusRate.put(aifocus[run - 1], a.split("\\|")[5].trim());
      floorRate.put(floor[run - 1], f.split("\\|")[5].trim());
      assertThat(md).contains("| cur-csv | aifocus (run " + run + ") | write focus | ");
    }
    java.util.Arrays.sort(aifocus);
    java.util.Arrays.sort(floor);
    assertThat(md).contains(String.format(java.util.Locale.ROOT, "| cur-csv | aifocus | 3 | %.2f | %.2f | %.2f | ",
        aifocus[1], aifocus[0], aifocus[2]));
    assertThat(md).contains(String.format(java.util.Locale.ROOT, "| cur-csv | spark floor | 3 | %.2f | %.2f | %.2f | ",
        floor[1], floor[0], floor[2]));
    // the CSV target over the two median runs' rows/s
    String target = only(lines, "| CUR CSV: aifocus rows/s ≥ 70% of the engine floor's | ");
    assertThat(target).contains("(" + aifocusRate.get(aifocus[1]) + " vs " + floorRate.get(floor[1]) + " rows/s)");
  }

  private static String only(List<String> lines, String prefix) {
    List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
    assertThat(found).as(prefix).hasSize(1);
    return found.get(0);
  }

  @Test
  void reportSectionsAreReplacedByNameAndAppendedOtherwise(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("b.md");
    BenchReport.write(file, "one", "first\n");
    BenchReport.write(file, "two", "second\n");
    BenchReport.write(file, "one", "third\n");
    assertThat(Files.readString(file)).isEqualTo("<!-- aifocus-bench:begin one -->\nthird\n<!-- aifocus-bench:end one -->\n"
        + "\n<!-- aifocus-bench:begin two -->\nsecond\n<!-- aifocus-bench:end two -->\n");
  }
}
