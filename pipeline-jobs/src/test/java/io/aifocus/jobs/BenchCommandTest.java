package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.CsvRecords;
import io.aifocus.api.SparkTestSession;
import io.aifocus.jobs.bench.BenchData;
import io.aifocus.jobs.bench.BenchReport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
  void dcgmOnlyRunParsesEverySampleAndItsReportHasNoCurTargets() throws Exception {
    SparkTestSession.get();
    Path work = SparkTestSession.newDirectory("bench-dcgm");
    Path report = work.resolve("report.md");
    // the default engines: DuckDB does not apply to Prometheus text, which is reported and not a failure
    CliTest.Call call = CliTest.cli("bench", "--inputs", "dcgm", "--gpus", "8", "--days", "1", "--seed", "5",
        "--work", work.resolve("w").toString(), "--report", report.toString(), "-q");
    assertThat(call.exit()).as(call.out() + call.err()).isZero();
    String md = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(md)
        // --rows sizes only the CUR and gateway inputs, so the command line leaves it out
        .contains("Command: `aifocus bench --seed 5 --inputs dcgm --engines aifocus,spark,duckdb --gpus 8 --days 1`")
        .contains("| dcgm | duckdb | 23040 | 0.00 | 0 | 0 | 0 | 0 | 0 | skipped: DuckDB has no Prometheus text reader |")
        // 8 GPUs × 2,880 samples a day, every one parsed and written by the Prometheus reader
        .contains("| dcgm | aifocus | 23040 | ").contains("exact: 23040 sample row(s) parsed")
        .contains("exact: 23042 row(s) in the table")
        .doesNotContain("| target (issue 10) |");
  }

  @Test
  void reportSectionsAreReplacedByNameAndAppendedOtherwise() throws Exception {
    Path file = Files.createTempDirectory("bench-report").resolve("b.md");
    BenchReport.write(file, "one", "first\n");
    BenchReport.write(file, "two", "second\n");
    BenchReport.write(file, "one", "third\n");
    assertThat(Files.readString(file)).isEqualTo("<!-- aifocus-bench:begin one -->\nthird\n<!-- aifocus-bench:end one -->\n"
        + "\n<!-- aifocus-bench:begin two -->\nsecond\n<!-- aifocus-bench:end two -->\n");
  }
}
