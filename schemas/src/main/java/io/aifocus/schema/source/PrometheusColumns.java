package io.aifocus.schema.source;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Raw column names of every Prometheus-format input (sources/prometheus.yaml): one row per sample, labels as a
 * map. Written by the ingest readers, read by GPU allocation.
 */
public final class PrometheusColumns {
  public static final String METRIC = "metric";
  public static final String LABELS = "labels";
  public static final String TIMESTAMP = "timestamp";
  public static final String VALUE = "value";

  private PrometheusColumns() {}

  /** The four sample columns (without the _aif_ bookkeeping columns). */
  public static List<StructField> fields() {
    return List.of(
        DataTypes.createStructField(METRIC, DataTypes.StringType, true),
        DataTypes.createStructField(LABELS, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true),
        DataTypes.createStructField(TIMESTAMP, DataTypes.TimestampType, true),
        DataTypes.createStructField(VALUE, DataTypes.StringType, true));
  }

  public static StructType schema() {
    return DataTypes.createStructType(fields());
  }
}
