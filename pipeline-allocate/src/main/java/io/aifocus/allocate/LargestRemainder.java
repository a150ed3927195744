package io.aifocus.allocate;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits an amount across weights so the parts add up to the amount exactly at a given scale
 * (largest-remainder method, also called Hamilton's method). {@code split(10.00, [1,1,1], 2)} gives
 * {@code [3.34, 3.33, 3.33]}: each share is rounded down, then the units left over go one by one to the
 * shares with the largest remainders (ties to the earlier share, so the result is deterministic).
 */
public final class LargestRemainder {
  private LargestRemainder() {}

  /**
   * @param amount what to split; may be negative (credits), then the parts are negative
   * @param weights non-negative weights, at least one positive
   * @param scale decimal places of the parts (2 for cents)
   */
  public static List<BigDecimal> split(BigDecimal amount, List<BigDecimal> weights, int scale) {
    requireNonNull(amount, "amount is null");
    requireNonNull(weights, "weights is null");
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("Cannot split over no weights");
    }
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal w : weights) {
      if (w == null || w.signum() < 0) {
        throw new IllegalArgumentException("Invalid weight: " + w);
      }
      total = total.add(w);
    }
    if (total.signum() == 0) {
      throw new IllegalArgumentException("Cannot split over weights that sum to zero");
    }
    BigDecimal scaled = amount.setScale(scale, RoundingMode.UNNECESSARY);
    boolean negative = scaled.signum() < 0;
    BigInteger units = scaled.abs().unscaledValue();
    BigDecimal unitsDecimal = new BigDecimal(units);

    List<BigInteger> floors = new ArrayList<>(weights.size());
    List<BigDecimal> remainders = new ArrayList<>(weights.size());
    BigInteger assigned = BigInteger.ZERO;
    for (BigDecimal w : weights) {
      // exact rational share = units * w / total; keep floor and fractional remainder without rounding error
      BigDecimal numerator = unitsDecimal.multiply(w);
      BigDecimal[] qr = numerator.divideAndRemainder(total);
      BigInteger floor = qr[0].toBigIntegerExact();
      floors.add(floor);
      remainders.add(qr[1].divide(total, 34, RoundingMode.DOWN));
      assigned = assigned.add(floor);
    }
    int leftover = units.subtract(assigned).intValueExact();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> remainders.get(i)).reversed().thenComparing(i -> i));
    for (int k = 0; k < leftover; k++) {
      int i = order.get(k);
      floors.set(i, floors.get(i).add(BigInteger.ONE));
    }
    List<BigDecimal> parts = new ArrayList<>(weights.size());
    for (BigInteger f : floors) {
      BigDecimal part = new BigDecimal(f, scale);
      parts.add(negative ? part.negate() : part);
    }
    return List.copyOf(parts);
  }
}
