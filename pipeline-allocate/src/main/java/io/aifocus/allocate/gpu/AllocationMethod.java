package io.aifocus.allocate.gpu;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a GPU node's cost is split across the workloads that ran on it (docs/allocation.md). */
public enum AllocationMethod {
  /** Requested GPUs × time, from kube-state-metrics (OpenCost-compatible). */
  GPU_REQUEST_TIME("gpu-request-time"),
  /** GPU time from DCGM weighted by measured utilization. */
  GPU_UTILIZATION_WEIGHTED("gpu-utilization-weighted"),
  /** Requested GPU time scaled by a configured weight per namespace. */
  CUSTOM_WEIGHTS("custom-weights");

  private final String id;

  AllocationMethod(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static AllocationMethod fromId(String id) {
    for (AllocationMethod m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "Unknown GPU allocation method '" + id + "'. Known: "
        + Arrays.stream(values()).map(AllocationMethod::id).collect(Collectors.joining(", ")));
  }
}
