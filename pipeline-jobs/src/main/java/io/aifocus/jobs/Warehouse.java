package io.aifocus.jobs;

import io.aifocus.api.GpuUtilizationTable;
import io.aifocus.api.InferenceTokensTable;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.schema.CostAndUsageTable;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The warehouse directory: one Delta table per sub-directory, named like the table. */
final class Warehouse {
  /** Every table aifocus writes, in the order they are listed to users. */
  static final List<String> TABLES =
      List.of(CostAndUsageTable.TABLE_NAME, QuarantineTable.TABLE_NAME, PipelineRunsTable.TABLE_NAME,
          SourceDeliveriesTable.TABLE_NAME, GpuUtilizationTable.TABLE_NAME, InferenceTokensTable.TABLE_NAME,
          CreditsRun.CONTRACT_COMMITMENT_TABLE, CreditsRun.LEDGER_TABLE, CrossRunCostReports.TABLE);

  private final SparkSession spark;
  private final String root;

  Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    String trimmed = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
    this.root = absolute(spark, trimmed);
  }

  /**
   * A relative root ({@code ./warehouse}, the default) made absolute. Delta takes {@code delta.`path`} and a
   * table builder's location as a path only when it is absolute; a relative one fails as an invalid table
   * name. On the local file system it resolves against the working directory (printed as a plain path);
   * on another default file system (HDFS on a cluster) against that file system's working directory.
   */
  static String absolute(SparkSession spark, String root) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root);
    if (path.toUri().getScheme() != null || path.isAbsolute()) {
      return root;
    }
    try {
      org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(spark.sparkContext().hadoopConfiguration());
      if ("file".equals(fs.getUri().getScheme())) {
        return java.nio.file.Path.of(root).toAbsolutePath().normalize().toString();
      }
      return fs.makeQualified(path).toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("warehouse " + root + ": cannot resolve the relative path: " + e.getMessage(), e);
    }
  }

  SparkSession spark() {
    return spark;
  }

  String root() {
    return root;
  }

  String path(String table) {
    return root + "/" + table;
  }

  boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /**
   * The columns Delta keeps file statistics (min/max/null count) for in focus_cost_and_usage: those runs and
   * queries filter on (replaceWhere scopes, the run check, billing and charge periods, accounts, provider,
   * service). Delta's default is the first 32 columns; statistics cost write time per column, and skipping needs
   * them on the filtered columns, so the table names them (docs/benchmarks.md).
   */
  static final List<String> FOCUS_STATS_COLUMNS = List.of(
      io.aifocus.schema.FocusColumns.BILLING_ACCOUNT_ID, io.aifocus.schema.FocusColumns.BILLING_PERIOD_START,
      io.aifocus.schema.FocusColumns.CHARGE_PERIOD_START, io.aifocus.schema.FocusColumns.CHARGE_PERIOD_END,
      io.aifocus.schema.FocusColumns.SUB_ACCOUNT_ID, io.aifocus.schema.FocusColumns.PROVIDER_NAME,
      io.aifocus.schema.FocusColumns.SERVICE_NAME, io.aifocus.schema.ExtensionColumns.SOURCE_KIND,
      io.aifocus.schema.ExtensionColumns.RUN_ID);
  static final String STATS_COLUMNS_PROPERTY = "delta.dataSkippingStatsColumns";

  /** How often, and how long apart, a run looks for the first commit of a table another run is creating. */
  static final int CREATE_WAIT_ATTEMPTS = 20;
  static final long CREATE_WAIT_MILLIS = 500;

  /**
   * Creates focus_cost_and_usage (empty, partitioned by x_Team, x_Model, statistics on {@link #FOCUS_STATS_COLUMNS})
   * when it does not exist yet; columns nullable, as a DataFrame write would create them.
   *
   * <p>Two runs may create the table at once (concurrent runs of different periods into a new warehouse). The
   * first makes {@code _delta_log} before its first commit, and in that moment Delta's table builder fails the
   * second with DELTA_TABLE_NOT_FOUND. The second then waits for that commit ({@link #CREATE_WAIT_ATTEMPTS} ×
   * {@link #CREATE_WAIT_MILLIS} ms) and uses the table; a {@code _delta_log} that stays without a commit (a run
   * stopped while creating the table) fails the run with AIF-9007 naming the directory.
   */
  void createFocusTableIfAbsent(org.apache.spark.sql.types.StructType schema) {
    String table = CostAndUsageTable.TABLE_NAME;
    org.apache.spark.sql.types.StructType nullable = new org.apache.spark.sql.types.StructType();
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      nullable = nullable.add(new org.apache.spark.sql.types.StructField(f.name(), f.dataType(), true, f.metadata()));
    }
    for (int attempt = 1; !exists(table); attempt++) {
      try {
        DeltaTable.createIfNotExists(spark)
            .location(path(table))
            .addColumns(nullable)
            .partitionedBy(CostAndUsageTable.PARTITION_COLUMNS.toArray(String[]::new))
            .property(STATS_COLUMNS_PROPERTY, String.join(",", FOCUS_STATS_COLUMNS))
            .execute();
        return;
      } catch (Exception e) { // Delta's AnalysisException is checked in Java's eyes
        if (exists(table)) {
          return; // the other run's first commit landed meanwhile
        }
        if (!logDirectoryExists(table)) {
          throw e instanceof RuntimeException r ? r
              : new PipelineException(PipelineErrorCode.STORAGE_FAILURE, path(table) + ": " + e.getMessage(), e);
        }
        if (attempt == CREATE_WAIT_ATTEMPTS) {
          throw new PipelineException(PipelineErrorCode.CONCURRENT_WRITE_CONFLICT, path(table) + "/_delta_log holds no"
              + " commit after " + CREATE_WAIT_ATTEMPTS * CREATE_WAIT_MILLIS / 1000 + " s: another run is still"
              + " creating the table, or a run stopped while creating it (then remove that empty directory)", e);
        }
        try {
          Thread.sleep(CREATE_WAIT_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new PipelineException(PipelineErrorCode.CONCURRENT_WRITE_CONFLICT, path(table) + ": interrupted", interrupted);
        }
      }
    }
  }

  private boolean logDirectoryExists(String table) {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path(table), "_delta_log");
    try {
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /** Registers every existing table as a temporary view named like the table; returns the names. */
  List<String> registerViews() {
    List<String> registered = new ArrayList<>();
    for (String table : new java.util.LinkedHashSet<>(concat(TABLES, Analytics.TABLES))) {
      if (exists(table)) {
        read(table).createOrReplaceTempView(table);
        registered.add(table);
      }
    }
    return registered;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
