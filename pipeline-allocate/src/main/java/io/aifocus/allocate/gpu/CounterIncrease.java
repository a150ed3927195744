package io.aifocus.allocate.gpu;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-hour increases of one Prometheus counter series (plain Java; docs/sources/vllm-metrics.md).
 *
 * <p>Samples are taken in time order; between two consecutive samples the counter grew by {@code later - earlier},
 * or, when the later value is smaller, it was reset (the process restarted) and grew by the later value from zero,
 * as Prometheus' {@code increase()} counts resets. Each increase belongs to the hour of the later sample (the
 * tokens were counted by then). The first sample of a series is its baseline: what it counted before is not
 * known to belong to the samples' window. Unlike {@code increase()} nothing is extrapolated to window edges, so the
 * hourly increases add up exactly to the series' total increase.
 */
public final class CounterIncrease {
  static final long HOUR_MS = 3_600_000L;

  private CounterIncrease() {}

  /** One sample: epoch milliseconds and the counter value. */
  public record Sample(long epochMs, BigDecimal value) {
    public Sample {
      requireNonNull(value, "value is null");
    }
  }

  /** The increase in one hour (start in epoch milliseconds) and how many resets were seen in it. */
  public record Hourly(long hourStartMs, BigDecimal increase, int resets) {
    public Hourly {
      requireNonNull(increase, "increase is null");
    }
  }

  /**
   * The increases per hour, in hour order; an hour appears when a sample after the first falls in it (its
   * increase may be zero). Samples with the same time as the previous one are duplicates and count nothing.
   */
  public static List<Hourly> perHour(List<Sample> samples) {
    List<Sample> sorted = new ArrayList<>(samples);
    sorted.sort(Comparator.comparingLong(Sample::epochMs));
    Map<Long, BigDecimal> increases = new TreeMap<>();
    Map<Long, Integer> resets = new TreeMap<>();
    Sample previous = null;
    for (Sample s : sorted) {
      if (previous != null && s.epochMs() != previous.epochMs()) {
        long hour = Math.floorDiv(s.epochMs(), HOUR_MS) * HOUR_MS;
        boolean reset = s.value().compareTo(previous.value()) < 0;
        BigDecimal increase = reset ? s.value() : s.value().subtract(previous.value());
        increases.merge(hour, increase, BigDecimal::add);
        resets.merge(hour, reset ? 1 : 0, Integer::sum);
      }
      if (previous == null || s.epochMs() != previous.epochMs()) {
        previous = s;
      }
    }
    List<Hourly> out = new ArrayList<>();
    increases.forEach((hour, increase) -> out.add(new Hourly(hour, increase, resets.get(hour))));
    return out;
  }
}
