package io.aifocus.allocate.gpu;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPU amounts in exact integer units: one whole GPU is {@value #PER_GPU} units, so every MIG slice is a whole
 * number of units (840 = lcm(1..8): a 1g slice of a 7-slice GPU (A100, H100, H200, B200) is 120 units, a 1g
 * slice of a 4-slice A30 is 210). GPU time is kept as unit-milliseconds, so capacity − used = idle holds
 * exactly; GPU-hours are derived only for output.
 */
public final class GpuUnits {
  public static final int PER_GPU = 840;
  /** Unit-milliseconds in one GPU-hour. */
  public static final long PER_GPU_HOUR = PER_GPU * 3_600_000L;

  private static final Pattern PROFILE = Pattern.compile("^(\\d+)g\\.(\\d+)gb.*$");
  private static final Pattern MIG_RESOURCE = Pattern.compile("^nvidia_com_mig_(\\d+)g_(\\d+)gb.*$");

  private GpuUnits() {}

  /** Units of one MIG instance of {@code profile} (e.g. {@code 1g.10gb} → 120), empty when not a MIG profile. */
  public static Optional<Integer> ofProfile(String profile) {
    if (profile == null) {
      return Optional.empty();
    }
    Matcher m = PROFILE.matcher(profile.strip().toLowerCase(Locale.ROOT));
    return m.matches() ? Optional.of(units(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))) : Optional.empty();
  }

  /**
   * Units per count of a Kubernetes extended resource as kube-state-metrics names it: {@code nvidia_com_gpu} →
   * 840, {@code nvidia_com_mig_1g_10gb} → 120; empty for any other resource.
   */
  public static Optional<Integer> ofResource(String resource) {
    if (resource == null) {
      return Optional.empty();
    }
    String r = resource.strip().toLowerCase(Locale.ROOT).replace('.', '_').replace('/', '_').replace('-', '_');
    if (r.equals("nvidia_com_gpu")) {
      return Optional.of(PER_GPU);
    }
    Matcher m = MIG_RESOURCE.matcher(r);
    return m.matches() ? Optional.of(units(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))) : Optional.empty();
  }

  /** Compute slices of the GPU a profile belongs to: 4 on A30 (6 GB per slice), else 7. */
  static int slicesOfGpu(int computeSlices, int memoryGb) {
    return memoryGb == 6 * computeSlices ? 4 : 7;
  }

  private static int units(int computeSlices, int memoryGb) {
    int slices = slicesOfGpu(computeSlices, memoryGb);
    return Math.min(PER_GPU, computeSlices * (PER_GPU / slices));
  }

  /** GPU-hours of {@code unitMillis} at scale 12 (half-even). */
  public static BigDecimal gpuHours(BigDecimal unitMillis) {
    return unitMillis.divide(BigDecimal.valueOf(PER_GPU_HOUR), 12, RoundingMode.HALF_EVEN);
  }
}
