package io.aifocus.allocate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.allocate.credits.BurnDown.Application;
import io.aifocus.allocate.credits.BurnDown.Expiry;
import io.aifocus.allocate.credits.BurnDown.LedgerDay;
import io.aifocus.allocate.credits.BurnDown.Result;
import io.aifocus.api.credits.Grant;
import io.aifocus.api.credits.Grant.Rollover;
import io.aifocus.api.credits.Grant.Scope;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BurnDownTest {
  private static final LocalDate NOV1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate DEC1 = LocalDate.of(2026, 12, 1);
  private static final Scope ACME = new Scope("acct-1", Optional.empty(), Optional.empty());

  static Grant grant(String id, String amount, String unit, String price, int priority, LocalDate start,
      LocalDate expiry, Optional<Rollover> rollover) {
    return new Grant(id, "contract-1", "OpenAI", ACME, new BigDecimal(amount), unit, Optional.empty(), new BigDecimal(price), "USD",
        start, expiry, priority, rollover, Optional.empty(), "test");
  }

  static Consumption use(int index, LocalDate day, String tokens, String cost) {
    return new Consumption(index, "OpenAI", "acct-1", Optional.empty(), "search",
        day.atStartOfDay(ZoneOffset.UTC).plusHours(index % 24).toInstant(),
        Optional.ofNullable(tokens).map(BigDecimal::new), new BigDecimal(cost), "USD");
  }

  /** Usage of {@code cost} dollars (and {@code tokens}) every day of November 2026. */
  static List<Consumption> daily(String tokens, String cost) {
    List<Consumption> out = new ArrayList<>();
    for (int d = 0; d < 30; d++) {
      out.add(use(d, NOV1.plusDays(d), tokens, cost));
    }
    return out;
  }

  static Map<String, BigDecimal> burnedByGrant(Result r) {
    return r.applications().stream().collect(Collectors.groupingBy(Application::grantId,
        Collectors.reducing(BigDecimal.ZERO, Application::quantity, BigDecimal::add)));
  }

  static BigDecimal amortized(Result r, String grant) {
    BigDecimal used = r.applications().stream().filter(a -> a.grantId().equals(grant)).map(Application::amortizedCost)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal unused = r.expiries().stream().filter(e -> e.grantId().equals(grant)).map(Expiry::amortizedCost)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    return used.add(unused);
  }

  static void assertLedgerIdentity(Result r) {
    String previousGrant = null;
    BigDecimal previousClosing = null;
    for (LedgerDay d : r.ledger()) {
      assertThat(d.closingBalance()).isEqualByComparingTo(d.openingBalance().subtract(d.burned()).subtract(d.expired()));
      if (d.grantId().equals(previousGrant)) {
        assertThat(d.openingBalance()).isEqualByComparingTo(previousClosing);
      }
      previousGrant = d.grantId();
      previousClosing = d.closingBalance();
    }
  }

  @Test
  void priorityThenExpiryOrderOverAMonthWithAnUnusedGrant() {
    Grant a = grant("a", "10", "USD", "9", 1, NOV1, LocalDate.of(2026, 11, 16), Optional.empty());
    Grant b = grant("b", "20", "USD", "20", 2, NOV1, DEC1, Optional.empty());
    Grant c = grant("c", "5", "USD", "5", 2, NOV1, LocalDate.of(2026, 11, 6), Optional.empty());
    Result r = BurnDown.run(List.of(b, c, a), daily(null, "1"), DEC1);

    // a (priority 1) covers Nov 1-10; c (priority 2, earlier expiry than b) would be next but expires on Nov 6
    // while a still covers everything; b covers Nov 11-30
    assertThat(r.applications()).hasSize(30);
    assertThat(r.applications().subList(0, 10)).allMatch(x -> x.grantId().equals("a"));
    assertThat(r.applications().subList(10, 30)).allMatch(x -> x.grantId().equals("b"));
    assertThat(r.applications()).allMatch(x -> x.coveredCost().compareTo(BigDecimal.ONE) == 0);
    assertThat(r.expiries()).containsExactly(
        new Expiry("c", LocalDate.of(2026, 11, 5), new BigDecimal("5"), new BigDecimal("5.000000000000")));
    // a was bought at a 10% discount: each covered dollar costs 0.90 amortized
    assertThat(r.applications().get(0).amortizedCost()).isEqualByComparingTo("0.9");
    assertThat(amortized(r, "a")).isEqualByComparingTo("9");
    assertThat(amortized(r, "b")).isEqualByComparingTo("20");
    assertThat(amortized(r, "c")).isEqualByComparingTo("5");
    assertThat(r.balanceAtAsOf()).containsEntry("a", BigDecimal.ZERO).containsEntry("b", BigDecimal.ZERO);
    assertLedgerIdentity(r);
    // ledger rows: a Nov 1-15 (expiry Nov 16), b Nov 1-30, c Nov 1-5
    assertThat(r.ledger()).hasSize(15 + 30 + 5);
    LedgerDay aNov10 = r.ledger().stream().filter(d -> d.grantId().equals("a") && d.day().getDayOfMonth() == 10)
        .findFirst().orElseThrow();
    assertThat(aNov10.closingBalance()).isEqualByComparingTo("0");
    assertThat(aNov10.projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 10));
    assertThat(aNov10.runsOutBeforeTerm()).isTrue();
    LedgerDay cNov5 = r.ledger().stream().filter(d -> d.grantId().equals("c") && d.day().getDayOfMonth() == 5)
        .findFirst().orElseThrow();
    assertThat(cNov5.expired()).isEqualByComparingTo("5");
    assertThat(cNov5.closingBalance()).isEqualByComparingTo("0");
  }

  @Test
  void aTokenPackBurnsTokensWhileTheBillIsInDollarsAndOverageIsOnDemand() {
    Grant pack = grant("pack", "1000000", Grant.TOKENS, "2.00", 1, NOV1, DEC1, Optional.empty());
    List<Consumption> usage = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      usage.add(use(d, NOV1.plusDays(d), "300000", "1.20"));
    }
    usage.add(new Consumption(9, "Anthropic", "acct-1", Optional.empty(), "search",
        NOV1.atStartOfDay(ZoneOffset.UTC).toInstant(), Optional.of(new BigDecimal("5000")), new BigDecimal("0.5"), "USD"));
    Result r = BurnDown.run(List.of(pack), usage, DEC1);

    assertThat(r.applications()).extracting(Application::index).containsExactly(0, 1, 2, 3);
    Application last = r.applications().get(3);
    assertThat(last.quantity()).isEqualByComparingTo("100000");
    // a third of the row's tokens is covered: a third of its 1.20 on-demand cost; 0.80 stays on demand
    assertThat(last.coveredCost()).isEqualByComparingTo("0.40");
    assertThat(r.applications()).extracting(Application::amortizedCost).map(BigDecimal::toPlainString)
        .containsExactly("0.600000000000", "0.600000000000", "0.600000000000", "0.200000000000");
    assertThat(amortized(r, "pack")).isEqualByComparingTo("2.00");
    assertThat(r.expiries()).isEmpty();
    assertLedgerIdentity(r);
    LedgerDay nov4 = r.ledger().get(3);
    assertThat(nov4.unit()).isEqualTo("Tokens");
    assertThat(nov4.burned()).isEqualByComparingTo("100000");
    assertThat(nov4.burnedBillingCurrency()).isEqualByComparingTo("0.2");
    assertThat(nov4.projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 4));
    assertThat(nov4.runsOutBeforeTerm()).isTrue();
  }

  @Test
  void creditsWorthACentEachBurnTheCostDividedByTheirValue() {
    // 300 Credits, 1 Credit = 0.01 USD ($3.00 face value), bought for $2.40; grant provider "AWS" is keyed as the
    // rows are ("aws/bedrock")
    Grant credits = new Grant("cr", "contract-1", "AWS", ACME, new BigDecimal("300"), "Credits",
        Optional.of(new BigDecimal("0.01")), new BigDecimal("2.40"), "USD", NOV1, DEC1, 1, Optional.empty(),
        Optional.empty(), "test");
    List<Consumption> usage = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      usage.add(new Consumption(d, "aws/bedrock", "acct-1", Optional.empty(), "search",
          NOV1.plusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant(), Optional.of(new BigDecimal("1000")),
          new BigDecimal("1.25"), "USD"));
    }
    Result r = BurnDown.run(List.of(credits), usage, DEC1, p -> p.equalsIgnoreCase("AWS") ? "aws/bedrock" : p);

    // Nov 1 and 2: 1.25 USD = 125 Credits each; Nov 3: the last 50 Credits cover 0.50 USD (400 of 1,000 tokens);
    // Nov 4: on demand
    assertThat(r.applications()).extracting(Application::index).containsExactly(0, 1, 2);
    assertThat(r.applications()).extracting(Application::quantity).map(q -> q.stripTrailingZeros().toPlainString())
        .containsExactly("125", "125", "50");
    assertThat(r.applications()).extracting(Application::coveredCost).map(c -> c.stripTrailingZeros().toPlainString())
        .containsExactly("1.25", "1.25", "0.5");
    assertThat(r.applications().get(2).coveredTokens().orElseThrow()).isEqualByComparingTo("400");
    // 2.40 over 300 Credits = 0.008 USD a Credit
    assertThat(r.applications()).extracting(Application::amortizedCost).map(BigDecimal::toPlainString)
        .containsExactly("1.000000000000", "1.000000000000", "0.400000000000");
    assertThat(r.balanceAtAsOf()).containsEntry("cr", BigDecimal.ZERO);
    assertLedgerIdentity(r);
    assertThat(r.ledger().get(2).unit()).isEqualTo("Credits");
    assertThat(r.ledger().get(2).closingBalance()).isEqualByComparingTo("0");
    assertThat(credits.faceValue()).contains(new BigDecimal("3.00"));
  }

  @Test
  void aVirtualCurrencyNeedsItsValueAndANationalCurrencyIsNotOne() {
    assertThatThrownBy(() -> new Grant("x", "c", "OpenAI", ACME, BigDecimal.TEN, "Credits", Optional.empty(),
        BigDecimal.ONE, "USD", NOV1, DEC1, 1, Optional.empty(), Optional.empty(), "test"))
        .hasMessage("Invalid unit value for 'Credits': a virtual currency needs its value in USD per unit (> 0, at most"
            + " 12 decimals), e.g. 0.01");
    assertThatThrownBy(() -> new Grant("x", "c", "OpenAI", ACME, BigDecimal.TEN, "EUR", Optional.of(BigDecimal.ONE),
        BigDecimal.ONE, "USD", NOV1, DEC1, 1, Optional.empty(), Optional.empty(), "test"))
        .hasMessageStartingWith("Invalid unit: 'EUR' (must be Tokens, the grant's currency USD or a virtual currency");
    assertThatThrownBy(() -> new Grant("x", "c", "OpenAI", ACME, BigDecimal.TEN, Grant.TOKENS, Optional.of(BigDecimal.ONE),
        BigDecimal.ONE, "USD", NOV1, DEC1, 1, Optional.empty(), Optional.empty(), "test"))
        .hasMessageStartingWith("Invalid unit value: a grant in Tokens has none");
  }

  @Test
  void usageBeyondEveryGrantStaysOnDemand() {
    Grant small = grant("small", "5", "USD", "5", 1, NOV1, DEC1, Optional.empty());
    Grant tokens = grant("tokens", "1000", Grant.TOKENS, "1", 2, NOV1, DEC1, Optional.empty());
    Result r = BurnDown.run(List.of(small, tokens), daily("1000", "1.5"), DEC1);
    // Nov 1-3 burn 4.5 of the credit, Nov 4 burns 0.5 (a third of its tokens), the pack takes the other 667
    // tokens of Nov 4 (rounded at 12 decimals: 666.666666666667) and 333.333333333333 of Nov 5; the rest is on demand
    Map<String, BigDecimal> burned = burnedByGrant(r);
    assertThat(burned.get("small")).isEqualByComparingTo("5");
    assertThat(burned.get("tokens")).isEqualByComparingTo("1000");
    BigDecimal covered = r.applications().stream().map(Application::coveredCost).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal onDemand = new BigDecimal("45").subtract(covered);
    assertThat(covered).isEqualByComparingTo("6.5");
    assertThat(onDemand).isEqualByComparingTo("38.5");
    assertThat(r.applications()).filteredOn(a -> a.index() == 3).extracting(Application::grantId)
        .containsExactly("small", "tokens");
    // the credit's 0.5 of a 1.5 row covers a third of its 1,000 tokens; the pack burns the rest
    assertThat(r.applications()).filteredOn(a -> a.index() == 3)
        .extracting(a -> a.coveredTokens().orElseThrow().toPlainString(), a -> a.quantity().toPlainString())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("333.333333333333", "0.5"),
            org.assertj.core.groups.Tuple.tuple("666.666666666667", "666.666666666667"));
    assertThat(r.applications()).allMatch(a -> a.index() <= 4);
    assertLedgerIdentity(r);
  }

  @Test
  void expiryWithRolloverKeepsPartOfTheBalanceUntilTheRolloverEnds() {
    Grant g = grant("roll", "100", Grant.TOKENS, "10", 1, NOV1, LocalDate.of(2026, 11, 10),
        Optional.of(new Rollover(LocalDate.of(2026, 11, 20), Optional.of(new BigDecimal("30")))));
    Result r = BurnDown.run(List.of(g), List.of(
        use(0, LocalDate.of(2026, 11, 2), "50", "0.5"),
        use(1, LocalDate.of(2026, 11, 12), "10", "0.1"),
        use(2, LocalDate.of(2026, 11, 25), "10", "0.1")), DEC1);

    // at expiry 50 are left: 30 roll over, 20 expire on Nov 9; 10 burn on Nov 12; the 20 left expire on Nov 19;
    // the Nov 25 row is after the rollover and stays on demand
    assertThat(r.applications()).extracting(Application::index).containsExactly(0, 1);
    assertThat(r.expiries()).extracting(Expiry::day, Expiry::quantity).containsExactly(
        org.assertj.core.groups.Tuple.tuple(LocalDate.of(2026, 11, 9), new BigDecimal("20")),
        org.assertj.core.groups.Tuple.tuple(LocalDate.of(2026, 11, 19), new BigDecimal("20")));
    // price 10 over 100 tokens: 0.10 a token
    assertThat(r.applications()).extracting(a -> a.amortizedCost().toPlainString())
        .containsExactly("5.000000000000", "1.000000000000");
    assertThat(r.expiries()).extracting(e -> e.amortizedCost().toPlainString())
        .containsExactly("2.000000000000", "2.000000000000");
    assertThat(amortized(r, "roll")).isEqualByComparingTo("10");
    assertThat(r.ledger()).hasSize(19);
    assertThat(r.ledger().get(8).expired()).isEqualByComparingTo("20");
    assertThat(r.ledger().get(8).closingBalance()).isEqualByComparingTo("30");
    assertThat(r.ledger().get(18).closingBalance()).isEqualByComparingTo("0");
    assertLedgerIdentity(r);
  }

  @Test
  void theForecastUsesTheTrailingSevenDayBurnRate() {
    Grant slow = grant("slow", "1000", Grant.TOKENS, "1", 1, NOV1, LocalDate.of(2027, 1, 1), Optional.empty());
    Result r = BurnDown.run(List.of(slow), daily("10", "0.01"), DEC1);
    LedgerDay nov30 = r.ledger().get(29);
    assertThat(nov30.closingBalance()).isEqualByComparingTo("700");
    assertThat(nov30.trailingDailyBurn()).contains(new BigDecimal("10.000000"));
    // 700 left at 10 a day: 70 days after Nov 30, after the Jan 1 expiry
    assertThat(nov30.projectedExhaustionDate()).contains(LocalDate.of(2027, 2, 8));
    assertThat(nov30.expiresUnused()).isTrue();
    assertThat(nov30.runsOutBeforeTerm()).isFalse();

    Grant fast = grant("fast", "1000", Grant.TOKENS, "1", 1, NOV1, LocalDate.of(2027, 1, 1), Optional.empty());
    List<Consumption> usage = new ArrayList<>();
    for (int d = 0; d < 7; d++) {
      usage.add(use(d, NOV1.plusDays(d), "30", "0.03"));
    }
    LedgerDay nov7 = BurnDown.run(List.of(fast), usage, LocalDate.of(2026, 11, 8)).ledger().get(6);
    // 790 left at 30 a day: 27 days (26.33 rounded up) after Nov 7
    assertThat(nov7.projectedExhaustionDate()).contains(LocalDate.of(2026, 12, 4));
    assertThat(nov7.runsOutBeforeTerm()).isTrue();
    assertThat(nov7.expiresUnused()).isFalse();
  }

  @Test
  void theForecastCutsWhatRollsOverToTheRolloverMaxAtTheExpiry() {
    // 1,000 tokens, expiry Nov 11, up to 400 roll over until Nov 21; 300 burn on Nov 3
    Grant g = grant("roll", "1000", Grant.TOKENS, "1", 1, NOV1, LocalDate.of(2026, 11, 11),
        Optional.of(new Rollover(LocalDate.of(2026, 11, 21), Optional.of(new BigDecimal("400")))));
    List<LedgerDay> ledger = BurnDown.run(List.of(g), List.of(use(0, LocalDate.of(2026, 11, 3), "300", "0.3")),
        LocalDate.of(2026, 11, 12)).ledger();
    // Nov 3: 700 left at 100 a day (300 over 3 days) are gone by Nov 10, before the expiry: no cut
    assertThat(ledger.get(2).projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 10));
    assertThat(ledger.get(2).expiresUnused()).isFalse();
    // Nov 6: 50 a day; Nov 7-10 burn 200, 500 are left at the expiry: 400 roll over (100 expire) and last
    // 8 days after Nov 10: Nov 18 (a straight line without the cut would say Nov 20)
    LedgerDay nov6 = ledger.get(5);
    assertThat(nov6.trailingDailyBurn()).contains(new BigDecimal("50.000000"));
    assertThat(nov6.projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 18));
    assertThat(nov6.runsOutBeforeTerm()).isTrue();
    assertThat(nov6.expiresUnused()).isTrue();
    // Nov 7: 300/7 a day; 571.43 left at the expiry, 400 roll over: ⌈9.33⌉ = 10 days after Nov 10
    LedgerDay nov7 = ledger.get(6);
    assertThat(nov7.projectedExhaustionDate()).contains(LocalDate.of(2026, 11, 20));
    assertThat(nov7.runsOutBeforeTerm()).isTrue();
    assertThat(nov7.expiresUnused()).isTrue();

    // rollover max 0: nothing rolls over, the balance left at the expiry expires; no exhaustion date
    Grant none = grant("none", "1000", Grant.TOKENS, "1", 1, NOV1, LocalDate.of(2026, 11, 11),
        Optional.of(new Rollover(LocalDate.of(2026, 11, 21), Optional.of(BigDecimal.ZERO))));
    LedgerDay nov6none = BurnDown.run(List.of(none), List.of(use(0, LocalDate.of(2026, 11, 3), "300", "0.3")),
        LocalDate.of(2026, 11, 12)).ledger().get(5);
    assertThat(nov6none.projectedExhaustionDate()).isEmpty();
    assertThat(nov6none.expiresUnused()).isTrue();
    assertThat(nov6none.runsOutBeforeTerm()).isFalse();
  }
}
