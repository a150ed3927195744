package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.delta.exceptions.DeltaConcurrentModificationException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries a Delta write that lost an optimistic-concurrency race with another run committing to the same
 * table (Delta's {@code ConcurrentAppendException}, {@code ConcurrentDeleteReadException},
 * {@code MetadataChangedException}, {@code ProtocolChangedException} when two runs create a table at once, ...).
 *
 * <p>Safe because every aifocus write is idempotent by scope: a retried write re-reads the table and replaces
 * exactly its own scope again. Bounded: {@link #MAX_ATTEMPTS} attempts with exponential backoff plus jitter
 * (0.5 s, 1 s, 2 s, 4 s, ...capped at 8 s), each retry logged as a progress line; then the run fails with
 * AIF-9007 naming the table.
 */
final class DeltaRetry {
  static final int MAX_ATTEMPTS = 6;
  private static final long BASE_MILLIS = 500;
  private static final long CAP_MILLIS = 8_000;

  private DeltaRetry() {}

  /** Runs {@code write} (a Delta write to {@code table}), retrying concurrent-commit conflicts. */
  static void write(String table, Progress progress, Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        DeltaConcurrentModificationException conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt == MAX_ATTEMPTS) {
          throw new PipelineException(PipelineErrorCode.CONCURRENT_WRITE_CONFLICT,
              table + ": gave up after " + MAX_ATTEMPTS + " attempts; other runs kept committing to the same rows ("
                  + conflict.getClass().getSimpleName() + "). Run again when they are done.", e);
        }
        long backoff = Math.min(CAP_MILLIS, BASE_MILLIS << (attempt - 1));
        long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        progress.warn("%s: concurrent commit by another run (%s); retry %d/%d in %.1fs",
            table, conflict.getClass().getSimpleName(), attempt, MAX_ATTEMPTS - 1, wait / 1000.0);
        sleep(Duration.ofMillis(wait));
      }
    }
  }

  private static DeltaConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeltaConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException(PipelineErrorCode.STORAGE_FAILURE, "interrupted while waiting to retry a Delta write", e);
    }
  }
}
