package io.aifocus.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a CLI run: Delta on, UTC, Java 8 time API; local mode unless told otherwise. A session
 * already running in the JVM is returned unchanged.
 */
final class SparkSessions {
  static final String DEFAULT_MASTER = "local[*]";
  static final String ICU_CASE_MAPPINGS = "spark.sql.icu.caseMappings.enabled";
  static final String DELTA_FORCE_VERIFY_NON_UTC = "spark.databricks.delta.allFilesInCrc.verificationMode.forceOnNonUTC.enabled";

  private SparkSessions() {}

  /**
   * @param master null to keep what spark-submit set (or local mode when nothing was set)
   */
  static SparkSession create(String master) {
    // a session already running in this JVM (the shared session of the tests, an embedding application) is used as
    // it is: getOrCreate would otherwise set the builder's SQL options on it (shuffle partitions, ...) and change it
    // for everything else that session runs
    scala.Option<SparkSession> running = SparkSession.getActiveSession();
    if (running.isEmpty()) {
      running = SparkSession.getDefaultSession();
    }
    if (running.isDefined() && !running.get().sparkContext().isStopped()) {
      return running.get();
    }
    SparkConf conf = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName("aifocus");
    if (master != null) {
      builder.master(master);
    } else if (!conf.contains("spark.master")) {
      builder.master(DEFAULT_MASTER);
    }
    boolean local = master == null ? conf.get("spark.master", DEFAULT_MASTER).startsWith("local") : master.startsWith("local");
    builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.debug.maxToStringFields", "200")
        // malformed CSV records must be detected the same way by every query (see RawColumns)
        .config("spark.sql.csv.parser.columnPruning.enabled", "false");
    if (!conf.contains(ICU_CASE_MAPPINGS)) {
      // lower()/upper() with the JVM's case mapping: the first ICU case mapping in a JVM loads ICU's data, 3-4 s in
      // the first task that lowers a string, in every run (docs/benchmarks.md, change 16)
      builder.config(ICU_CASE_MAPPINGS, "false");
    }
    if (!conf.contains(DELTA_FORCE_VERIFY_NON_UTC)) {
      // Delta keeps a small table's file list in its checksum file and, in a JVM whose time zone is not UTC, checks
      // it after every commit by rebuilding the table state: a Spark job per commit. Delta forces that check only
      // outside UTC; aifocus sessions run in UTC and partition every table by strings.
      builder.config(DELTA_FORCE_VERIFY_NON_UTC, "false");
    }
    if (local) {
      // small-machine defaults; a cluster keeps its own settings
      if (!conf.contains("spark.ui.enabled")) {
        builder.config("spark.ui.enabled", "false");
      }
      if (!conf.contains("spark.sql.shuffle.partitions")) {
        builder.config("spark.sql.shuffle.partitions", "4");
      }
      if (!conf.contains("spark.databricks.delta.snapshotPartitions")) {
        builder.config("spark.databricks.delta.snapshotPartitions", "2");
      }
      // files and directories created without a forked chmod per path (docs/architecture.md, "Local files")
      io.aifocus.api.fs.LocalFileSystems.sparkSettings().forEach((key, value) -> {
        if (!conf.contains(key)) {
          builder.config(key, value);
        }
      });
      if (!conf.contains("spark.driver.host") && System.getenv("SPARK_LOCAL_IP") == null) {
        builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
      }
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
