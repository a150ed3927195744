package io.aifocus.allocate.gpu;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Hourly prices of GPU nodes: OpenCost custom pricing rows (a {@code node} row prices the node, a {@code gpu}
 * row prices each GPU; matched on the node name or a node label as {@code InstanceIDField} says), else the
 * on-premises cost model per GPU-hour. Plain Java; jobs builds it from the raw pricing rows.
 */
public final class NodePricing {
  /** One OpenCost custom pricing row. */
  public record PriceRow(String instanceId, String assetClass, String instanceIdField, BigDecimal hourly) {
    public PriceRow {
      requireNonNull(instanceId, "instanceId is null");
      requireNonNull(assetClass, "assetClass is null");
      requireNonNull(instanceIdField, "instanceIdField is null");
      requireNonNull(hourly, "hourly is null");
    }
  }

  /** A node's hourly cost and where it came from (for ChargeDescription and audit). */
  public record NodePrice(BigDecimal hourly, String basis) {}

  private final List<PriceRow> rows;
  private final Optional<OnPremCostModel> costModel;

  public NodePricing(List<PriceRow> rows, Optional<OnPremCostModel> costModel) {
    this.rows = List.copyOf(rows);
    this.costModel = requireNonNull(costModel, "costModel is null");
  }

  /**
   * @param labels the node's labels with their original keys (kube-state-metrics {@code label_} names are
   *     matched too)
   * @param gpus GPU equivalents of the node (MIG slices included)
   */
  public Optional<NodePrice> price(String node, Map<String, String> labels, BigDecimal gpus) {
    BigDecimal total = BigDecimal.ZERO;
    StringBuilder basis = new StringBuilder();
    boolean any = false;
    for (PriceRow row : rows) {
      String cls = row.assetClass().strip().toLowerCase(Locale.ROOT);
      if (!(cls.equals("node") || cls.equals("gpu")) || !matches(row, node, labels)) {
        continue;
      }
      BigDecimal amount = cls.equals("gpu") ? row.hourly().multiply(gpus) : row.hourly();
      total = total.add(amount);
      basis.append(basis.length() == 0 ? "" : " + ").append(cls.equals("gpu")
          ? "OpenCost gpu " + row.instanceId() + " " + row.hourly().toPlainString() + "/GPU-hour × " + gpus.stripTrailingZeros().toPlainString()
          : "OpenCost node " + row.instanceId() + " " + row.hourly().toPlainString() + "/hour");
      any = true;
    }
    if (any) {
      return Optional.of(new NodePrice(total, basis.toString()));
    }
    return costModel.map(m -> new NodePrice(m.perGpuHour().multiply(gpus),
        "aifocus on-prem cost model " + m.perGpuHour().toPlainString() + "/GPU-hour × " + gpus.stripTrailingZeros().toPlainString()));
  }

  private static boolean matches(PriceRow row, String node, Map<String, String> labels) {
    String field = row.instanceIdField().strip();
    if (field.equals("metadata.name")) {
      return row.instanceId().equals(node);
    }
    String key = field.startsWith("metadata.labels.") ? field.substring("metadata.labels.".length()) : field;
    String value = labels.get(key);
    if (value == null) {
      value = labels.get(sanitized(key));
    }
    return row.instanceId().equals(value);
  }

  /** A label key as kube-state-metrics exports it: {@code nvidia.com/gpu_type} → {@code label_nvidia_com_gpu_type}. */
  public static String sanitized(String key) {
    return "label_" + key.replaceAll("[^A-Za-z0-9_]", "_");
  }
}
