package io.aifocus.jobs;

import java.io.PrintStream;
import java.time.Duration;

/**
 * One progress line per stage on stderr, so long runs are never silent: the time since the run started, the
 * time the stage took (since the previous line) and what it did, e.g.
 * {@code [aifocus   14.2s +3.1s] aws-cur: wrote focus_cost_and_usage (...)}. Schedulers keep stderr, so the
 * lines are the run's log; {@code -q} turns them off but never the warnings.
 */
final class Progress {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private long last = start;
  private final boolean quiet;

  Progress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  void stage(String format, Object... args) {
    if (!quiet) {
      print("", format, args);
    }
  }

  /** A line printed even in quiet mode: something the operator should know (a retried write). */
  void warn(String format, Object... args) {
    print("WARN ", format, args);
  }

  private synchronized void print(String prefix, String format, Object... args) {
    long now = System.nanoTime();
    long total = Duration.ofNanos(now - start).toMillis();
    long stage = Duration.ofNanos(now - last).toMillis();
    last = now;
    out.printf("[aifocus %6.1fs +%.1fs] %s%s%n", total / 1000.0, stage / 1000.0, prefix, String.format(format, args));
    out.flush();
  }
}
