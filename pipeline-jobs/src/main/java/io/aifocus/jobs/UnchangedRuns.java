package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;

import io.aifocus.api.PipelineRunsTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Unchanged reruns (docs/operations.md): a successful run records its {@link RunFingerprint} and the Delta
 * versions of the data tables it left in {@code source_deliveries} (source_kind {@value #KIND}). A later run with
 * the same fingerprint over tables still at those versions would compute the same rows, so it skips: it copies the
 * earlier run's pipeline_runs rows under its own run id with status SKIPPED and rewrites nothing. Any write to a
 * data table in between (another run, a killed run's partial commit, a manual change) changes a version and the
 * run rewrites as usual.
 */
final class UnchangedRuns {
  /** source_kind of the run rows in source_deliveries. */
  static final String KIND = "run";
  static final String SKIPPED = "SKIPPED";

  private UnchangedRuns() {}

  /** The earlier run with this fingerprint whose recorded table versions are the current ones, if any. */
  static Optional<String> unchangedSince(SparkSession spark, Warehouse warehouse, RunFingerprint.Fingerprint fingerprint) {
    if (!warehouse.exists(SourceDeliveriesTable.TABLE_NAME)) {
      return Optional.empty();
    }
    List<Row> last = warehouse.read(SourceDeliveriesTable.TABLE_NAME)
        .where(col("source_kind").equalTo(lit(KIND)).and(col("manifest_sha256").equalTo(lit(fingerprint.sha256()))))
        .agg(max_by(col("run_id"), col("recorded_at")), max_by(col("manifest"), col("recorded_at")))
        .collectAsList();
    if (last.isEmpty() || last.get(0).isNullAt(0)) {
      return Optional.empty();
    }
    return tableVersions(spark, warehouse).equals(last.get(0).getString(1)) ? Optional.of(last.get(0).getString(0))
        : Optional.empty();
  }

  /** Records a successful run's fingerprint with the table versions it left. */
  static void record(SparkSession spark, Warehouse warehouse, Progress progress, String runId, RunFingerprint.Fingerprint fingerprint, Instant at) {
    Row row = RowFactory.create(runId, KIND, "(all inputs of the run)", "(run scope)", tableVersions(spark, warehouse),
        fingerprint.sha256(), fingerprint.files(), at);
    DeltaRetry.write(SourceDeliveriesTable.TABLE_NAME, progress, () -> spark.createDataFrame(List.of(row), SourceDeliveriesTable.SCHEMA)
        .write().format("delta").mode(SaveMode.Append).save(warehouse.path(SourceDeliveriesTable.TABLE_NAME)));
  }

  /**
   * A skipped run: the earlier run's pipeline_runs rows again under {@code runId}, status SKIPPED (their counts and
   * totals describe the tables as they stay), and the fingerprint recorded for {@code runId}.
   */
  static void recordSkip(SparkSession spark, Warehouse warehouse, Progress progress, String runId, String previous,
      RunFingerprint.Fingerprint fingerprint, Instant startedAt) {
    Dataset<Row> rows = warehouse.read(PipelineRunsTable.TABLE_NAME)
        .where(col(PipelineRunsTable.RUN_ID).equalTo(lit(previous)))
        .withColumn(PipelineRunsTable.RUN_ID, lit(runId))
        .withColumn(PipelineRunsTable.STARTED_AT, lit(Timestamp.from(startedAt)))
        .withColumn(PipelineRunsTable.DURATION_MS, lit(0L))
        .withColumn(PipelineRunsTable.STATUS, lit(SKIPPED))
        .withColumn(PipelineRunsTable.MESSAGE, lit("inputs, configuration and tables unchanged since run " + previous
            + ": nothing rewritten; counts as recorded then"));
    List<Row> copied = rows.collectAsList();
    DeltaRetry.write(PipelineRunsTable.TABLE_NAME, progress, () -> spark.createDataFrame(copied, rows.schema())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(warehouse.path(PipelineRunsTable.TABLE_NAME)));
    record(spark, warehouse, progress, runId, fingerprint, startedAt);
  }

  /**
   * The table's latest version: the highest commit file {@code _delta_log/<version>.json} (a listing, no Spark job;
   * Delta's versions are exactly those file names).
   */
  static long latestVersion(SparkSession spark, String table) {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(table, "_delta_log");
    try {
      org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      long latest = -1;
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (name.length() == 25 && name.endsWith(".json") && name.substring(0, 20).chars().allMatch(Character::isDigit)) {
          latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
        }
      }
      return latest;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(table + ": cannot list the Delta log", e);
    }
  }

  /** {@code table@version} of every data table that exists (not pipeline_runs and source_deliveries: run records). */
  static String tableVersions(SparkSession spark, Warehouse warehouse) {
    StringJoiner out = new StringJoiner(",");
    for (String table : Warehouse.TABLES) {
      if (table.equals(PipelineRunsTable.TABLE_NAME) || table.equals(SourceDeliveriesTable.TABLE_NAME)
          || !warehouse.exists(table)) {
        continue;
      }
      out.add(table + "@" + latestVersion(spark, warehouse.path(table)));
    }
    return out.toString();
  }
}
