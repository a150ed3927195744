package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.GpuAllocation;
import io.aifocus.allocate.gpu.GpuClusterSettings;
import io.aifocus.allocate.gpu.GpuMetrics;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.api.SparkTestSession;
import io.aifocus.ingest.k8s.PrometheusReader;
import io.aifocus.schema.source.PrometheusColumns;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics the GPU allocation keeps hold the labels it reads as columns (docs/benchmarks.md, change 14): the
 * demo cluster's samples give the same DCGM pieces kept that way as read from the label maps, kube-state-metrics
 * keep their maps only on the label metrics, and a label that was not kept fails the query instead of reading null.
 */
class GpuLabelColumnsTest {
  static Dataset<Row> dcgm;
  static Dataset<Row> kubeState;

  @BeforeAll
  static void read() {
    SparkSession spark = SparkTestSession.get();
    String demo = SparkTestSession.projectRoot().resolve(GpuAllocationGoldenTest.DEMO).toString();
    dcgm = PrometheusReader.read(spark, demo + "/dcgm", Optional.empty()).rows();
    kubeState = PrometheusReader.read(spark, demo + "/kube-state-metrics", Optional.empty()).rows();
  }

  @Test
  void dcgmPiecesAreTheSameFromKeptLabels() {
    GpuClusterSettings settings = GpuAllocationGoldenTest.cluster(
        AllocationMethod.GPU_UTILIZATION_WEIGHTED, IdleHandling.SEPARATE, Map.of()).settings();
    Dataset<Row> kept = GpuAllocation.dcgmToKeep(dcgm);
    assertThat(kept.columns()).doesNotContain(PrometheusColumns.LABELS);

    List<Row> fromMaps = sorted(GpuAllocation.dcgmPieces(dcgm, settings));
    List<Row> fromColumns = sorted(GpuAllocation.dcgmPieces(kept, settings));
    assertThat(fromMaps).hasSizeGreaterThan(100);
    assertThat(fromColumns).isEqualTo(fromMaps);
    // the demo has idle GPUs (empty pod label) and workloads: both kinds survive the columns
    assertThat(fromColumns.stream().filter(r -> r.isNullAt(r.fieldIndex(GpuMetrics.POD)))).isNotEmpty();
    assertThat(fromColumns.stream().filter(r -> !r.isNullAt(r.fieldIndex(GpuMetrics.POD)))).isNotEmpty();
  }

  @Test
  void kubeStateKeepsItsLabelMapOnlyOnTheLabelMetrics() {
    Dataset<Row> kept = GpuAllocation.kubeStateToKeep(kubeState);
    List<String> labelMetrics = List.of("kube_node_labels", "kube_pod_labels", "kube_namespace_labels");
    Dataset<Row> withMap = kept.where(col(PrometheusColumns.LABELS).isNotNull());
    assertThat(withMap.count())
        .isEqualTo(kubeState.where(col(PrometheusColumns.METRIC).isin(labelMetrics.toArray())).count())
        .isPositive();
    assertThat(withMap.where(col(PrometheusColumns.METRIC).isin(labelMetrics.toArray()).unary_$bang()).count()).isZero();
    // every kept label column holds what the map held, on every sample (the label metrics included)
    Dataset<Row> both = kubeState.withColumn("_node", col(PrometheusColumns.LABELS).getItem("node"))
        .withColumn("_pod", col(PrometheusColumns.LABELS).getItem("pod"))
        .select(col(PrometheusColumns.METRIC), col("_node"), col("_pod"));
    Dataset<Row> fromColumns = kept.select(col(PrometheusColumns.METRIC), col("_aif_label_node"), col("_aif_label_pod"));
    assertThat(sorted(fromColumns)).isEqualTo(sorted(both)).hasSizeGreaterThan(100);
  }

  @Test
  void aLabelThatWasNotKeptFailsTheQuery() {
    Dataset<Row> samples = GpuMetrics.samples(GpuAllocation.dcgmToKeep(dcgm));
    assertThatThrownBy(() -> samples.select(GpuMetrics.label("modelName")).collectAsList())
        .isInstanceOf(AnalysisException.class)
        .hasMessageContaining(PrometheusColumns.LABELS);
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
  }
}
