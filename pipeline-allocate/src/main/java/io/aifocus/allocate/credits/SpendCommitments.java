package io.aifocus.allocate.credits;

import static java.util.Objects.requireNonNull;

import io.aifocus.api.credits.SpendCommitment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Spend commitments (docs/credits.md): nothing is prepaid and no row's cost changes. In charge-time order, the
 * eligible spend of a row (what it is billed after reservations and grants) counts toward the minimum of the
 * commitment period its day falls in, up to what is left of it; at the end of a period that has ended by
 * {@code asOf}, the minimum not reached is the shortfall. So per ended period Σ counted + shortfall = minimum,
 * exactly. Plain Java on BigDecimal.
 */
public final class SpendCommitments {
  private SpendCommitments() {}

  /** Row {@code index} counting {@code amount} of its spend toward the commitment on {@code day}. */
  public record Count(int index, String commitmentId, LocalDate day, BigDecimal amount) {}

  /** The minimum not reached in {@code [periodStart, periodEnd)}, billed on the period's last day. */
  public record Shortfall(String commitmentId, LocalDate periodStart, LocalDate periodEnd, BigDecimal amount) {
    public LocalDate day() {
      return periodEnd.minusDays(1);
    }
  }

  public record Result(List<Count> counts, List<Shortfall> shortfalls, List<BurnDown.LedgerDay> ledger) {}

  /**
   * @param spend the usage rows with {@code onDemandCost} = their eligible spend (billed cost)
   * @param asOf the data horizon (exclusive): periods ending after it have no shortfall yet
   */
  public static Result run(List<SpendCommitment> commitments, List<Consumption> spend, LocalDate asOf,
      UnaryOperator<String> providerKey) {
    requireNonNull(commitments, "commitments is null");
    requireNonNull(spend, "spend is null");
    requireNonNull(asOf, "asOf is null");
    List<SpendCommitment> byId = new ArrayList<>(commitments);
    byId.sort(Comparator.comparing(SpendCommitment::id));
    List<Consumption> ordered = new ArrayList<>(spend);
    ordered.sort(Comparator.comparing(Consumption::chargePeriodStart).thenComparingInt(Consumption::index));
    Map<String, BigDecimal> counted = new HashMap<>(); // id|period start -> counted
    List<Count> counts = new ArrayList<>();
    for (Consumption c : ordered) {
      if (c.onDemandCost().signum() == 0) {
        continue;
      }
      LocalDate day = c.chargePeriodStart().atZone(ZoneOffset.UTC).toLocalDate();
      for (SpendCommitment s : byId) {
        if (!providerKey.apply(s.provider()).equalsIgnoreCase(c.provider()) || !s.currency().equals(c.currency())
            || !s.scope().covers(c.billingAccountId(), c.subAccountId().orElse(null), c.team())
            || day.isBefore(s.start()) || !day.isBefore(s.expiry())) {
          continue;
        }
        LocalDate period = periodOf(s, day)[0];
        String key = s.id() + "|" + period;
        BigDecimal left = s.minimum().subtract(counted.getOrDefault(key, BigDecimal.ZERO));
        BigDecimal take = left.min(c.onDemandCost());
        if (take.signum() > 0) {
          counted.merge(key, take, BigDecimal::add);
          counts.add(new Count(c.index(), s.id(), day, take));
        }
      }
    }
    List<Shortfall> shortfalls = new ArrayList<>();
    List<BurnDown.LedgerDay> ledger = new ArrayList<>();
    for (SpendCommitment s : byId) {
      Map<LocalDate, BigDecimal> byDay = new HashMap<>();
      for (Count k : counts) {
        if (k.commitmentId().equals(s.id())) {
          byDay.merge(k.day(), k.amount(), BigDecimal::add);
        }
      }
      for (LocalDate[] p : s.periods()) {
        BigDecimal left = s.minimum().subtract(counted.getOrDefault(s.id() + "|" + p[0], BigDecimal.ZERO));
        if (!p[1].isAfter(asOf) && left.signum() > 0) {
          shortfalls.add(new Shortfall(s.id(), p[0], p[1], left));
        }
      }
      LocalDate last = s.expiry().isBefore(asOf) ? s.expiry() : asOf;
      List<BigDecimal> burns = new ArrayList<>();
      BigDecimal balance = s.minimum();
      Optional<LocalDate> metOn = Optional.empty();
      for (LocalDate day = s.start(); day.isBefore(last); day = day.plusDays(1)) {
        LocalDate[] p = periodOf(s, day);
        if (day.equals(p[0])) {
          balance = s.minimum();
          metOn = Optional.empty();
        }
        BigDecimal burned = byDay.getOrDefault(day, BigDecimal.ZERO);
        BigDecimal opening = balance;
        BigDecimal afterBurn = opening.subtract(burned);
        boolean periodEnds = day.equals(p[1].minusDays(1)) && !p[1].isAfter(asOf);
        BigDecimal expired = periodEnds ? afterBurn : BigDecimal.ZERO; // the shortfall is billed
        BigDecimal closing = afterBurn.subtract(expired);
        balance = closing;
        burns.add(burned);
        int from = Math.max(0, burns.size() - BurnDown.FORECAST_WINDOW_DAYS);
        int windowDays = burns.size() - from;
        BigDecimal windowBurn = burns.subList(from, burns.size()).stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        Optional<BigDecimal> rate = windowBurn.signum() == 0 ? Optional.empty()
            : Optional.of(windowBurn.divide(BigDecimal.valueOf(windowDays), 6, RoundingMode.HALF_EVEN));
        Optional<LocalDate> projected;
        if (afterBurn.signum() == 0) {
          if (metOn.isEmpty()) {
            metOn = Optional.of(day);
          }
          projected = metOn;
        } else if (expired.signum() > 0 || windowBurn.signum() == 0) {
          projected = Optional.empty();
        } else {
          // the day the minimum is reached at the trailing pace, rounded up to whole days
          LocalDate today = day;
          projected = Optional.of(today.plusDays(afterBurn.multiply(BigDecimal.valueOf(windowDays))
              .divide(windowBurn, 0, RoundingMode.CEILING).longValueExact()));
        }
        boolean met = projected.map(d -> d.isBefore(p[1])).orElse(false);
        boolean shortfall = expired.signum() > 0 || afterBurn.signum() > 0 && !met;
        ledger.add(new BurnDown.LedgerDay(s.id(), day, s.currency(), opening, burned, expired, closing, burned, rate,
            projected, met, shortfall));
      }
    }
    return new Result(List.copyOf(counts), List.copyOf(shortfalls), List.copyOf(ledger));
  }

  /** The commitment period {@code [start, end)} containing {@code day}. */
  static LocalDate[] periodOf(SpendCommitment s, LocalDate day) {
    for (LocalDate[] p : s.periods()) {
      if (!day.isBefore(p[0]) && day.isBefore(p[1])) {
        return p;
      }
    }
    throw new IllegalArgumentException(day + " is outside " + s.id());
  }
}
