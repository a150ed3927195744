package io.aifocus.jobs;

import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The clean run the integration tests compare with: their small config (the CUR 2.0 fixture and the sample gateway
 * log priced from the sample price book) run in-process into a fresh warehouse. ClusterIT and KillAndRerunIT compare
 * with the very same run, so it runs once per test JVM: in the background from the first {@link #start()}, while
 * the IT's child JVMs work. Nothing writes to its warehouse afterwards.
 */
final class CleanReferenceRun {
  /** The run and what its warehouse holds (focus and quarantine rows, that run's pipeline_runs rows). */
  record Clean(PipelineRunner.Result result, TableContents contents) {}

  private static CompletableFuture<Clean> clean;

  private CleanReferenceRun() {}

  /** The config of the ITs' runs, written to {@code file}. */
  static Path writeConfig(Path file) throws IOException {
    Path samples = SparkTestSession.projectRoot().resolve("sample-data");
    return Files.writeString(file, String.join("\n",
        "price-book: " + samples.resolve("llm/price-book.csv"),
        "sources:",
        "  - kind: aws-cur",
        "    path: " + SparkTestSession.projectRoot().resolve(AwsCur2FixtureTest.FIXTURE),
        "  - kind: gateway-log",
        "    path: " + samples.resolve("gateway-log/input"),
        ""));
  }

  /** Starts the clean run in its own thread unless it has started already. */
  static synchronized CompletableFuture<Clean> start() {
    if (clean == null) {
      // the session starts here, not in the run's thread: a session is active in the thread that creates it (and
      // in threads started from there), and Spark code in a thread without an active session uses default SQL
      // settings (e.g. java.sql.Timestamp instead of Instant)
      SparkTestSession.get();
      clean = CompletableFuture.supplyAsync(CleanReferenceRun::run, runnable -> {
        Thread thread = new Thread(runnable, "clean-reference-run");
        thread.setDaemon(true);
        thread.start();
      });
    }
    return clean;
  }

  private static Clean run() {
    Path dir = SparkTestSession.newDirectory("clean-reference");
    JobConfig job;
    try {
      job = JobConfig.fromYaml(writeConfig(dir.resolve("aifocus.yaml")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path warehouseDir = dir.resolve("warehouse");
    Warehouse warehouse = new Warehouse(SparkTestSession.get(), warehouseDir.toString());
    PipelineRunner.Result result = new PipelineRunner(SparkTestSession.get(), warehouse, AwsCurGoldenTest.quietProgress())
        .run(new JobConfig(warehouseDir.toString(), job.sources(), job.teamTagKeys(), job.priceBook()));
    return new Clean(result, TableContents.of(warehouse, result.runId()));
  }

  /** The clean run (started if need be), once it has finished. */
  static Clean get() throws InterruptedException, ExecutionException, TimeoutException {
    return start().get(15, TimeUnit.MINUTES);
  }
}
