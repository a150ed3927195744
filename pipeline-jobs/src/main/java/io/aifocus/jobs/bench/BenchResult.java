package io.aifocus.jobs.bench;

import java.util.List;

/**
 * One engine's run over one input: end-to-end wall time, peak heap, files written and the check of its output,
 * with the time per stage.
 *
 * @param input the input name (cur-csv, cur-parquet, gateway-log, dcgm)
 * @param engine aifocus, aifocus (rerun), spark floor, duckdb
 * @param rows input records (CUR lines, requests, samples)
 * @param files data files written (0 when the engine failed or was skipped)
 * @param partitions partition directories written
 * @param maxFilesPerPartition the largest number of files in one partition
 * @param check what the output check found (e.g. "exact: ...") or why the run failed or was skipped
 * @param ok false when the engine failed or its check did not hold (true for an engine that does not apply)
 */
public record BenchResult(String input, String engine, long rows, long wallMs, long peakHeapBytes, int files,
    int partitions, int maxFilesPerPartition, String check, boolean ok, List<Stage> stages) {

  /** One stage: wall time (Spark jobs' wall time for Spark engines) and Spark's task metrics (null for DuckDB). */
  public record Stage(String name, long wallMs, SparkStageMetrics.Totals spark) {}

  public BenchResult {
    stages = List.copyOf(stages);
  }

  public double rowsPerSecond() {
    return wallMs <= 0 ? 0 : rows * 1000.0 / wallMs;
  }

  /** An engine that does not apply to the input (DuckDB has no Prometheus reader): reported, not a failure. */
  public static BenchResult notApplicable(String input, String engine, long rows, String why) {
    return new BenchResult(input, engine, rows, 0, 0, 0, 0, 0, why, true, List.of());
  }

  public static BenchResult failed(String input, String engine, long rows, long wallMs, long peak, String why) {
    return new BenchResult(input, engine, rows, wallMs, peak, 0, 0, 0, why, false, List.of());
  }
}
