package io.aifocus.allocate.gpu;

import static java.util.Objects.requireNonNull;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one shared GPU cluster is allocated (the {@code gpu-clusters} entry of the config, docs/config.md).
 *
 * @param cluster cluster name; part of every ResourceId and of the restatement scope
 * @param billingAccountId BillingAccountId of the node charges (default: the cluster name)
 * @param providerName ServiceProviderName/HostProviderName/InvoiceIssuerName of the node charges
 * @param teamLabelKeys pod label keys tried in order for x_Team, then the same keys on the namespace
 * @param modelLabelKeys pod label keys tried in order for x_Model
 * @param endpointLabelKey pod label key for x_Endpoint (else the pod name)
 * @param customWeights weight per namespace for {@code custom-weights}
 * @param defaultWeight weight of a namespace not listed in customWeights
 * @param sampleInterval the metrics' scrape/step interval; empty = the smallest gap seen between two samples
 */
public record GpuClusterSettings(
    String cluster,
    String billingAccountId,
    String providerName,
    String currency,
    AllocationMethod method,
    IdleHandling idle,
    List<String> teamLabelKeys,
    List<String> modelLabelKeys,
    String endpointLabelKey,
    Map<String, BigDecimal> customWeights,
    BigDecimal defaultWeight,
    Optional<Duration> sampleInterval) {
  public static final List<String> DEFAULT_TEAM_LABEL_KEYS = List.of("team", "owner");
  public static final List<String> DEFAULT_MODEL_LABEL_KEYS = List.of("model", "app.kubernetes.io/model");
  public static final String DEFAULT_ENDPOINT_LABEL_KEY = "endpoint";

  public GpuClusterSettings {
    requireNonNull(cluster, "cluster is null");
    requireNonNull(billingAccountId, "billingAccountId is null");
    requireNonNull(providerName, "providerName is null");
    requireNonNull(currency, "currency is null");
    requireNonNull(method, "method is null");
    requireNonNull(idle, "idle is null");
    teamLabelKeys = List.copyOf(teamLabelKeys);
    modelLabelKeys = List.copyOf(modelLabelKeys);
    requireNonNull(endpointLabelKey, "endpointLabelKey is null");
    customWeights = Map.copyOf(customWeights);
    requireNonNull(defaultWeight, "defaultWeight is null");
    requireNonNull(sampleInterval, "sampleInterval is null");
    if (cluster.isBlank()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "gpu-clusters: a cluster needs a non-empty name");
    }
    for (Map.Entry<String, BigDecimal> w : customWeights.entrySet()) {
      if (w.getValue().signum() < 0) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            "gpu-clusters " + cluster + ": custom weight of namespace '" + w.getKey() + "' must not be negative, got " + w.getValue());
      }
    }
    if (defaultWeight.signum() < 0) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "gpu-clusters " + cluster + ": default-weight must not be negative");
    }
    if (sampleInterval.isPresent() && (sampleInterval.get().isNegative() || sampleInterval.get().isZero()
        || sampleInterval.get().compareTo(Duration.ofHours(1)) > 0)) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          "gpu-clusters " + cluster + ": sample-interval must be between 1 ms and 1 hour, got " + sampleInterval.get());
    }
  }

  /** Defaults for everything but the name, method and idle handling. */
  public static GpuClusterSettings of(String cluster, AllocationMethod method, IdleHandling idle) {
    return new GpuClusterSettings(cluster, cluster, "Self-hosted", "USD", method, idle, DEFAULT_TEAM_LABEL_KEYS,
        DEFAULT_MODEL_LABEL_KEYS, DEFAULT_ENDPOINT_LABEL_KEY, Map.of(), BigDecimal.ONE, Optional.empty());
  }

  public String allocatedMethodId() {
    return idle.methodId(method);
  }
}
