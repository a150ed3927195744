package io.aifocus.allocate.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GpuSplitTest {
  private static final BigDecimal HOUR = BigDecimal.valueOf(GpuUnits.PER_GPU_HOUR);

  private static GpuSplit.Share gpus(String gpuHours) {
    BigDecimal t = HOUR.multiply(new BigDecimal(gpuHours));
    return new GpuSplit.Share(t, t);
  }

  private static BigDecimal sum(List<GpuSplit.Part> parts, int amount) {
    return parts.stream().map(p -> p.amounts().get(amount)).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal ratios(List<GpuSplit.Part> parts) {
    return parts.stream().map(GpuSplit.Part::ratio).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void tenDollarsAcrossThreeEqualWorkloads() {
    List<GpuSplit.Part> parts = GpuSplit.split(IdleHandling.SEPARATE, HOUR.multiply(BigDecimal.valueOf(3)),
        List.of(gpus("1"), gpus("1"), gpus("1")), List.of(new BigDecimal("10.00")));
    assertThat(parts).extracting(p -> p.amounts().get(0))
        .containsExactly(new BigDecimal("3.34"), new BigDecimal("3.33"), new BigDecimal("3.33"));
    assertThat(parts).extracting(GpuSplit.Part::ratio).containsExactly(
        new BigDecimal("0.333333333334"), new BigDecimal("0.333333333333"), new BigDecimal("0.333333333333"));
    assertThat(ratios(parts)).isEqualByComparingTo("1");
    assertThat(parts).noneMatch(GpuSplit.Part::idle); // full node: no idle part
  }

  @Test
  void idleSeparateTakesTheUnusedShare() {
    // 8-GPU node, $32.77 for the hour; workloads use 3 and 1 GPU-hours; 4 GPU-hours idle = half the cost
    List<GpuSplit.Part> parts = GpuSplit.split(IdleHandling.SEPARATE, HOUR.multiply(BigDecimal.valueOf(8)),
        List.of(gpus("3"), gpus("1")), List.of(new BigDecimal("32.77"), new BigDecimal("8.000000000000")));
    assertThat(parts).extracting(p -> p.amounts().get(0))
        .containsExactly(new BigDecimal("12.29"), new BigDecimal("4.10"), new BigDecimal("16.38"));
    // 32.77 × 3/8 = 12.28875, × 1/8 = 4.09625, × 4/8 = 16.385 → floors 12.28, 4.09, 16.38, two cents left to the
    // largest remainders (.875 and .625)
    assertThat(parts.get(2).idle()).isTrue();
    assertThat(parts).extracting(p -> p.amounts().get(1)).containsExactly(
        new BigDecimal("3.000000000000"), new BigDecimal("1.000000000000"), new BigDecimal("4.000000000000"));
    assertThat(parts).extracting(GpuSplit.Part::gpuHours).containsExactly(
        new BigDecimal("3.000000000000"), new BigDecimal("1.000000000000"), new BigDecimal("4.000000000000"));
    assertThat(ratios(parts)).isEqualByComparingTo("1");
  }

  @Test
  void redistributeGivesIdleToWorkloadsByWeight() {
    List<GpuSplit.Part> parts = GpuSplit.split(IdleHandling.REDISTRIBUTE, HOUR.multiply(BigDecimal.valueOf(8)),
        List.of(gpus("3"), gpus("1")), List.of(new BigDecimal("32.77")));
    assertThat(parts).hasSize(2).noneMatch(GpuSplit.Part::idle);
    // 32.77 × 3/4 = 24.5775, × 1/4 = 8.1925 → 24.57 + 8.19 + one cent to .7775
    assertThat(parts).extracting(p -> p.amounts().get(0)).containsExactly(new BigDecimal("24.58"), new BigDecimal("8.19"));
    assertThat(parts).extracting(GpuSplit.Part::ratio).containsExactly(new BigDecimal("0.750000000000"), new BigDecimal("0.250000000000"));
  }

  @Test
  void utilizationScoresSplitTheUsedShareAndIdleKeepsItsTimeShare() {
    // 2-GPU node: workload A 1 GPU-hour at 90 %, B 0.5 GPU-hour at 30 %; 0.5 GPU-hour idle (a quarter)
    BigDecimal a = HOUR;
    BigDecimal b = HOUR.divide(BigDecimal.valueOf(2));
    List<GpuSplit.Share> shares = List.of(
        new GpuSplit.Share(a, a.multiply(new BigDecimal("0.9"))), new GpuSplit.Share(b, b.multiply(new BigDecimal("0.3"))));
    List<GpuSplit.Part> parts = GpuSplit.split(IdleHandling.SEPARATE, HOUR.multiply(BigDecimal.valueOf(2)), shares, List.of(new BigDecimal("4.00")));
    // idle: 1/4 = 1.00; used 3.00 split 0.9 : 0.15 → 2.571428… and 0.428571… → 2.57 + 0.43 (remainders .14 vs .86)
    assertThat(parts).extracting(p -> p.amounts().get(0))
        .containsExactly(new BigDecimal("2.57"), new BigDecimal("0.43"), new BigDecimal("1.00"));
    assertThat(ratios(parts)).isEqualByComparingTo("1");
  }

  @Test
  void zeroScoresFallBackToGpuTime() {
    List<GpuSplit.Share> shares = List.of(new GpuSplit.Share(HOUR, BigDecimal.ZERO), new GpuSplit.Share(HOUR, BigDecimal.ZERO));
    List<GpuSplit.Part> parts = GpuSplit.split(IdleHandling.REDISTRIBUTE, HOUR.multiply(BigDecimal.valueOf(2)), shares, List.of(new BigDecimal("1.01")));
    assertThat(parts).extracting(p -> p.amounts().get(0)).containsExactly(new BigDecimal("0.51"), new BigDecimal("0.50"));
  }

  @Test
  void noWorkloadGivesOneIdlePartEvenWhenRedistributing() {
    List<GpuSplit.Part> parts = GpuSplit.split(IdleHandling.REDISTRIBUTE, HOUR, List.of(), java.util.Arrays.asList(new BigDecimal("2.50"), null));
    assertThat(parts).singleElement().satisfies(p -> {
      assertThat(p.idle()).isTrue();
      assertThat(p.ratio()).isEqualByComparingTo("1");
      assertThat(p.amounts()).containsExactly(new BigDecimal("2.50"), null);
      assertThat(p.gpuHours()).isEqualByComparingTo("1");
    });
  }

  @Test
  void migSlicesAreExactUnits() {
    assertThat(GpuUnits.ofProfile("1g.10gb")).contains(120);
    assertThat(GpuUnits.ofProfile("3g.40gb")).contains(360);
    assertThat(GpuUnits.ofProfile("7g.80gb")).contains(840);
    assertThat(GpuUnits.ofProfile("1g.6gb")).contains(210); // A30: 4 slices
    assertThat(GpuUnits.ofProfile("1g.10gb+me")).contains(120);
    assertThat(GpuUnits.ofProfile("")).isEmpty();
    assertThat(GpuUnits.ofResource("nvidia_com_gpu")).contains(840);
    assertThat(GpuUnits.ofResource("nvidia_com_mig_2g_20gb")).contains(240);
    assertThat(GpuUnits.ofResource("cpu")).isEmpty();
    // a 1g.10gb slice busy for an hour is 1/7 GPU-hour
    assertThat(GpuUnits.gpuHours(BigDecimal.valueOf(120L * 3_600_000))).isEqualByComparingTo("0.142857142857");
  }

  @Test
  void partsAlwaysSumToTheOriginOnRandomInputs() {
    Random random = new Random(42);
    for (int trial = 0; trial < 500; trial++) {
      List<GpuSplit.Share> shares = new ArrayList<>();
      int n = random.nextInt(6);
      BigDecimal used = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        BigDecimal t = BigDecimal.valueOf(random.nextInt(3_000_000));
        used = used.add(t);
        shares.add(new GpuSplit.Share(t, t.multiply(BigDecimal.valueOf(random.nextInt(101), 2))));
      }
      BigDecimal capacity = used.add(BigDecimal.valueOf(random.nextInt(2_000_000)));
      if (capacity.signum() == 0) {
        capacity = BigDecimal.ONE;
      }
      BigDecimal cost = BigDecimal.valueOf(random.nextInt(1_000_000), 2 + random.nextInt(3));
      BigDecimal quantity = BigDecimal.valueOf(random.nextInt(1_000_000), 12);
      IdleHandling idle = random.nextBoolean() ? IdleHandling.SEPARATE : IdleHandling.REDISTRIBUTE;
      List<GpuSplit.Part> parts = GpuSplit.split(idle, capacity, shares, List.of(cost, quantity));
      assertThat(sum(parts, 0)).isEqualTo(cost);
      assertThat(sum(parts, 1)).isEqualTo(quantity);
      assertThat(ratios(parts)).isEqualByComparingTo("1");
    }
  }

  @Test
  void onPremCostModelPerGpuHour() {
    // 30000 / (4 × 8760) = 0.856164383…; 700 W × 1.4 × 0.12 / 1000 = 0.1176; + 0.25 → 1.223764
    OnPremCostModel m = new OnPremCostModel(new BigDecimal("30000"), new BigDecimal("4"), new BigDecimal("700"),
        new BigDecimal("1.4"), new BigDecimal("0.12"), new BigDecimal("0.25"));
    assertThat(m.perGpuHour()).isEqualTo(new BigDecimal("1.223764"));
  }
}
