package io.aifocus.jobs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The anomaly rule of docs/analytics.md for one daily spend series: a day is anomalous when its spend exceeds
 * the median of the trailing window (the expected spend) by more than max(z × 1.4826 × MAD, (min-ratio − 1) ×
 * median) and is at least min-spend. MAD is the median absolute deviation from the median; 1.4826 × MAD
 * estimates the standard deviation of normal data while ignoring outliers, so one past spike does not hide the
 * next, and the ratio term keeps a perfectly regular series (MAD 0) from flagging ordinary noise. Days with
 * fewer than min-history days of history are not judged.
 */
final class RobustBaseline {
  static final BigDecimal MAD_TO_SIGMA = new BigDecimal("1.4826");
  private static final MathContext MC = MathContext.DECIMAL128;
  private static final int SCALE = 12;

  /** The verdict of one anomalous day. */
  record Flag(int dayIndex, BigDecimal actual, BigDecimal expected, BigDecimal mad, BigDecimal threshold,
      int historyDays, Optional<BigDecimal> ratio, String reason) {}

  private RobustBaseline() {}

  /** Anomalous days of {@code daily} (one value per consecutive day, oldest first). */
  static List<Flag> detect(List<BigDecimal> daily, AnalyticsConfig.AnomalySettings settings) {
    List<Flag> flags = new ArrayList<>();
    for (int d = 0; d < daily.size(); d++) {
      int from = Math.max(0, d - settings.windowDays());
      List<BigDecimal> history = daily.subList(from, d);
      if (history.size() < settings.minHistoryDays()) {
        continue;
      }
      BigDecimal median = median(history);
      List<BigDecimal> deviations = history.stream().map(v -> v.subtract(median).abs()).toList();
      BigDecimal mad = median(deviations);
      BigDecimal spread = settings.z().multiply(MAD_TO_SIGMA).multiply(mad);
      BigDecimal ratioMargin = settings.minRatio().subtract(BigDecimal.ONE).multiply(median.max(BigDecimal.ZERO));
      BigDecimal threshold = median.add(spread.max(ratioMargin));
      BigDecimal actual = daily.get(d);
      if (actual.compareTo(threshold) > 0 && actual.compareTo(settings.minSpend()) >= 0) {
        Optional<BigDecimal> ratio = median.signum() > 0
            ? Optional.of(actual.divide(median, MC).setScale(2, RoundingMode.HALF_UP)) : Optional.empty();
        String why = ratio.map(r -> String.format(Locale.ROOT, "%s× the", r.toPlainString())).orElse("above the zero");
        String reason = String.format(Locale.ROOT,
            "spend %s is %s %d-day median %s (MAD %s); threshold %s = median + max(%s × 1.4826 × MAD, (%s − 1) × median)",
            money(actual), why, history.size(), money(median), money(mad), money(threshold),
            settings.z().toPlainString(), settings.minRatio().toPlainString());
        flags.add(new Flag(d, actual.setScale(SCALE, RoundingMode.HALF_UP), median.setScale(SCALE, RoundingMode.HALF_UP),
            mad.setScale(SCALE, RoundingMode.HALF_UP), threshold.setScale(SCALE, RoundingMode.HALF_UP), history.size(),
            ratio, reason));
      }
    }
    return flags;
  }

  static BigDecimal median(List<BigDecimal> values) {
    List<BigDecimal> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    if (n % 2 == 1) {
      return sorted.get(n / 2);
    }
    return sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MC);
  }

  static String money(BigDecimal value) {
    return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
