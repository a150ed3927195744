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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

  /** The label keys the allocation reads from kube-state-metrics samples. */
  public static final List<String> KUBE_STATE_LABEL_KEYS =
      List.of("node", "resource", "namespace", "pod", "uid", "container", "provider_id");
  /** The label keys the allocation reads from DCGM samples ({@link #dcgmNode}, {@link #dcgmGpu}, {@link #dcgmWorkloadLabel}, MIG). */
  public static final List<String> DCGM_LABEL_KEYS = List.of("hostname", "Hostname", "node", "kubernetes_node", "UUID",
      "uuid", "gpu", "GPU_I_ID", "GPU_I_PROFILE", "exported_namespace", "namespace", "exported_pod", "pod");
  /** The label keys the allocation reads from vLLM samples. */
  static final List<String> VLLM_LABEL_KEYS =
      List.of("namespace", "kubernetes_namespace", "pod", "kubernetes_pod_name", "model_name");
  private static final Set<String> LABEL_KEYS = Stream.of(KUBE_STATE_LABEL_KEYS, DCGM_LABEL_KEYS, VLLM_LABEL_KEYS)
      .flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
  private static final String LABEL_COLUMN_PREFIX = "_aif_label_";

  static {
    // Spark resolves column names without regard to case: Hostname and hostname need two distinct names
    if (LABEL_KEYS.stream().map(k -> labelColumn(k).toLowerCase(Locale.ROOT)).distinct().count() != LABEL_KEYS.size()) {
      throw new IllegalStateException("two label keys share a column name: " + LABEL_KEYS);
    }
  }

  /** The column a label key is kept in: an upper-case letter is written as '^' and the letter in lower case. */
  static String labelColumn(String key) {
    StringBuilder name = new StringBuilder(LABEL_COLUMN_PREFIX);
    key.chars().forEach(c -> {
      if (Character.isUpperCase(c)) {
        name.append('^').append((char) Character.toLowerCase(c));
      } else {
        name.append((char) c);
      }
    });
    return name.toString();
  }

  /** Good samples only, value parsed (NaN, ±Inf and unparsable values are no sample), time in epoch ms. */
  public static Dataset<Row> samples(Dataset<Row> raw) {
    return withLabelColumns(raw, LABEL_KEYS).where(col(RawColumns.CORRUPT_RECORD).isNull())
        .withColumn(V, col(PrometheusColumns.VALUE).try_cast(DataTypes.createDecimalType(38, 12)))
        .where(col(V).isNotNull())
        .withColumn(T, unix_millis(col(PrometheusColumns.TIMESTAMP)));
  }

  /**
   * Raw samples with the labels {@code keys} read out of the label map into columns, once. Looking a key up in the
   * map walks its entries and makes a string of each key it compares, and the allocation reads the same few labels
   * of every sample in several passes: 27% of the task time of a month of 16 GPUs (docs/benchmarks.md, change 14).
   * With {@code keepMapOf} the map itself stays only on the samples of those metrics (the label metrics whose whole
   * map the allocation reads); on the others it is null. Without it the map is dropped, and reading any other label
   * from these samples fails when the query is analysed, not silently.
   */
  public static Dataset<Row> withLabels(Dataset<Row> raw, List<String> keys, Optional<List<String>> keepMapOf) {
    Dataset<Row> out = withLabelColumns(raw, keys);
    if (keepMapOf.isEmpty()) {
      return out.drop(PrometheusColumns.LABELS);
    }
    return out.withColumn(PrometheusColumns.LABELS,
        when(col(PrometheusColumns.METRIC).isin(keepMapOf.get().toArray()), col(PrometheusColumns.LABELS)));
  }

  /** Adds a column per key of {@code keys} that {@code raw} does not have yet, while it has its label map. */
  private static Dataset<Row> withLabelColumns(Dataset<Row> raw, Collection<String> keys) {
    Set<String> present = Set.of(raw.columns());
    if (!present.contains(PrometheusColumns.LABELS)) {
      return raw;
    }
    Map<String, Column> added = new LinkedHashMap<>();
    for (String key : keys.stream().sorted().toList()) {
      if (!present.contains(labelColumn(key))) {
        added.put(labelColumn(key), col(PrometheusColumns.LABELS).getItem(key));
      }
    }
    return added.isEmpty() ? raw : raw.withColumns(added);
  }

  public static Column label(String name) {
    return nullif(rawLabel(name), lit(""));
  }

  /**
   * A label whose value may be empty (an empty pod label means an idle GPU, not a missing label): its column when
   * the allocation reads it ({@link #withLabels}), else from the label map.
   */
  static Column rawLabel(String name) {
    return LABEL_KEYS.contains(name) ? col("`" + labelColumn(name) + "`") : col(PrometheusColumns.LABELS).getItem(name);
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
    // a label present in the map is never null (the parser gives every label a value), so "present" is "not null"
    return nullif(coalesce(rawLabel("exported_" + name), rawLabel(name)), lit(""));
  }

  /** Latest labels per key (the sample with the greatest time). */
  static Column latest(Column value) {
    return max_by(value, col(T));
  }
}
