package io.aifocus.allocate.credits;

import static java.util.Objects.requireNonNull;

import io.aifocus.allocate.LargestRemainder;
import io.aifocus.api.credits.Grant;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Burns prepaid grants with LLM usage (docs/credits.md). Plain Java on BigDecimal, no Spark.
 *
 * <p>Usage is taken in charge-time order. Before a row, every expiry due at or before its charge time happens.
 * A row burns the grants that cover it (same provider, scope, currency; charge time in {@code [start, end)};
 * balance left) in priority, then expiry, then id order: a token pack burns the row's tokens, a spend credit its
 * on-demand cost (a virtual currency such as Credits: the cost divided by its value per unit); a partly covered row passes the rest (tokens and cost in proportion) to the next grant, and
 * what no grant covers stays on demand. After the last row, expiries up to {@code asOf} happen.
 *
 * <p>Amortization: a grant's price is split with {@link LargestRemainder} (12 decimals, the scale of the FOCUS
 * cost columns) over its burns, its expiries and its balance left at {@code asOf}, in proportion to quantity; so
 * once a grant is used up or expired, its burns and expiries add up to its price exactly.
 */
public final class BurnDown {
  /** Scale of billing-currency amounts (the FOCUS Decimal columns). */
  public static final int SCALE = 12;
  /** Days of the trailing window the burn rate of the exhaustion forecast is taken over. */
  public static final int FORECAST_WINDOW_DAYS = 7;

  private BurnDown() {}

  /**
   * A grant burned by a usage row: {@code quantity} in the grant's unit, covering {@code coveredCost} of its
   * on-demand cost and {@code coveredTokens} of its tokens (when the row has tokens).
   */
  public record Application(int index, String grantId, LocalDate day, BigDecimal quantity, BigDecimal coveredCost,
      Optional<BigDecimal> coveredTokens, BigDecimal amortizedCost) {}

  /** Balance that expired unused on {@code day} (the last day of the grant's expiry or rollover). */
  public record Expiry(String grantId, LocalDate day, BigDecimal quantity, BigDecimal amortizedCost) {}

  /**
   * One ledger row: a grant on a day, amounts in the grant's unit except {@code burnedBillingCurrency}
   * (amortized cost of the day's burns). Forecast fields: see {@link BurnDown#FORECAST_WINDOW_DAYS}.
   */
  public record LedgerDay(String grantId, LocalDate day, String unit, BigDecimal openingBalance, BigDecimal burned,
      BigDecimal expired, BigDecimal closingBalance, BigDecimal burnedBillingCurrency,
      Optional<BigDecimal> trailingDailyBurn, Optional<LocalDate> projectedExhaustionDate,
      boolean runsOutBeforeTerm, boolean expiresUnused) {}

  public record Result(List<Application> applications, List<Expiry> expiries, List<LedgerDay> ledger,
      Map<String, BigDecimal> balanceAtAsOf) {}

  private static final class State {
    final Grant grant;
    BigDecimal balance;
    boolean expiryDone;
    boolean rolloverDone;

    State(Grant grant) {
      this.grant = grant;
      this.balance = grant.amount();
    }
  }

