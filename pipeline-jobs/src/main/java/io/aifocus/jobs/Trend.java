package io.aifocus.jobs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * The forecast method of docs/analytics.md: spend of the days still to come in a period, from the trailing
 * daily spend. With 7 or more days of history, an ordinary least-squares line through the days (day index
 * 1..n) is extended over the horizon, each projected day floored at 0; with fewer days, the mean day is
 * repeated. The 80% interval is ± 1.2816 × s × √h around the projected sum, s being the standard deviation of
 * the residuals (n − 2 degrees of freedom for the line, n − 1 for the mean) and h the horizon in days; its
 * lower end is floored at 0. Exact decimal arithmetic (34 significant digits), results at scale 12.
 */
final class Trend {
  static final int MIN_DAYS_FOR_LINE = 7;
  /** Two-sided 80% normal quantile. */
  static final BigDecimal Z80 = new BigDecimal("1.2816");
  private static final MathContext MC = MathContext.DECIMAL128;
  private static final int SCALE = 12;

  /** Projected spend over the horizon with its 80% interval. */
  record Projection(BigDecimal point, BigDecimal lower, BigDecimal upper, String method) {}

  private Trend() {}

  static Projection project(List<BigDecimal> history, int horizonDays) {
    int n = history.size();
    if (horizonDays <= 0 || n == 0) {
      BigDecimal zero = BigDecimal.ZERO.setScale(SCALE);
      return new Projection(zero, zero, zero, n == 0 ? "no history" : "period complete");
    }
    BigDecimal h = BigDecimal.valueOf(horizonDays);
    BigDecimal sumY = history.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal meanY = sumY.divide(BigDecimal.valueOf(n), MC);
    if (n < MIN_DAYS_FOR_LINE) {
      BigDecimal ss = BigDecimal.ZERO;
      for (BigDecimal y : history) {
        ss = ss.add(y.subtract(meanY).pow(2), MC);
      }
      BigDecimal s = n > 1 ? ss.divide(BigDecimal.valueOf(n - 1), MC).sqrt(MC) : BigDecimal.ZERO;
      BigDecimal point = meanY.max(BigDecimal.ZERO).multiply(h, MC);
      return interval(point, s, horizonDays, "mean of " + n + " day(s)");
    }
    // least squares over t = 1..n
    BigDecimal meanT = BigDecimal.valueOf(n + 1).divide(BigDecimal.valueOf(2), MC);
    BigDecimal sxx = BigDecimal.ZERO;
    BigDecimal sxy = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      BigDecimal dt = BigDecimal.valueOf(i + 1).subtract(meanT);
      sxx = sxx.add(dt.pow(2), MC);
      sxy = sxy.add(dt.multiply(history.get(i).subtract(meanY), MC), MC);
    }
    BigDecimal slope = sxy.divide(sxx, MC);
    BigDecimal intercept = meanY.subtract(slope.multiply(meanT, MC), MC);
    BigDecimal ss = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      BigDecimal fitted = intercept.add(slope.multiply(BigDecimal.valueOf(i + 1), MC), MC);
      ss = ss.add(history.get(i).subtract(fitted).pow(2), MC);
    }
    BigDecimal s = ss.divide(BigDecimal.valueOf(n - 2), MC).sqrt(MC);
    BigDecimal point = BigDecimal.ZERO;
    for (int t = n + 1; t <= n + horizonDays; t++) {
      point = point.add(intercept.add(slope.multiply(BigDecimal.valueOf(t), MC), MC).max(BigDecimal.ZERO), MC);
    }
    return interval(point, s, horizonDays, "linear trend of " + n + " days");
  }

  private static Projection interval(BigDecimal point, BigDecimal s, int horizonDays, String method) {
    BigDecimal half = Z80.multiply(s, MC).multiply(BigDecimal.valueOf(horizonDays).sqrt(MC), MC);
    return new Projection(point.setScale(SCALE, RoundingMode.HALF_UP),
        point.subtract(half, MC).max(BigDecimal.ZERO).setScale(SCALE, RoundingMode.HALF_UP),
        point.add(half, MC).setScale(SCALE, RoundingMode.HALF_UP), method);
  }
}
