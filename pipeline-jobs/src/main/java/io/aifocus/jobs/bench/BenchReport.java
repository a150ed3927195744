package io.aifocus.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Markdown report of one {@code aifocus bench} run: machine, command, results per engine, targets of issue 10,
 * time per stage with Spark's metrics. Written into a file as a section between two HTML comments, replacing the
 * section of the same name when the file has one, else appended.
 */
public final class BenchReport {
  /** A target of issue 10 and what this run measured for it. */
  public record Target(String name, String measured, String status) {}

  private BenchReport() {}

  public static String render(String section, String command, Machine machine, List<BenchResult> results,
      List<Target> targets, List<String> notes) {
    StringBuilder md = new StringBuilder();
    md.append("### ").append(section).append("\n\n");
    md.append("Command: `").append(command).append("`\n\n");
    md.append("| machine | |\n|---|---|\n");
    md.append("| cores (available to the JVM) | ").append(machine.cores()).append(" |\n");
    md.append("| RAM | ").append(mib(machine.ramBytes())).append(" MiB |\n");
    md.append("| JVM | ").append(machine.jvm()).append(" |\n");
    md.append("| max heap (-Xmx) | ").append(mib(machine.maxHeapBytes())).append(" MiB |\n");
    md.append("| Spark | ").append(machine.spark()).append(", master `").append(machine.master()).append("` |\n");
    md.append("| DuckDB | ").append(machine.duckdb()).append(" |\n");
    md.append("| load average (1, 5, 15 min) at start | ").append(machine.loadStart()).append(" |\n");
    md.append("| load average at end | ").append(machine.loadEnd()).append(" |\n");
    md.append("| started (UTC) | ").append(machine.started()).append(" |\n\n");

    int runs = results.stream().mapToInt(BenchResult::run).max().orElse(1);
    md.append("| input | engine | rows | wall s | rows/s | peak heap MiB | files | partitions | max files/partition | check |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (BenchResult r : results) {
      md.append("| ").append(r.input()).append(" | ").append(label(r, runs)).append(" | ").append(r.rows())
          .append(" | ").append(seconds(r.wallMs())).append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.rowsPerSecond()))
          .append(" | ").append(mib(r.peakHeapBytes())).append(" | ").append(r.files()).append(" | ")
          .append(r.partitions()).append(" | ").append(r.maxFilesPerPartition()).append(" | ")
          .append(r.check().replace("|", "\\|")).append(" |\n");
    }
    if (runs > 1) {
      md.append("\n").append(runs).append(" runs of every input and engine, in rounds (each round ran every input and"
          + " engine once, on fresh outputs); the targets below are measured on each engine's median run (for an even"
          + " number of runs, the faster of the two middle ones):\n\n");
      md.append("| input | engine | runs | median wall s | fastest s | slowest s | slowest ÷ fastest |\n");
      md.append("|---|---|---:|---:|---:|---:|---:|\n");
      List<List<String>> keys = results.stream().map(r -> List.of(r.input(), r.engine())).distinct().toList();
      for (List<String> key : keys) {
        List<BenchResult> fastestFirst = BenchResult.runs(results, key.get(0), key.get(1));
        long fastest = fastestFirst.get(0).wallMs();
        long slowest = fastestFirst.get(fastestFirst.size() - 1).wallMs();
        md.append("| ").append(key.get(0)).append(" | ").append(key.get(1)).append(" | ").append(fastestFirst.size())
            .append(" | ").append(seconds(BenchResult.middle(fastestFirst).wallMs())).append(" | ").append(seconds(fastest))
            .append(" | ").append(seconds(slowest)).append(" | ")
            .append(fastest <= 0 ? "" : String.format(Locale.ROOT, "%.2f", (double) slowest / fastest)).append(" |\n");
      }
    }
    if (!targets.isEmpty()) { // the targets are about CUR and reruns: a DCGM-only run has none
      md.append("\n| target (issue 10) | measured | status |\n|---|---|---|\n");
      for (Target t : targets) {
        md.append("| ").append(t.name()).append(" | ").append(t.measured()).append(" | ").append(t.status()).append(" |\n");
      }
    }
    md.append("\nPer stage (Spark engines: wall time of the stage's Spark jobs and their task metrics; the `driver` row is"
        + " the rest of the wall time: planning, Delta log work, listing):\n\n");
    md.append("| input | engine | stage | wall s | jobs | tasks | task run s | task CPU s | GC s | records read | MiB read"
        + " | records written | MiB written | shuffle MiB | spill MiB |\n");
    md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (BenchResult r : results) {
      for (BenchResult.Stage s : r.stages()) {
        SparkStageMetrics.Totals t = s.spark();
        md.append("| ").append(r.input()).append(" | ").append(label(r, runs)).append(" | ").append(s.name()).append(" | ")
            .append(seconds(s.wallMs())).append(" | ");
        if (t == null) {
          md.append("| | | | | | | | | | |\n");
        } else {
          md.append(t.jobs).append(" | ").append(t.tasks).append(" | ").append(seconds(t.executorRunMs)).append(" | ")
              .append(seconds(t.executorCpuNs / 1_000_000)).append(" | ").append(seconds(t.gcMs)).append(" | ")
              .append(t.recordsRead).append(" | ").append(mib(t.bytesRead)).append(" | ").append(t.recordsWritten)
              .append(" | ").append(mib(t.bytesWritten)).append(" | ")
              .append(mib(t.shuffleReadBytes + t.shuffleWriteBytes)).append(" | ").append(mib(t.spilledBytes))
              .append(" |\n");
        }
      }
    }
    if (!notes.isEmpty()) {
      md.append('\n');
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    return md.toString();
  }

  /** Writes {@code body} as section {@code section} of {@code file}: replaced when present, else appended. */
  public static void write(Path file, String section, String body) throws IOException {
    String begin = "<!-- aifocus-bench:begin " + section + " -->";
    String end = "<!-- aifocus-bench:end " + section + " -->";
    String block = begin + "\n" + body + end + "\n";
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    int b = text.indexOf(begin);
    int e = b < 0 ? -1 : text.indexOf(end, b);
    String updated;
    if (b >= 0 && e >= 0) {
      int after = e + end.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      updated = text.substring(0, b) + block + text.substring(after);
    } else {
      updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + block;
    }
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }

  /** The machine a run measured on. */
  public record Machine(int cores, long ramBytes, String jvm, long maxHeapBytes, String spark, String master,
      String duckdb, String loadStart, String loadEnd, String started) {}

  /** The load average as "1m, 5m, 15m" from /proc/loadavg, else the JVM's 1-minute figure. */
  public static String loadAverage() {
    try {
      Path proc = Path.of("/proc/loadavg");
      if (Files.isReadable(proc)) {
        String[] parts = Files.readString(proc).trim().split("\\s+");
        return parts[0] + ", " + parts[1] + ", " + parts[2];
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the JVM's figure
    }
    double one = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", one);
  }

  public static long totalRam() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }

  /** The engine, with its run number when the report holds more than one run of each. */
  static String label(BenchResult r, int runs) {
    return runs > 1 ? r.engine() + " (run " + r.run() + ")" : r.engine();
  }

  static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.2f", ms / 1000.0);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
  }

  static Optional<String> first(List<String> list) {
    return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  static List<String> copy(List<String> l) {
    return new ArrayList<>(l);
  }
}