  /**
   * @param grants the grants (unique ids)
   * @param usage the usage rows (unique indexes)
   * @param asOf the data horizon: the ledger runs up to this day (exclusive); expiries after it have not happened
   */
  public static Result run(List<Grant> grants, List<Consumption> usage, LocalDate asOf) {
    return run(grants, usage, asOf, p -> p.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * As {@link #run(List, List, LocalDate)}, with the provider key of a grant: a grant covers a row when
   * {@code providerKey(grant provider)} equals the row's provider ignoring case (the row's provider is a key already).
   */
  public static Result run(List<Grant> grants, List<Consumption> usage, LocalDate asOf,
      java.util.function.UnaryOperator<String> providerKey) {
    requireNonNull(grants, "grants is null");
    requireNonNull(providerKey, "providerKey is null");
    requireNonNull(usage, "usage is null");
    requireNonNull(asOf, "asOf is null");
    Map<String, State> states = new LinkedHashMap<>();
    for (Grant g : grants) {
      if (states.put(g.id(), new State(g)) != null) {
        throw new IllegalArgumentException("Duplicate grant id: " + g.id());
      }
    }
    List<State> burnOrder = new ArrayList<>(states.values());
    burnOrder.sort(Comparator.comparingInt((State s) -> s.grant.priority())
        .thenComparing(s -> s.grant.expiry()).thenComparing(s -> s.grant.id()));
    List<Consumption> ordered = new ArrayList<>(usage);
    ordered.sort(Comparator.comparing(Consumption::chargePeriodStart).thenComparingInt(Consumption::index));

    List<Application> applications = new ArrayList<>();
    List<Expiry> expiries = new ArrayList<>();
    for (Consumption c : ordered) {
      LocalDate day = c.chargePeriodStart().atZone(ZoneOffset.UTC).toLocalDate();
      expireUpTo(states, day, expiries);
      BigDecimal restCost = c.onDemandCost();
      Optional<BigDecimal> restTokens = c.tokens();
      for (State s : burnOrder) {
        Grant g = s.grant;
        if (s.balance.signum() == 0 || restCost.signum() == 0 && restTokens.map(BigDecimal::signum).orElse(0) == 0
            || !providerKey.apply(g.provider()).equalsIgnoreCase(c.provider()) || !g.currency().equals(c.currency())
            || !g.scope().covers(c.billingAccountId(), c.subAccountId().orElse(null), c.team())
            || day.isBefore(g.start()) || !day.isBefore(g.end())) {
          continue;
        }
        BigDecimal quantity;
        BigDecimal covered;
        Optional<BigDecimal> coveredTokens;
        if (g.tokens()) {
          if (restTokens.isEmpty() || restTokens.get().signum() == 0) {
            continue;
          }
          BigDecimal tokens = restTokens.get();
          quantity = s.balance.min(tokens);
          covered = quantity.compareTo(tokens) == 0 ? restCost : share(restCost, quantity, tokens);
          coveredTokens = Optional.of(quantity);
          restTokens = Optional.of(tokens.subtract(quantity));
        } else {
          if (restCost.signum() == 0) {
            continue;
          }
          // burned by cost: the billing currency (1 a unit) or a virtual currency such as Credits (its value)
          BigDecimal value = g.valuePerUnit().orElseThrow();
          BigDecimal capacity = s.balance.multiply(value);
          if (capacity.scale() > SCALE) {
            capacity = capacity.setScale(SCALE, RoundingMode.HALF_EVEN); // the FOCUS cost scale
          }
          if (capacity.compareTo(restCost) <= 0) {
            quantity = s.balance;
            covered = capacity;
          } else {
            quantity = value.compareTo(BigDecimal.ONE) == 0 ? restCost
                : s.balance.min(restCost.divide(value, SCALE, RoundingMode.HALF_EVEN));
            covered = restCost;
          }
          BigDecimal cost = restCost;
          BigDecimal took = covered;
          coveredTokens = restTokens.map(t -> took.compareTo(cost) == 0 ? t : share(t, took, cost));
          Optional<BigDecimal> tokensTaken = coveredTokens;
          restTokens = restTokens.map(t -> t.subtract(tokensTaken.orElseThrow()));
        }
        restCost = restCost.subtract(covered);
        s.balance = s.balance.subtract(quantity);
        applications.add(new Application(c.index(), g.id(), day, quantity, covered, coveredTokens, null));
      }
    }
    expireUpTo(states, asOf, expiries);

    // amortize each grant's price over its burns, expiries and balance left
    List<Application> finalApps = new ArrayList<>(applications.size());
    List<Expiry> finalExpiries = new ArrayList<>(expiries.size());
    Map<String, BigDecimal> balances = new LinkedHashMap<>();
    Map<Object, BigDecimal> shareOf = new HashMap<>();
    for (State s : states.values()) {
      List<Object> events = new ArrayList<>();
      List<BigDecimal> weights = new ArrayList<>();
      for (Application a : applications) {
        if (a.grantId().equals(s.grant.id())) {
          events.add(a);
          weights.add(a.quantity());
        }
      }
      for (Expiry e : expiries) {
        if (e.grantId().equals(s.grant.id())) {
          events.add(e);
          weights.add(e.quantity());
        }
      }
      weights.add(s.balance);
      List<BigDecimal> parts = LargestRemainder.split(s.grant.pricePaid(), weights, SCALE);
      for (int i = 0; i < events.size(); i++) {
        shareOf.put(events.get(i), parts.get(i));
      }
      balances.put(s.grant.id(), s.balance);
    }
    for (Application a : applications) {
      finalApps.add(new Application(a.index(), a.grantId(), a.day(), a.quantity(), a.coveredCost(), a.coveredTokens(),
          shareOf.get(a)));
    }
    for (Expiry e : expiries) {
      finalExpiries.add(new Expiry(e.grantId(), e.day(), e.quantity(), shareOf.get(e)));
    }
    return new Result(List.copyOf(finalApps), List.copyOf(finalExpiries),
        ledger(states.values().stream().map(s -> s.grant).toList(), finalApps, finalExpiries, asOf), balances);
  }

  /** Runs the expiries (and rollover ends) due on or before {@code day} (dates are exclusive ends). */
  private static void expireUpTo(Map<String, State> states, LocalDate day, List<Expiry> out) {
    for (State s : states.values()) {
      Grant g = s.grant;
      if (!s.expiryDone && !g.expiry().isAfter(day)) {
        s.expiryDone = true;
        BigDecimal keep = g.rollover().map(r -> r.max().map(m -> m.min(s.balance)).orElse(s.balance))
            .orElse(BigDecimal.ZERO);
        BigDecimal expired = s.balance.subtract(keep);
        s.balance = keep;
        if (expired.signum() > 0) {
          out.add(new Expiry(g.id(), g.expiry().minusDays(1), expired, null));
        }
      }
      if (g.rollover().isPresent() && !s.rolloverDone && !g.end().isAfter(day)) {
        s.rolloverDone = true;
        if (s.balance.signum() > 0) {
          out.add(new Expiry(g.id(), g.end().minusDays(1), s.balance, null));
          s.balance = BigDecimal.ZERO;
        }
      }
    }
  }

  /** {@code amount × part / whole} at {@link #SCALE} decimals, half even. */
  static BigDecimal share(BigDecimal amount, BigDecimal part, BigDecimal whole) {
    return amount.multiply(part).divide(whole, SCALE, RoundingMode.HALF_EVEN);
  }

  private static List<LedgerDay> ledger(List<Grant> grants, List<Application> apps, List<Expiry> expiries,
      LocalDate asOf) {
    List<LedgerDay> out = new ArrayList<>();
    for (Grant g : grants) {
      LocalDate last = g.end().isBefore(asOf) ? g.end() : asOf; // exclusive
      Map<LocalDate, BigDecimal[]> byDay = new HashMap<>(); // burned, burnedBilling, expired
      for (Application a : apps) {
        if (a.grantId().equals(g.id())) {
          BigDecimal[] d = byDay.computeIfAbsent(a.day(), k -> zeros());
          d[0] = d[0].add(a.quantity());
          d[1] = d[1].add(a.amortizedCost());
        }
      }
      for (Expiry e : expiries) {
        if (e.grantId().equals(g.id())) {
          BigDecimal[] d = byDay.computeIfAbsent(e.day(), k -> zeros());
          d[2] = d[2].add(e.quantity());
        }
      }
      BigDecimal balance = g.amount();
      List<BigDecimal> burns = new ArrayList<>();
      Optional<LocalDate> exhaustedOn = Optional.empty();
      for (LocalDate day = g.start(); day.isBefore(last); day = day.plusDays(1)) {
        BigDecimal[] d = byDay.getOrDefault(day, zeros());
        BigDecimal opening = balance;
        BigDecimal closing = opening.subtract(d[0]).subtract(d[2]);
        balance = closing;
        burns.add(d[0]);
        int from = Math.max(0, burns.size() - FORECAST_WINDOW_DAYS);
        BigDecimal windowBurn = burns.subList(from, burns.size()).stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        int windowDays = burns.size() - from;
        Optional<BigDecimal> rate = windowBurn.signum() == 0 ? Optional.empty()
            : Optional.of(windowBurn.divide(BigDecimal.valueOf(windowDays), 6, RoundingMode.HALF_EVEN));
        Optional<LocalDate> projected;
        boolean partialExpiry = false;
        if (closing.signum() == 0) {
          if (exhaustedOn.isEmpty() && d[0].signum() > 0) {
            exhaustedOn = Optional.of(day);
          }
          projected = exhaustedOn;
        } else {
          Forecast forecast = forecast(g, day, closing, windowBurn, windowDays);
          projected = forecast.exhaustion();
          partialExpiry = forecast.partialExpiry();
        }
        boolean runsOut = projected.map(p -> p.isBefore(g.end())).orElse(false) && (closing.signum() > 0 || exhaustedOn.isPresent());
        boolean unused = closing.signum() > 0 && (partialExpiry || projected.map(p -> !p.isBefore(g.end())).orElse(true));
        out.add(new LedgerDay(g.id(), day, g.unit(), opening, d[0], d[2], closing, d[1], rate, projected, runsOut, unused));
      }
    }
    return List.copyOf(out);
  }

  /** A projected exhaustion date and whether part of the balance is forecast to expire at the expiry (rollover max). */
  private record Forecast(Optional<LocalDate> exhaustion, boolean partialExpiry) {}

  /**
   * The balance {@code closing} left after {@code day}, burned at the trailing rate {@code windowBurn / windowDays}
   * (exact: the comparisons are made on amounts multiplied by {@code windowDays}). Without a rollover still to come,
   * it runs out {@code ⌈closing ÷ rate⌉} days later. With a rollover whose expiry is still ahead, the burn up to the
   * expiry's last day comes first; what is left then is cut to the rollover max (the rest is forecast to expire,
   * {@code partialExpiry}), and what rolls over runs out {@code ⌈kept ÷ rate⌉} days after that last day; nothing
   * kept (max 0): no exhaustion date, the balance expires.
   */
  private static Forecast forecast(Grant g, LocalDate day, BigDecimal closing, BigDecimal windowBurn, int windowDays) {
    if (windowBurn.signum() == 0) {
      return new Forecast(Optional.empty(), false);
    }
    BigDecimal days = BigDecimal.valueOf(windowDays);
    LocalDate lastUsable = g.expiry().minusDays(1); // the ledger day of the expiry
    if (g.rollover().isEmpty() || !day.isBefore(lastUsable)) {
      // days until the balance reaches 0 at the trailing rate, rounded up to whole days
      return new Forecast(Optional.of(day.plusDays(closing.multiply(days)
          .divide(windowBurn, 0, RoundingMode.CEILING).longValueExact())), false);
    }
    long toExpiry = java.time.temporal.ChronoUnit.DAYS.between(day, lastUsable);
    // (balance left at the expiry) x windowDays
    BigDecimal leftScaled = closing.multiply(days).subtract(windowBurn.multiply(BigDecimal.valueOf(toExpiry)));
    if (leftScaled.signum() <= 0) {
      return new Forecast(Optional.of(day.plusDays(closing.multiply(days)
          .divide(windowBurn, 0, RoundingMode.CEILING).longValueExact())), false);
    }
    BigDecimal keptScaled = g.rollover().get().max().map(m -> m.multiply(days).min(leftScaled)).orElse(leftScaled);
    boolean partial = keptScaled.compareTo(leftScaled) < 0;
    if (keptScaled.signum() == 0) {
      return new Forecast(Optional.empty(), true);
    }
    return new Forecast(Optional.of(lastUsable.plusDays(keptScaled.divide(windowBurn, 0, RoundingMode.CEILING)
        .longValueExact())), partial);
  }

  private static BigDecimal[] zeros() {
    return new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
  }
}
