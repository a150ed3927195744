package io.aifocus.allocate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.aifocus.allocate.credits.Reservations.Cover;
import io.aifocus.allocate.credits.Reservations.ModelUsage;
import io.aifocus.allocate.credits.Reservations.Result;
import io.aifocus.api.credits.Grant.Scope;
import io.aifocus.api.credits.ProvisionedThroughput;
import io.aifocus.api.credits.ProvisionedThroughput.FeePer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Provisioned-throughput reservations: capacity per hour, overflow, idle hours, exact fees. Plain Java. */
class ReservationsTest {
  private static final Scope ACME = new Scope("acct-1", Optional.empty(), Optional.empty());
  private static final LocalDate NOV3 = LocalDate.of(2026, 11, 3);

  static ProvisionedThroughput pt(String fee, FeePer per, LocalDate start, LocalDate expiry) {
    return new ProvisionedThroughput("pt", "c", "OpenAI", ACME, "golden-gpt", 2, new BigDecimal("1000000"),
        new BigDecimal(fee), per, "USD", start, expiry, Optional.empty(), "test");
  }

  static ModelUsage use(int index, String model, Instant start, Instant end, String tokens, String cost) {
    return new ModelUsage(new Consumption(index, "OpenAI", "acct-1", Optional.empty(), "t", start,
        Optional.of(new BigDecimal(tokens)), new BigDecimal(cost), "USD"), model, end);
  }

  static Instant at(LocalDate day, int hour) {
    return day.atStartOfDay(ZoneOffset.UTC).plusHours(hour).toInstant();
  }

  @Test
  void coversTheModelUpToEachHoursCapacityAndSplitsTheFeesExactly() {
    ProvisionedThroughput r = pt("0.60", FeePer.HOUR, NOV3, NOV3.plusDays(1));
    Result res = Reservations.run(List.of(r), List.of(
        use(0, "golden-gpt", at(NOV3, 10), at(NOV3, 11), "400000", "0.40"),
        use(1, "golden-gpt", at(NOV3, 10), at(NOV3, 11), "100000", "0.20"),
        use(2, "golden-gpt", at(NOV3, 11), at(NOV3, 12), "900000", "0.90"),
        use(3, "golden-gpt", at(NOV3, 11), at(NOV3, 12), "300000", "0.60"),
        use(4, "other-model", at(NOV3, 12), at(NOV3, 13), "1000", "1"),
        use(5, "GOLDEN-GPT", at(NOV3, 13), at(NOV3.plusDays(1), 0), "1000", "1"), // a daily row: not in one hour
        use(6, "golden-gpt", at(NOV3.plusDays(1), 1), at(NOV3.plusDays(1), 2), "1000", "1")), // after the term
        LocalDate.of(2026, 12, 1), p -> p.toLowerCase());
    // hour 10: all 500,000 tokens; hour 11: 900,000 + 100,000 of row 3 (a third of its 0.60), 200,000 overflow
    assertThat(res.covers()).extracting(Cover::index, c -> c.tokens().toPlainString(),
            c -> c.coveredCost().toPlainString(), c -> c.amortizedCost().toPlainString(),
            c -> c.unitHours().toPlainString())
        .containsExactly(tuple(0, "400000", "0.40", "0.480000000000", "1.600000000000"),
            tuple(1, "100000", "0.20", "0.120000000000", "0.400000000000"),
            tuple(2, "900000", "0.90", "0.540000000000", "1.800000000000"),
            tuple(3, "100000", "0.200000000000", "0.060000000000", "0.200000000000"));
    // 22 idle hours of 2 units: 44 unit-hours, 13.20; the day's fee 24 x 0.60 = 14.40 = 1.20 used + 13.20 idle
    assertThat(res.idle()).extracting(Reservations.Idle::day, Reservations.Idle::hours, i -> i.unitHours().toPlainString(),
        i -> i.cost().toPlainString()).containsExactly(tuple(NOV3, 22, "44", "13.20"));
    assertThat(res.fees()).extracting(Reservations.Fee::day, f -> f.unitHours().toPlainString(),
        f -> f.fee().toPlainString()).containsExactly(tuple(NOV3, "48", "14.40"));
    BurnDown.LedgerDay day = res.ledger().get(0);
    assertThat(day.openingBalance()).isEqualByComparingTo("48");
    assertThat(day.burned()).isEqualByComparingTo("4");
    assertThat(day.expired()).isEqualByComparingTo("44");
    assertThat(day.closingBalance()).isEqualByComparingTo("0");
    assertThat(day.burnedBillingCurrency()).isEqualByComparingTo("1.20");
    assertThat(day.expiresUnused()).isTrue();
    assertThat(res.ledger()).hasSize(1);
  }

  @Test
  void aMonthlyFeeIsSplitOverTheMonthsHoursAndEveryDayAddsUpToItsFees() {
    // 100.00 a month over November's 720 hours: 0.138888888889 x 320 + 0.138888888888 x 400 (largest remainder)
    ProvisionedThroughput r = pt("100.00", FeePer.MONTH, LocalDate.of(2026, 11, 1), LocalDate.of(2027, 1, 1));
    Result res = Reservations.run(List.of(r), List.of(
        use(0, "golden-gpt", at(NOV3, 5), at(NOV3, 6), "10", "0.01")), LocalDate.of(2026, 12, 1), p -> p);
    assertThat(res.fees()).hasSize(30);
    assertThat(res.fees().stream().map(Reservations.Fee::fee).reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualByComparingTo("100.00");
    BigDecimal used = res.covers().stream().map(Cover::amortizedCost).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal idle = res.idle().stream().map(Reservations.Idle::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(used.add(idle)).isEqualByComparingTo("100.00");
    for (Reservations.Fee f : res.fees()) {
      BigDecimal day = res.covers().stream().filter(c -> c.hour().atZone(ZoneOffset.UTC).toLocalDate().equals(f.day()))
          .map(Cover::amortizedCost).reduce(BigDecimal.ZERO, BigDecimal::add)
          .add(res.idle().stream().filter(i -> i.day().equals(f.day())).map(Reservations.Idle::cost)
              .reduce(BigDecimal.ZERO, BigDecimal::add));
      assertThat(day).as(f.day().toString()).isEqualByComparingTo(f.fee());
    }
    // December has not happened (as of Dec 1): no fees, and the ledger stops at Nov 30
    assertThat(res.ledger()).hasSize(30);
    assertThat(res.ledger().get(29).closingBalance()).isEqualByComparingTo(String.valueOf(2 * 31 * 24));
    for (BurnDown.LedgerDay d : res.ledger()) {
      assertThat(d.closingBalance()).isEqualByComparingTo(d.openingBalance().subtract(d.burned()).subtract(d.expired()));
    }
  }
}
