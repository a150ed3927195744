package io.aifocus.allocate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.aifocus.allocate.credits.SpendCommitments.Count;
import io.aifocus.allocate.credits.SpendCommitments.Result;
import io.aifocus.allocate.credits.SpendCommitments.Shortfall;
import io.aifocus.api.credits.Grant.Scope;
import io.aifocus.api.credits.SpendCommitment;
import io.aifocus.api.credits.SpendCommitment.Period;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Spend commitments: counted spend, shortfalls per period, ledger and forecast. Plain Java. */
class SpendCommitmentsTest {
  private static final Scope ACME = new Scope("acct-1", Optional.empty(), Optional.empty());
  private static final LocalDate NOV1 = LocalDate.of(2026, 11, 1);

  static SpendCommitment commit(String id, String minimum, Period period, LocalDate start, LocalDate expiry) {
    return new SpendCommitment(id, "c", "OpenAI", ACME, new BigDecimal(minimum), "USD", start, expiry, period,
        Optional.empty(), "test");
  }

  static Consumption spend(int index, LocalDate day, String cost) {
    return new Consumption(index, "OpenAI", "acct-1", Optional.empty(), "t",
        day.atStartOfDay(ZoneOffset.UTC).plusHours(12).toInstant(), Optional.empty(), new BigDecimal(cost), "USD");
  }

  @Test
  void countsSpendUpToTheMinimumAndBillsTheShortfallAtTheTermEnd() {
    SpendCommitment shortOne = commit("short", "5.00", Period.TERM, NOV1, LocalDate.of(2026, 11, 16));
    SpendCommitment exact = commit("exact", "3.00", Period.TERM, NOV1, LocalDate.of(2026, 12, 1));
    Result r = SpendCommitments.run(List.of(shortOne, exact), List.of(
        spend(0, LocalDate.of(2026, 11, 2), "1.50"),
        spend(1, LocalDate.of(2026, 11, 5), "1.50"),
        spend(2, LocalDate.of(2026, 11, 9), "1.50"),
        spend(3, LocalDate.of(2026, 11, 20), "1.50")), LocalDate.of(2026, 12, 1), p -> p);
    // exact: 1.50 + 1.50 = 3.00 by Nov 5, nothing after; short: 4.50 by Nov 9, Nov 20 is after its term
    assertThat(r.counts()).extracting(Count::index, Count::commitmentId, c -> c.amount().toPlainString())
        .containsExactly(tuple(0, "exact", "1.50"), tuple(0, "short", "1.50"), tuple(1, "exact", "1.50"),
            tuple(1, "short", "1.50"), tuple(2, "short", "1.50"));
    assertThat(r.shortfalls()).extracting(Shortfall::commitmentId, Shortfall::day, s -> s.amount().toPlainString())
        .containsExactly(tuple("short", LocalDate.of(2026, 11, 15), "0.50"));
    List<BurnDown.LedgerDay> exactLedger = r.ledger().stream().filter(d -> d.grantId().equals("exact")).toList();
    assertThat(exactLedger).hasSize(30);
    assertThat(exactLedger.get(4).closingBalance()).isEqualByComparingTo("0");
    assertThat(exactLedger.get(4).projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 5));
    assertThat(exactLedger.get(4).runsOutBeforeTerm()).isTrue(); // met before the end
    assertThat(exactLedger.get(4).expiresUnused()).isFalse(); // no shortfall
    List<BurnDown.LedgerDay> shortLedger = r.ledger().stream().filter(d -> d.grantId().equals("short")).toList();
    // Nov 9: 0.50 left at 3.00 / 7 a day (Nov 5 and 9 in the window Nov 3-9): ⌈1.17⌉ = 2 days later, Nov 11
    assertThat(shortLedger.get(8).projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 11));
    assertThat(shortLedger.get(8).expiresUnused()).isFalse();
    // Nov 14: only Nov 9's 1.50 is in the window Nov 8-14 (1.50 / 7 a day): ⌈2.33⌉ = 3 days, Nov 17,
    // after the term: a shortfall is forecast
    assertThat(shortLedger.get(13).projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 17));
    assertThat(shortLedger.get(13).expiresUnused()).isTrue();
    BurnDown.LedgerDay last = shortLedger.get(14);
    assertThat(last.day()).isEqualTo(LocalDate.of(2026, 11, 15));
    assertThat(last.expired()).isEqualByComparingTo("0.50");
    assertThat(last.closingBalance()).isEqualByComparingTo("0");
    for (BurnDown.LedgerDay d : r.ledger()) {
      assertThat(d.closingBalance()).isEqualByComparingTo(d.openingBalance().subtract(d.burned()).subtract(d.expired()));
    }
  }

  @Test
  void aMonthlyMinimumStartsOverEveryMonthAndOnlyEndedMonthsHaveAShortfall() {
    SpendCommitment monthly = commit("monthly", "2.00", Period.MONTH, LocalDate.of(2026, 10, 1),
        LocalDate.of(2027, 1, 1));
    Result r = SpendCommitments.run(List.of(monthly), List.of(
        spend(0, LocalDate.of(2026, 10, 10), "2.50"),
        spend(1, LocalDate.of(2026, 11, 10), "0.75")), LocalDate.of(2026, 12, 1), p -> p);
    // October: 2.50 counts 2.00 (met); November: 0.75, shortfall 1.25; December has not ended
    assertThat(r.counts()).extracting(c -> c.amount().toPlainString()).containsExactly("2.00", "0.75");
    assertThat(r.shortfalls()).extracting(Shortfall::periodStart, Shortfall::periodEnd, s -> s.amount().toPlainString())
        .containsExactly(tuple(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1), "1.25"));
    assertThat(monthly.termMinimum()).isEqualByComparingTo("6.00");
    BurnDown.LedgerDay nov1 = r.ledger().stream().filter(d -> d.day().equals(LocalDate.of(2026, 11, 1))).findFirst()
        .orElseThrow();
    assertThat(nov1.openingBalance()).isEqualByComparingTo("2.00"); // a new month starts at the minimum
    assertThat(r.ledger()).hasSize(61);
  }
}
