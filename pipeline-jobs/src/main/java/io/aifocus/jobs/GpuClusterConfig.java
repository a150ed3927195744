package io.aifocus.jobs;

import static java.util.Objects.requireNonNull;

import io.aifocus.allocate.gpu.AllocationMethod;
import io.aifocus.allocate.gpu.GpuClusterSettings;
import io.aifocus.allocate.gpu.IdleHandling;
import io.aifocus.allocate.gpu.OnPremCostModel;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.SourceKind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code gpu-clusters} entry of the config (docs/config.md): where the cluster's metrics and prices are, and
 * how to allocate it.
 *
 * @param dcgm DCGM exporter metrics (text exposition or query_range JSON); required by gpu-utilization-weighted
 *     and by the gpu_utilization table
 * @param kubeStateMetrics kube-state-metrics (text exposition or query_range JSON)
 * @param nodePrices OpenCost custom pricing CSV
 * @param scrapeTime time of samples whose line carries no timestamp
 * @param vllmMetrics vLLM metrics (token counters; text exposition or query_range JSON) of the cluster's inference
 *     pods, for the inference_tokens table (docs/sources/vllm-metrics.md)
 * @param nodeCost the source kind whose rows of the run are the nodes' cost ({@code node-cost: aws-cur}: the
 *     instance-hour rows of the GPU instances, docs/allocation.md); empty = node-prices / cost-model only
 * @param instanceIdLabel node label holding the node's cloud instance id; empty = kube_node_info's provider_id
 */
