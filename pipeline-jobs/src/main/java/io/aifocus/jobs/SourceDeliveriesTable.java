package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code source_deliveries}: one row per billing-period delivery an S3 source read (append-only), so a rerun
 * can skip deliveries whose manifest has not changed.
 */
final class SourceDeliveriesTable {
  static final String TABLE_NAME = "source_deliveries";

  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("source_kind", DataTypes.StringType, false)
      .add("source_path", DataTypes.StringType, false)
      .add("billing_period", DataTypes.StringType, false)
      .add("manifest", DataTypes.StringType, false)
      .add("manifest_sha256", DataTypes.StringType, false)
      .add("files", DataTypes.IntegerType, false)
      .add("recorded_at", DataTypes.TimestampType, false);

  private SourceDeliveriesTable() {}

  /** Per billing period, the manifest SHA-256 of the last recorded delivery of this source. */
  static Map<String, String> lastChecksums(SparkSession spark, Warehouse warehouse, String kind, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!warehouse.exists(TABLE_NAME)) {
      return out;
    }
    for (Row r : warehouse.read(TABLE_NAME)
        .filter(col("source_kind").equalTo(lit(kind)).and(col("source_path").equalTo(lit(path))))
        .groupBy(col("billing_period"))
        .agg(max_by(col("manifest_sha256"), col("recorded_at")))
        .collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /** Appends the deliveries a source read successfully ({@code at}: Instant, the session uses the java8 API). */
  static void record(SparkSession spark, Warehouse warehouse, String runId, String kind, String path,
      List<S3Inputs.Delivery> deliveries, Instant at) {
    if (deliveries.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (S3Inputs.Delivery d : deliveries) {
      rows.add(RowFactory.create(runId, kind, path, d.period(), d.manifest(), d.sha256(), d.files().size(), at));
    }
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode(SaveMode.Append)
        .save(warehouse.path(TABLE_NAME));
  }
}
