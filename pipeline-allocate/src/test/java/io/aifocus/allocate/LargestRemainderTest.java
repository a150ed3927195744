package io.aifocus.allocate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LargestRemainderTest {
  private static List<BigDecimal> d(String... values) {
    return java.util.Arrays.stream(values).map(BigDecimal::new).toList();
  }

  @Test
  void tenDollarsAcrossThreeWorkloads() {
    assertThat(LargestRemainder.split(new BigDecimal("10.00"), d("1", "1", "1"), 2))
        .containsExactly(new BigDecimal("3.34"), new BigDecimal("3.33"), new BigDecimal("3.33"));
  }

  @Test
  void largestRemaindersGetTheLeftoverCents() {
    // shares 1.666.., 3.333.., 5.0 of 10.00 by weights 1:2:3 → 1.67, 3.33, 5.00
    assertThat(LargestRemainder.split(new BigDecimal("10.00"), d("1", "2", "3"), 2))
        .containsExactly(new BigDecimal("1.67"), new BigDecimal("3.33"), new BigDecimal("5.00"));
  }

  @Test
  void negativeAmountsSplitSymmetrically() {
    assertThat(LargestRemainder.split(new BigDecimal("-0.05"), d("0.5", "0.25", "0.25"), 2))
        .containsExactly(new BigDecimal("-0.03"), new BigDecimal("-0.01"), new BigDecimal("-0.01"));
  }

  @Test
  void zeroWeightsGetNothing() {
    assertThat(LargestRemainder.split(new BigDecimal("7.00"), d("0", "3", "0"), 2))
        .containsExactly(new BigDecimal("0.00"), new BigDecimal("7.00"), new BigDecimal("0.00"));
  }

  @Test
  void partsAlwaysSumToTheAmount() {
    Random random = new Random(42);
    for (int trial = 0; trial < 500; trial++) {
      BigDecimal amount = BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 6);
      int n = 1 + random.nextInt(12);
      List<BigDecimal> weights = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        weights.add(BigDecimal.valueOf(random.nextInt(1000), random.nextInt(4)));
      }
      weights.set(0, weights.get(0).add(BigDecimal.ONE));
      List<BigDecimal> parts = LargestRemainder.split(amount, weights, 6);
      assertThat(parts.stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(amount);
      for (BigDecimal p : parts) {
        assertThat(p.scale()).isEqualTo(6);
      }
    }
  }

  @Test
  void rejectsAmountsFinerThanTheScale() {
    assertThatThrownBy(() -> LargestRemainder.split(new BigDecimal("1.005"), d("1", "1"), 2))
        .isInstanceOf(ArithmeticException.class).hasMessageContaining("Rounding necessary");
    assertThatThrownBy(() -> LargestRemainder.split(BigDecimal.ONE, d("0", "0"), 2))
        .hasMessage("Cannot split over weights that sum to zero");
  }
}
