package io.aifocus.jobs;

import java.io.PrintStream;
import java.time.Duration;

/** One progress line per stage on stderr, with elapsed time, so long runs are never silent. */
final class Progress {
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final boolean quiet;

  Progress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  void stage(String format, Object... args) {
    if (!quiet) {
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      out.printf("[aifocus %6.1fs] %s%n", ms / 1000.0, String.format(format, args));
      out.flush();
    }
  }
}
