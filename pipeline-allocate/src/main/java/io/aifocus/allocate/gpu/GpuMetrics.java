package io.aifocus.allocate.gpu;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_contains_key;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.RawColumns;
import io.aifocus.schema.source.PrometheusColumns;
import java.time.Duration;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns Prometheus samples (sources/prometheus.yaml) into GPU time: each sample of a series covers the time
 * until the next sample of the same series, but at most 1.5 sampling intervals (a longer gap is missing data,
 * not usage); the last sample covers one interval. Covered time is cut at hour boundaries, so every piece
 * belongs to one hour (the charge period of the node charges). Pure transformations.
 */
public final class GpuMetrics {
  public static final String NODE = "node";
  public static final String NAMESPACE = "namespace";
  public static final String POD = "pod";
  public static final String HOUR_START = "hour_start";
  public static final String V = "v";
  public static final String T = "t";
  public static final String MS = "ms";
  static final long HOUR_MS = 3_600_000L;
  static final long DEFAULT_INTERVAL_MS = 60_000L;

  /** Units of one count of a Kubernetes extended resource ({@link GpuUnits#ofResource}); null for non-GPU resources. */
  static final UserDefinedFunction RESOURCE_UNITS = functions.udf(
      (UDF1<String, Integer>) r -> GpuUnits.ofResource(r).orElse(null), DataTypes.IntegerType);
  /** Units of one MIG instance of a profile ({@link GpuUnits#ofProfile}); a whole GPU when there is no profile. */
  static final UserDefinedFunction PROFILE_UNITS = functions.udf(
      (UDF1<String, Integer>) p -> p == null || p.isBlank() ? GpuUnits.PER_GPU : GpuUnits.ofProfile(p).orElse(GpuUnits.PER_GPU),
      DataTypes.IntegerType);

  private GpuMetrics() {}

  /** Good samples only, value parsed (NaN, ±Inf and unparsable values are no sample), time in epoch ms. */
  public static Dataset<Row> samples(Dataset<Row> raw) {
    return raw.where(col(RawColumns.CORRUPT_RECORD).isNull())
        .withColumn(V, col(PrometheusColumns.VALUE).try_cast(DataTypes.createDecimalType(38, 12)))
        .where(col(V).isNotNull())
        .withColumn(T, unix_millis(col(PrometheusColumns.TIMESTAMP)));
  }

  public static Column label(String name) {
    return nullif(col(PrometheusColumns.LABELS).getItem(name), lit(""));
  }

  /** A label whose value may be empty (an empty pod label means an idle GPU, not a missing label). */
  static Column rawLabel(String name) {
    return col(PrometheusColumns.LABELS).getItem(name);
  }

  /**
   * The sampling interval: configured, else the smallest positive gap between two samples of one series (one
   * small aggregation), else 60 s.
   */
  public static long intervalMs(Dataset<Row> samples, Column[] series, Optional<Duration> configured) {
    if (configured.isPresent()) {
      return configured.get().toMillis();
    }
    WindowSpec w = Window.partitionBy(series).orderBy(col(T));
    Row r = samples.select(col(T).minus(lag(col(T), 1).over(w)).as("gap"))
        .where(col("gap").gt(0)).agg(min(col("gap"))).first();
    return r.isNullAt(0) ? DEFAULT_INTERVAL_MS : Math.min(HOUR_MS, r.getLong(0));
  }

  /** Adds {@link #HOUR_START} and {@link #MS} (covered milliseconds in that hour); a sample can give two rows. */
  public static Dataset<Row> pieces(Dataset<Row> samples, Column[] series, long intervalMs) {
    WindowSpec w = Window.partitionBy(series).orderBy(col(T));
    Column gap = lead(col(T), 1).over(w).minus(col(T));
    Column duration = when(gap.isNull().or(gap.gt(lit(intervalMs * 3 / 2))), lit(intervalMs)).otherwise(gap);
    Column hour = col(T).minus(pmod(col(T), lit(HOUR_MS)));
    Column end = col(T).plus(col("_dur"));
    Column next = col("_h").plus(lit(HOUR_MS));
    return samples.withColumn("_dur", duration).withColumn("_h", hour)
        .withColumn("_piece", explode(functions.array(
            struct(col("_h").as("h"), least(end, next).minus(col(T)).as("ms")),
            struct(next.as("h"), greatest(end.minus(next), lit(0L)).as("ms")))))
        .where(col("_piece.ms").gt(0))
        .withColumn(HOUR_START, timestamp_millis(col("_piece.h")))
        .withColumn(MS, col("_piece.ms"))
        .drop("_dur", "_h", "_piece");
  }

  /** The hour a sample falls in. */
  static Column hourOf(Column timestamp) {
    return date_trunc("hour", timestamp);
  }

  /** DCGM node name: hostname (current exporters), Hostname (released versions), else a relabelled node label. */
  public static Column dcgmNode() {
    return coalesce(label("hostname"), label("Hostname"), label("node"), label("kubernetes_node"));
  }

  /** DCGM GPU: UUID (uuid in old-namespace mode), else the index. */
  public static Column dcgmGpu() {
    return coalesce(label("UUID"), label("uuid"), label("gpu"));
  }

  /**
   * The workload's label on a DCGM series: {@code exported_<name>} when Prometheus renamed a colliding target
   * label (then the plain label names the exporter's own pod), else the plain label; empty = idle GPU.
   */
  public static Column dcgmWorkloadLabel(String name) {
    Column labels = col(PrometheusColumns.LABELS);
    return nullif(when(map_contains_key(labels, "exported_" + name), rawLabel("exported_" + name)).otherwise(rawLabel(name)), lit(""));
  }

  /** Latest labels per key (the sample with the greatest time). */
  static Column latest(Column value) {
    return max_by(value, col(T));
  }
}
