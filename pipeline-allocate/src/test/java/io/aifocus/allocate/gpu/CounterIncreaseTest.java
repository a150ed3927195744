package io.aifocus.allocate.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterIncreaseTest {
  private static final long H = 3_600_000L;
  private static final long STEP = 600_000L;

  private static CounterIncrease.Sample s(long ms, String value) {
    return new CounterIncrease.Sample(ms, new BigDecimal(value));
  }

  @Test
  void increasesBelongToTheHourOfTheLaterSampleAndTheFirstSampleIsTheBaseline() {
    List<CounterIncrease.Sample> samples = new ArrayList<>();
    // 00:00 .. 01:50 every 10 minutes, +100 per step, starting at 5000 (counted before the window)
    for (int i = 0; i < 12; i++) {
      samples.add(s(i * STEP, String.valueOf(5000 + 100 * i)));
    }
    assertThat(CounterIncrease.perHour(samples)).containsExactly(
        new CounterIncrease.Hourly(0, new BigDecimal("500"), 0),
        new CounterIncrease.Hourly(H, new BigDecimal("600"), 0));
  }

  @Test
  void aResetCountsTheNewValueFromZeroLikePrometheusIncrease() {
    // 1000, 1300, (restart) 200, 500: increases 300 + 200 + 300 = 800, one reset
    List<CounterIncrease.Sample> samples = List.of(s(3 * STEP, "500"), s(0, "1000.0"), s(STEP, "1300"), s(2 * STEP, "2e2"));
    assertThat(CounterIncrease.perHour(samples)).singleElement().satisfies(h -> {
      assertThat(h.increase()).isEqualByComparingTo("800");
      assertThat(h.resets()).isEqualTo(1);
    });
  }

  @Test
  void aResetToZeroAcrossAnHourBoundaryAndDuplicateSamples() {
    // 00:50 = 900, 01:00 = 0 (restarted, nothing served yet), 01:00 again (duplicate), 01:10 = 40
    List<CounterIncrease.Sample> samples = List.of(s(5 * STEP, "900"), s(6 * STEP, "0"), s(6 * STEP, "0"), s(7 * STEP, "40"));
    assertThat(CounterIncrease.perHour(samples)).containsExactly(new CounterIncrease.Hourly(H, new BigDecimal("40"), 1));
    assertThat(CounterIncrease.perHour(List.of(s(0, "7")))).isEmpty();
  }
}
