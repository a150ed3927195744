package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.GpuClusterSettings;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.api.PipelineException;
import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gpu-clusters config block: defaults, the full mapping, and errors naming file and key (no Spark). */
class GpuClusterConfigTest {
  @Test
  void demoConfigDeclaresTheDemoCluster() {
    Path demo = SparkTestSession.projectRoot().resolve("sample-data/demo.yaml");
    GpuClusterConfig c = JobConfig.fromYaml(demo).gpuClusters().get(0);
    Path dir = demo.getParent().toAbsolutePath();
    assertThat(c.kubeStateMetrics()).isEqualTo(dir.resolve("k8s/demo/kube-state-metrics").toString());
    assertThat(c.dcgm()).contains(dir.resolve("k8s/demo/dcgm").toString());
    assertThat(c.nodePrices()).contains(dir.resolve("k8s/demo/node-prices.csv").toString());
    assertThat(c.costModel()).hasValueSatisfying(m -> assertThat(m.perGpuHour()).isEqualByComparingTo("1.223764"));
    GpuClusterSettings s = c.settings();
    assertThat(s).isEqualTo(new GpuClusterSettings("gpu-demo", "gpu-demo", "Self-hosted", "USD", AllocationMethod.GPU_REQUEST_TIME,
        IdleHandling.SEPARATE, List.of("team", "owner"), List.of("model", "app.kubernetes.io/model"), "endpoint", Map.of(),
        BigDecimal.ONE, Optional.empty()));
  }

  @Test
  void everyKeyMaps() throws IOException {
    Path file = write("""
        gpu-clusters:
          - name: prod
            kube-state-metrics: ksm/
            node-prices: prices.csv
            method: custom-weights
            idle: redistribute
            team-label-keys: [owner]
            model-label-keys: [llm]
            endpoint-label-key: route
            custom-weights: {research: 2.5}
            default-weight: 0.5
            sample-interval: 30s
            scrape-time: 2026-11-03T10:00:00Z
            currency: EUR
            billing-account-id: acct-1
            provider-name: Acme DC
        """);
    GpuClusterConfig c = JobConfig.fromYaml(file).gpuClusters().get(0);
    assertThat(c.settings()).isEqualTo(new GpuClusterSettings("prod", "acct-1", "Acme DC", "EUR", AllocationMethod.CUSTOM_WEIGHTS,
        IdleHandling.REDISTRIBUTE, List.of("owner"), List.of("llm"), "route", Map.of("research", new BigDecimal("2.5")),
        new BigDecimal("0.5"), Optional.of(Duration.ofSeconds(30))));
    assertThat(c.dcgm()).isEmpty();
    assertThat(c.costModel()).isEmpty();
    assertThat(c.scrapeTime()).contains(Instant.parse("2026-11-03T10:00:00Z"));
    assertThat(c.settings().allocatedMethodId()).isEqualTo("aifocus.custom-weights.idle-redistribute");
  }

  @Test
  void nodeCostFromTheCloudBillNeedsNoPrices() throws IOException {
    Path file = write("""
        gpu-clusters:
          - name: eks
            kube-state-metrics: ksm/
            node-cost: aws-cur
            instance-id-label: aws.amazon.com/instance-id
        """);
    GpuClusterConfig c = JobConfig.fromYaml(file).gpuClusters().get(0);
    assertThat(c.nodeCost()).contains(io.aifocus.api.SourceKind.AWS_CUR);
    assertThat(c.instanceIdLabel()).contains("aws.amazon.com/instance-id");
    assertThat(c.nodePrices()).isEmpty();
    assertThat(c.costModel()).isEmpty();
  }

  @Test
  void errorsNameTheFileAndEntry() throws IOException {
    Path noPrices = write("gpu-clusters:\n  - name: c1\n    kube-state-metrics: k/\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(noPrices)).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: " + noPrices + ": gpu-clusters[0] (c1) needs 'node-prices' (OpenCost pricing CSV), 'cost-model' or 'node-cost'");
    Path badNodeCost = write("gpu-clusters:\n  - name: c1\n    kube-state-metrics: k/\n    node-cost: azure-cost\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badNodeCost)).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: " + badNodeCost + ": gpu-clusters[0].node-cost: expected aws-cur, got 'azure-cost'");
    Path labelOnly = write("gpu-clusters:\n  - name: c1\n    kube-state-metrics: k/\n    node-prices: p.csv\n    instance-id-label: x\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(labelOnly)).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: " + labelOnly + ": gpu-clusters[0].instance-id-label needs 'node-cost'");
    Path badMethod = write("gpu-clusters:\n  - name: c1\n    kube-state-metrics: k/\n    node-prices: p.csv\n    method: by-vibes\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badMethod)).isInstanceOf(PipelineException.class)
        .hasMessageContaining("Unknown GPU allocation method 'by-vibes'. Known: gpu-request-time, gpu-utilization-weighted, custom-weights");
    Path utilNoDcgm = write("gpu-clusters:\n  - name: c1\n    kube-state-metrics: k/\n    node-prices: p.csv\n    method: gpu-utilization-weighted\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(utilNoDcgm)).isInstanceOf(PipelineException.class)
        .hasMessageContaining(": gpu-clusters[0] (c1): method gpu-utilization-weighted needs 'dcgm'");
    Path badInterval = write("gpu-clusters:\n  - name: c1\n    kube-state-metrics: k/\n    node-prices: p.csv\n    sample-interval: 2h\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(badInterval)).isInstanceOf(PipelineException.class)
        .hasMessageContaining(": gpu-clusters[0].sample-interval: expected a number with ms, s or m (e.g. 30s), got '2h'");
    Path typo = write("gpu-clusters:\n  - name: c1\n    kube-state-metric: k/\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(typo)).isInstanceOf(PipelineException.class)
        .hasMessageContaining("kube-state-metric").hasMessageContaining("gpu-clusters");
  }

  @TempDir Path dir;
  private int files;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("aifocus-" + files++ + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
