package io.aifocus.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: local[2], UI off, loopback, UTC, Delta on. The first Delta operation in a JVM
 * costs ~20 s of warm-up, so every test class shares this session (the CLI commands reuse it unchanged).
 *
 * <p>Test inputs are tiny, so the session is set for few tasks and no re-planning (docs/benchmarks.md "Test-suite
 * time"): one shuffle partition, one partition for Delta's snapshot state, adaptive query execution off (with it,
 * every shuffle stage is its own Spark job). File statistics, checkpoints and everything else stay as in production.
 */
public final class SparkTestSession {
  private static SparkSession session;
  private static Path scratch;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      try {
        scratch = Files.createTempDirectory("aifocus-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SparkSession.Builder builder = SparkSession.builder();
      // as the CLI in local mode (SparkSessions): no forked chmod per created file
      io.aifocus.api.fs.LocalFileSystems.sparkSettings().forEach(builder::config);
      session =
          builder
              .master("local[2]")
              .appName("aifocus-tests")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "1")
              .config("spark.default.parallelism", "2")
              .config("spark.databricks.delta.snapshotPartitions", "1")
              .config("spark.sql.adaptive.enabled", "false")
              // the tests run the same sources again and again in one JVM: keep their compiled classes. Spark keeps
              // the last 100, and one source's run compiles about 110, so each run compiled everything again
              // (docs/benchmarks.md, "Test-suite time")
              .config("spark.sql.codegen.cache.maxEntries", "1000")
              // as the CLI (SparkSessions): the tests run in a non-UTC JVM, where Delta would otherwise rebuild the
              // table state after every commit to check the file list it keeps in its checksum file
              .config("spark.databricks.delta.allFilesInCrc.verificationMode.forceOnNonUTC.enabled", "false")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.datetime.java8API.enabled", "true")
              .config("spark.sql.csv.parser.columnPruning.enabled", "false")
              .config("spark.sql.debug.maxToStringFields", "200")
              // as the CLI (SparkSessions): lower/upper with the JVM's case mapping, not ICU's
              .config("spark.sql.icu.caseMappings.enabled", "false")
              .config("spark.sql.warehouse.dir", scratch.resolve("spark-warehouse").toString())
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
      if (!Boolean.getBoolean("aifocus.keep.scratch")) {
        Runtime.getRuntime().addShutdownHook(new Thread(SparkTestSession::deleteScratch, "aifocus-test-scratch-cleanup"));
      }
    }
    return session;
  }

  /**
   * Removes the scratch area when the test JVM exits, so repeated builds don't fill /tmp (each run leaves tens of
   * MB of Delta tables otherwise). {@code -Daifocus.keep.scratch=true} keeps it for debugging a failed test.
   */
  private static void deleteScratch() {
    try (Stream<Path> paths = Files.walk(scratch)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("aifocus tests: could not delete " + scratch + ": " + e.getMessage());
    }
  }

  /** A fresh directory under the session's scratch area. */
  public static Path newDirectory(String prefix) {
    get();
    try {
      return Files.createTempDirectory(scratch, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project root (where sample-data/ and docs/ live), passed in by surefire. */
  public static Path projectRoot() {
    String root = System.getProperty("aifocus.project.root");
    Path path = root == null ? Path.of("").toAbsolutePath() : Path.of(root);
    while (path != null && !Files.isDirectory(path.resolve("sample-data"))) {
      path = path.getParent();
    }
    if (path == null) {
      throw new IllegalStateException("Cannot find the project root (a directory with sample-data/)");
    }
    return path;
  }

  /** The read-only shared material beside the project ({@code ../shared}). */
  public static Path shared() {
    Path shared = projectRoot().resolveSibling("shared");
    if (!Files.isDirectory(shared)) {
      throw new IllegalStateException("Expected the shared material at " + shared);
    }
    return shared;
  }
}
