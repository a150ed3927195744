package io.aifocus.allocate.gpu;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;

/** What happens to the cost of GPU capacity no workload used (docs/allocation.md). */
public enum IdleHandling {
  /** One allocated row per origin charge with AllocatedResourceId null ("unallocated"). */
  SEPARATE("separate"),
  /** Idle cost goes to the workloads of the same origin charge, by the method's weights. */
  REDISTRIBUTE("redistribute");

  private final String id;

  IdleHandling(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static IdleHandling fromId(String id) {
    for (IdleHandling i : values()) {
      if (i.id.equals(id)) {
        return i;
      }
    }
    throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "Unknown idle handling '" + id + "'. Known: separate, redistribute");
  }

  /** The documented AllocatedMethodId of a method with this idle handling, e.g. {@code aifocus.gpu-request-time.idle-separate}. */
  public String methodId(AllocationMethod method) {
    return "aifocus." + method.id() + ".idle-" + id;
  }
}
