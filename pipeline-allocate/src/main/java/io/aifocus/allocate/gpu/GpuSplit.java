package io.aifocus.allocate.gpu;

import static java.util.Objects.requireNonNull;

import io.aifocus.allocate.LargestRemainder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The split arithmetic of one origin charge (plain Java, no Spark): given the node's GPU capacity over the
 * charge period, each workload's GPU time and score, and the origin's amounts, it returns one part per workload
 * (and one idle part when idle is kept separate) whose amounts add up to the origin's exactly and whose ratios
 * add up to exactly 1 (largest remainder, {@link LargestRemainder}).
 *
 * <p>Weights: with U = Σ workload GPU time, I = capacity − U (not below 0) and S = Σ scores, a separate idle part
 * gets weight I·S and workload i gets U·score_i (so the idle part takes I/(U+I) of the cost and the workloads
 * share the rest by score); with redistribute, or no idle time, workload i gets score_i. Scores that are all
 * zero (e.g. 0 % utilization throughout) fall back to GPU time. An origin with no workload gets one idle part.
 */
public final class GpuSplit {
  /** Scale of {@code AllocatedRatio}. */
  public static final int RATIO_SCALE = 12;

  private GpuSplit() {}

  /**
   * One workload on the origin: its GPU time in unit-milliseconds ({@link GpuUnits}) and its score (the
   * method's basis: GPU time, utilization-weighted GPU time, or weighted GPU time).
   */
  public record Share(BigDecimal unitMillis, BigDecimal score) {
    public Share {
      requireNonNull(unitMillis, "unitMillis is null");
      requireNonNull(score, "score is null");
      if (unitMillis.signum() < 0 || score.signum() < 0) {
        throw new IllegalArgumentException("Invalid share: GPU time and score must not be negative: " + unitMillis + ", " + score);
      }
    }
  }

  /**
   * One allocated part: {@code workload} is the index into the shares, or -1 for the idle part; {@code amounts}
   * are the origin's amounts split in the same order; {@code gpuHours} is the part's own GPU time (idle time for
   * the idle part).
   */
  public record Part(int workload, BigDecimal ratio, List<BigDecimal> amounts, BigDecimal gpuHours) {
    public boolean idle() {
      return workload < 0;
    }
  }

  /**
   * @param capacityUnitMillis the node's GPU capacity over the charge period, unit-milliseconds
   * @param amounts the origin's amounts (costs, quantities); each is split at its own scale, so give money at
   *     its currency scale (cents) and quantities at the scale they should keep; a null amount stays null
   */
  public static List<Part> split(IdleHandling idle, BigDecimal capacityUnitMillis, List<Share> shares, List<BigDecimal> amounts) {
    requireNonNull(idle, "idle is null");
    requireNonNull(capacityUnitMillis, "capacityUnitMillis is null");
    requireNonNull(shares, "shares is null");
    requireNonNull(amounts, "amounts is null");
    BigDecimal used = BigDecimal.ZERO;
    BigDecimal scoreTotal = BigDecimal.ZERO;
    for (Share s : shares) {
      used = used.add(s.unitMillis());
      scoreTotal = scoreTotal.add(s.score());
    }
    boolean byTime = scoreTotal.signum() == 0;
    if (byTime) {
      scoreTotal = used;
    }
    BigDecimal idleTime = capacityUnitMillis.subtract(used).max(BigDecimal.ZERO);

    List<Integer> index = new ArrayList<>();
    List<BigDecimal> weights = new ArrayList<>();
    List<BigDecimal> hours = new ArrayList<>();
    boolean noWork = used.signum() == 0;
    boolean separateIdle = noWork || (idle == IdleHandling.SEPARATE && idleTime.signum() > 0);
    if (!noWork) {
      for (int i = 0; i < shares.size(); i++) {
        BigDecimal score = byTime ? shares.get(i).unitMillis() : shares.get(i).score();
        index.add(i);
        weights.add(separateIdle ? used.multiply(score) : score);
        hours.add(GpuUnits.gpuHours(shares.get(i).unitMillis()));
      }
    }
    if (separateIdle) {
      index.add(-1);
      weights.add(noWork ? BigDecimal.ONE : idleTime.multiply(scoreTotal));
      hours.add(GpuUnits.gpuHours(idleTime));
    }

    List<BigDecimal> ratios = LargestRemainder.split(BigDecimal.ONE, weights, RATIO_SCALE);
    List<List<BigDecimal>> splitAmounts = new ArrayList<>();
    for (BigDecimal amount : amounts) {
      splitAmounts.add(amount == null ? null : LargestRemainder.split(amount, weights, Math.max(0, amount.scale())));
    }
    List<Part> parts = new ArrayList<>();
    for (int k = 0; k < index.size(); k++) {
      List<BigDecimal> a = new ArrayList<>();
      for (List<BigDecimal> s : splitAmounts) {
        a.add(s == null ? null : s.get(k));
      }
      parts.add(new Part(index.get(k), ratios.get(k), java.util.Collections.unmodifiableList(a), hours.get(k)));
    }
    return List.copyOf(parts);
  }

  /** The scale to split money at: the currency's minor unit (2), or more when the amount carries more. */
  public static BigDecimal moneyScale(BigDecimal amount) {
    if (amount == null) {
      return null;
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    return amount.setScale(Math.min(12, Math.max(2, stripped.scale())), java.math.RoundingMode.UNNECESSARY);
  }
}
