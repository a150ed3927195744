package io.aifocus.allocate.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodePricingTest {
  private static final OnPremCostModel MODEL = new OnPremCostModel(new BigDecimal("30000"), new BigDecimal("4"),
      new BigDecimal("700"), new BigDecimal("1.4"), new BigDecimal("0.12"), new BigDecimal("0.25"));

  private static NodePricing pricing(Optional<OnPremCostModel> model) {
    // rows as in the OpenCost samples: a node by name, GPUs by a node label (plain or kube-state-metrics form)
    return new NodePricing(List.of(
        new NodePricing.PriceRow("gpu-a", "node", "metadata.name", new BigDecimal("0.40")),
        new NodePricing.PriceRow("NVIDIA-A10G", "gpu", "nvidia.com/gpu.product", new BigDecimal("1.10")),
        new NodePricing.PriceRow("Reserved", "node", "metadata.labels.TestClusterUsage", new BigDecimal("0.654795")),
        new NodePricing.PriceRow("pvc-1", "pv", "metadata.name", new BigDecimal("9.99"))), model);
  }

  @Test
  void nodeAndGpuRowsAddUp() {
    assertThat(pricing(Optional.empty()).price("gpu-a", Map.of("nvidia.com/gpu.product", "NVIDIA-A10G"), new BigDecimal("2")))
        .hasValueSatisfying(p -> {
          assertThat(p.hourly()).isEqualByComparingTo("2.60");
          assertThat(p.basis()).isEqualTo("OpenCost node gpu-a 0.40/hour + OpenCost gpu NVIDIA-A10G 1.10/GPU-hour × 2");
        });
  }

  @Test
  void labelsMatchInKubeStateMetricsFormToo() {
    assertThat(pricing(Optional.empty()).price("n1", Map.of("label_nvidia_com_gpu_product", "NVIDIA-A10G"), BigDecimal.ONE))
        .hasValueSatisfying(p -> assertThat(p.hourly()).isEqualByComparingTo("1.10"));
    assertThat(pricing(Optional.empty()).price("n2", Map.of("TestClusterUsage", "Reserved"), BigDecimal.ONE))
        .hasValueSatisfying(p -> assertThat(p.hourly()).isEqualByComparingTo("0.654795"));
  }

  @Test
  void unmatchedNodesUseTheCostModelElseNothing() {
    assertThat(pricing(Optional.of(MODEL)).price("h100", Map.of(), new BigDecimal("8")))
        .hasValueSatisfying(p -> {
          assertThat(p.hourly()).isEqualByComparingTo("9.790112"); // 8 × 1.223764
          assertThat(p.basis()).isEqualTo("aifocus on-prem cost model 1.223764/GPU-hour × 8");
        });
    assertThat(pricing(Optional.empty()).price("pvc-1", Map.of(), BigDecimal.ONE)).isEmpty(); // pv rows price no node
  }

  @Test
  void costModelRejectsImpossibleInputs() {
    assertThatThrownBy(() -> new OnPremCostModel(BigDecimal.ONE, BigDecimal.ZERO, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE))
        .isInstanceOf(PipelineException.class).hasMessageContaining("cost-model: amortization-years must be > 0, got 0");
    assertThatThrownBy(() -> new OnPremCostModel(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("0.9"), BigDecimal.ONE, BigDecimal.ONE))
        .isInstanceOf(PipelineException.class).hasMessageContaining("cost-model: pue must be ≥ 1 (it includes cooling), got 0.9");
  }
}