public record GpuClusterConfig(
    GpuClusterSettings settings,
    Optional<String> dcgm,
    String kubeStateMetrics,
    Optional<String> nodePrices,
    Optional<OnPremCostModel> costModel,
    Optional<Instant> scrapeTime,
    Optional<String> vllmMetrics,
    Optional<SourceKind> nodeCost,
    Optional<String> instanceIdLabel) {
  private static final Pattern INTERVAL = Pattern.compile("^(\\d+)\\s*(ms|s|m)$");

  public GpuClusterConfig {
    requireNonNull(settings, "settings is null");
    requireNonNull(dcgm, "dcgm is null");
    requireNonNull(kubeStateMetrics, "kubeStateMetrics is null");
    requireNonNull(nodePrices, "nodePrices is null");
    requireNonNull(costModel, "costModel is null");
    requireNonNull(scrapeTime, "scrapeTime is null");
    requireNonNull(vllmMetrics, "vllmMetrics is null");
    requireNonNull(nodeCost, "nodeCost is null");
    requireNonNull(instanceIdLabel, "instanceIdLabel is null");
    if (nodeCost.isPresent() && nodeCost.get() != SourceKind.AWS_CUR) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "gpu-clusters " + settings.cluster() + ": node-cost '"
          + nodeCost.get().id() + "' is not supported; allowed: " + SourceKind.AWS_CUR.id());
    }
    if (nodeCost.isEmpty() && nodePrices.isEmpty() && costModel.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          "gpu-clusters " + settings.cluster() + " needs 'node-prices' (OpenCost pricing CSV), 'cost-model' or 'node-cost'");
    }
  }

  /** A cluster priced by node-prices / cost-model only. */
  public GpuClusterConfig(GpuClusterSettings settings, Optional<String> dcgm, String kubeStateMetrics,
      Optional<String> nodePrices, Optional<OnPremCostModel> costModel, Optional<Instant> scrapeTime, Optional<String> vllmMetrics) {
    this(settings, dcgm, kubeStateMetrics, nodePrices, costModel, scrapeTime, vllmMetrics, Optional.empty(), Optional.empty());
  }

  /** A cluster without vLLM metrics. */
  public GpuClusterConfig(GpuClusterSettings settings, Optional<String> dcgm, String kubeStateMetrics,
      Optional<String> nodePrices, Optional<OnPremCostModel> costModel, Optional<Instant> scrapeTime) {
    this(settings, dcgm, kubeStateMetrics, nodePrices, costModel, scrapeTime, Optional.empty());
  }

  /** The YAML shape of one entry (kebab-case keys). */
  record Entry(
      String name,
      String dcgm,
      String kubeStateMetrics,
      String vllmMetrics,
      String nodePrices,
      CostModel costModel,
      String method,
      String idle,
      List<String> teamLabelKeys,
      List<String> modelLabelKeys,
      String endpointLabelKey,
      Map<String, BigDecimal> customWeights,
      BigDecimal defaultWeight,
      String sampleInterval,
      String scrapeTime,
      String currency,
      String billingAccountId,
      String providerName,
      String nodeCost,
      String instanceIdLabel) {}

  record CostModel(
      BigDecimal hardwareCost,
      BigDecimal amortizationYears,
      BigDecimal powerWatts,
      BigDecimal pue,
      BigDecimal electricityPerKwh,
      BigDecimal operationsPerGpuHour) {}

  static GpuClusterConfig of(String file, int index, Entry e, String base) {
    String where = file + ": gpu-clusters[" + index + "]";
    if (e.name() == null || e.name().isBlank()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + " needs a 'name'");
    }
    if (e.kubeStateMetrics() == null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + " (" + e.name() + ") needs 'kube-state-metrics'");
    }
    if (e.nodePrices() == null && e.costModel() == null && e.nodeCost() == null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          where + " (" + e.name() + ") needs 'node-prices' (OpenCost pricing CSV), 'cost-model' or 'node-cost'");
    }
    Optional<SourceKind> nodeCost = Optional.empty();
    if (e.nodeCost() != null) {
      if (!e.nodeCost().strip().equals(SourceKind.AWS_CUR.id())) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            where + ".node-cost: expected " + SourceKind.AWS_CUR.id() + ", got '" + e.nodeCost() + "'");
      }
      nodeCost = Optional.of(SourceKind.AWS_CUR);
    }
    if (e.instanceIdLabel() != null && nodeCost.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ".instance-id-label needs 'node-cost'");
    }
    AllocationMethod method = AllocationMethod.fromId(e.method() == null ? AllocationMethod.GPU_REQUEST_TIME.id() : e.method());
    IdleHandling idle = IdleHandling.fromId(e.idle() == null ? IdleHandling.SEPARATE.id() : e.idle());
    if (method == AllocationMethod.GPU_UTILIZATION_WEIGHTED && e.dcgm() == null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          where + " (" + e.name() + "): method gpu-utilization-weighted needs 'dcgm'");
    }
    Optional<OnPremCostModel> model = Optional.empty();
    if (e.costModel() != null) {
      CostModel c = e.costModel();
      if (c.hardwareCost() == null || c.amortizationYears() == null || c.powerWatts() == null || c.pue() == null
          || c.electricityPerKwh() == null || c.operationsPerGpuHour() == null) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ".cost-model needs hardware-cost, amortization-years, "
            + "power-watts, pue, electricity-per-kwh and operations-per-gpu-hour");
      }
      model = Optional.of(new OnPremCostModel(c.hardwareCost(), c.amortizationYears(), c.powerWatts(), c.pue(),
          c.electricityPerKwh(), c.operationsPerGpuHour()));
    }
    Optional<Instant> scrape = Optional.empty();
    if (e.scrapeTime() != null) {
      try {
        scrape = Optional.of(Instant.parse(e.scrapeTime()));
      } catch (DateTimeParseException ex) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            where + ".scrape-time: expected an ISO-8601 UTC time like 2026-11-03T00:00:00Z, got '" + e.scrapeTime() + "'");
      }
    }
    GpuClusterSettings settings = new GpuClusterSettings(
        e.name(),
        e.billingAccountId() == null ? e.name() : e.billingAccountId(),
        e.providerName() == null ? "Self-hosted" : e.providerName(),
        e.currency() == null ? "USD" : e.currency(),
        method,
        idle,
        e.teamLabelKeys() == null ? GpuClusterSettings.DEFAULT_TEAM_LABEL_KEYS : e.teamLabelKeys(),
        e.modelLabelKeys() == null ? GpuClusterSettings.DEFAULT_MODEL_LABEL_KEYS : e.modelLabelKeys(),
        e.endpointLabelKey() == null ? GpuClusterSettings.DEFAULT_ENDPOINT_LABEL_KEY : e.endpointLabelKey(),
        e.customWeights() == null ? Map.of() : e.customWeights(),
        e.defaultWeight() == null ? BigDecimal.ONE : e.defaultWeight(),
        e.sampleInterval() == null ? Optional.empty() : Optional.of(interval(where, e.sampleInterval())));
    return new GpuClusterConfig(settings,
        Optional.ofNullable(e.dcgm()).map(p -> JobConfig.resolve(base, p)),
        JobConfig.resolve(base, e.kubeStateMetrics()),
        Optional.ofNullable(e.nodePrices()).map(p -> JobConfig.resolve(base, p)),
        model, scrape, Optional.ofNullable(e.vllmMetrics()).map(p -> JobConfig.resolve(base, p)), nodeCost,
        Optional.ofNullable(e.instanceIdLabel()).map(String::strip).filter(l -> !l.isEmpty()));
  }

  static Duration interval(String where, String text) {
    Matcher m = INTERVAL.matcher(text.strip());
    if (!m.matches()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          where + ".sample-interval: expected a number with ms, s or m (e.g. 30s), got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
