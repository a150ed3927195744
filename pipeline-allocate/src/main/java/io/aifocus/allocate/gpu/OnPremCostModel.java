package io.aifocus.allocate.gpu;

import static java.util.Objects.requireNonNull;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The aifocus on-premises cost of one GPU-hour (docs/allocation.md), all inputs per GPU:
 *
 * <pre>
 * hardware  = hardware-cost / (amortization-years × 8760)
 * power     = power-watts / 1000 × pue × electricity-per-kwh      (pue ≥ 1 includes cooling)
 * operations= operations-per-gpu-hour                               (staff, space, network, support)
 * per GPU-hour = hardware + power + operations, rounded half-even to 6 decimals
 * </pre>
 *
 * The node's hourly cost is the GPU-hour cost × its GPU count (GPU equivalents, MIG slices included).
 */
public record OnPremCostModel(
    BigDecimal hardwareCost,
    BigDecimal amortizationYears,
    BigDecimal powerWatts,
    BigDecimal pue,
    BigDecimal electricityPerKwh,
    BigDecimal operationsPerGpuHour) {
  public static final int SCALE = 6;
  private static final BigDecimal HOURS_PER_YEAR = BigDecimal.valueOf(8760);

  public OnPremCostModel {
    requireNonNull(hardwareCost, "hardwareCost is null");
    requireNonNull(amortizationYears, "amortizationYears is null");
    requireNonNull(powerWatts, "powerWatts is null");
    requireNonNull(pue, "pue is null");
    requireNonNull(electricityPerKwh, "electricityPerKwh is null");
    requireNonNull(operationsPerGpuHour, "operationsPerGpuHour is null");
    if (amortizationYears.signum() <= 0) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "cost-model: amortization-years must be > 0, got " + amortizationYears);
    }
    if (pue.compareTo(BigDecimal.ONE) < 0) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "cost-model: pue must be ≥ 1 (it includes cooling), got " + pue);
    }
    for (BigDecimal v : new BigDecimal[] {hardwareCost, powerWatts, electricityPerKwh, operationsPerGpuHour}) {
      if (v.signum() < 0) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "cost-model: values must not be negative, got " + v);
      }
    }
  }

  /** The cost of one GPU-hour at {@link #SCALE} decimals. */
  public BigDecimal perGpuHour() {
    BigDecimal hardware = hardwareCost.divide(amortizationYears.multiply(HOURS_PER_YEAR), 20, RoundingMode.HALF_EVEN);
    BigDecimal power = powerWatts.multiply(pue).multiply(electricityPerKwh).divide(BigDecimal.valueOf(1000), 20, RoundingMode.HALF_EVEN);
    return hardware.add(power).add(operationsPerGpuHour).setScale(SCALE, RoundingMode.HALF_EVEN);
  }
}
