package io.aifocus.jobs.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

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
 * @param run which of the {@code --repeat} runs of this input and engine (1 for the first or only one)
 */
public record BenchResult(String input, String engine, long rows, long wallMs, long peakHeapBytes, int files,
    int partitions, int maxFilesPerPartition, String check, boolean ok, List<Stage> stages, int run) {

  /** One stage: wall time (Spark jobs' wall time for Spark engines) and Spark's task metrics (null for DuckDB). */
  public record Stage(String name, long wallMs, SparkStageMetrics.Totals spark) {}

  public BenchResult {
    stages = List.copyOf(stages);
  }

  /** The first (or only) run. */
  public BenchResult(String input, String engine, long rows, long wallMs, long peakHeapBytes, int files,
      int partitions, int maxFilesPerPartition, String check, boolean ok, List<Stage> stages) {
    this(input, engine, rows, wallMs, peakHeapBytes, files, partitions, maxFilesPerPartition, check, ok, stages, 1);
  }

  /** This result as run {@code run} of its input and engine. */
  public BenchResult withRun(int run) {
    return new BenchResult(input, engine, rows, wallMs, peakHeapBytes, files, partitions, maxFilesPerPartition, check,
        ok, stages, run);
  }

  /** The runs of {@code input} and {@code engine}, fastest first. */
  public static List<BenchResult> runs(List<BenchResult> results, String input, String engine) {
    return results.stream().filter(r -> r.input().equals(input) && r.engine().equals(engine))
        .sorted(Comparator.comparingLong(BenchResult::wallMs)).toList();
  }

  /** The median of runs sorted fastest first: the faster of the two middle ones for an even number of runs. */
  public static BenchResult middle(List<BenchResult> fastestFirst) {
    return fastestFirst.get((fastestFirst.size() - 1) / 2);
  }

  /**
   * The median run of {@code input} and {@code engine} ({@link #middle}); a failed run when there is one, so that no
   * target is computed over a failure.
   */
  public static Optional<BenchResult> median(List<BenchResult> results, String input, String engine) {
    List<BenchResult> runs = runs(results, input, engine);
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    return runs.stream().filter(r -> !r.ok()).findFirst().or(() -> Optional.of(middle(runs)));
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
