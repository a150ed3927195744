package io.aifocus.allocate.credits;

import static java.util.Objects.requireNonNull;

import io.aifocus.allocate.LargestRemainder;
import io.aifocus.api.credits.ProvisionedThroughput;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Provisioned-throughput reservations (docs/credits.md): a fixed fee per hour (or per month, split evenly over
 * its hours with {@link LargestRemainder}) buys {@code tokensPerHour} tokens of one model in every hour of the
 * term. Plain Java on BigDecimal.
 *
 * <p>In charge-time order, a usage row of the model (in scope, charge period inside one UTC hour, with tokens)
 * takes what capacity its hour has left: the tokens it takes are covered (their share of the row's on-demand cost
 * is no longer billed), the rest overflows to grants and on demand. An hour with covered tokens is a used hour: its
 * fee is split over the covered rows of the hour in proportion to their covered tokens; an hour without is an idle
 * hour, its fee goes to the day's Unused amount. So, per day, Σ amortized (used) + Σ idle = the day's fees,
 * exactly, and over the term Σ = the reservation's cost.
 */
public final class Reservations {
  /** Unit of the reservation's quantities: model-unit hours. */
  public static final String HOURS = "Hours";

  private Reservations() {}

  /** A usage row with the model it used and the end of its charge period. */
  public record ModelUsage(Consumption usage, String model, Instant chargePeriodEnd) {
    public ModelUsage {
      requireNonNull(usage, "usage is null");
      requireNonNull(model, "model is null");
      requireNonNull(chargePeriodEnd, "chargePeriodEnd is null");
    }
  }

  /**
   * A reservation covering {@code tokens} of row {@code index} in {@code hour}: {@code coveredCost} of its
   * on-demand cost, {@code unitHours} of the hour's model-unit hours, {@code amortizedCost} of the hour's fee.
   */
  public record Cover(int index, String reservationId, Instant hour, BigDecimal tokens, BigDecimal coveredCost,
      BigDecimal unitHours, BigDecimal amortizedCost) {}

  /** A day's hours of a reservation without covered usage: {@code unitHours} and their fees. */
  public record Idle(String reservationId, LocalDate day, int hours, BigDecimal unitHours, BigDecimal cost) {}

  /** A day's fee of a reservation: the fees of its hours ({@code unitHours} model-unit hours). */
  public record Fee(String reservationId, LocalDate day, int hours, BigDecimal unitHours, BigDecimal fee) {}

  public record Result(List<Cover> covers, List<Idle> idle, List<Fee> fees, List<BurnDown.LedgerDay> ledger) {}

  /**
   * @param asOf the data horizon (exclusive): hours from it on have not happened (no fee, no idle hours yet)
   * @param providerKey the provider key of a reservation's {@code provider} (compared with the row's ignoring case)
   */
  public static Result run(List<ProvisionedThroughput> reservations, List<ModelUsage> usage, LocalDate asOf,
      UnaryOperator<String> providerKey) {
    requireNonNull(reservations, "reservations is null");
    requireNonNull(usage, "usage is null");
    requireNonNull(asOf, "asOf is null");
    List<ProvisionedThroughput> byId = new ArrayList<>(reservations);
    byId.sort(Comparator.comparing(ProvisionedThroughput::id));
    List<ModelUsage> ordered = new ArrayList<>(usage);
    ordered.sort(Comparator.comparing((ModelUsage u) -> u.usage().chargePeriodStart())
        .thenComparingInt(u -> u.usage().index()));

    Map<String, Map<Instant, BigDecimal>> usedTokens = new HashMap<>();
    List<Cover> raw = new ArrayList<>();
    for (ModelUsage u : ordered) {
      Consumption c = u.usage();
      if (c.tokens().isEmpty() || c.tokens().get().signum() == 0) {
        continue;
      }
      Instant hour = c.chargePeriodStart().truncatedTo(ChronoUnit.HOURS);
      if (u.chargePeriodEnd().isAfter(hour.plus(Duration.ofHours(1)))) {
        continue; // a daily (or longer) row cannot be placed in an hour: on demand
      }
      BigDecimal restTokens = c.tokens().get();
      BigDecimal restCost = c.onDemandCost();
      for (ProvisionedThroughput r : byId) {
        if (restTokens.signum() == 0 || !covers(r, c, u.model(), hour, asOf, providerKey)) {
          continue;
        }
        Map<Instant, BigDecimal> used = usedTokens.computeIfAbsent(r.id(), k -> new HashMap<>());
        BigDecimal left = r.tokensPerHour().subtract(used.getOrDefault(hour, BigDecimal.ZERO));
        if (left.signum() <= 0) {
          continue;
        }
        BigDecimal take = left.min(restTokens);
        BigDecimal covered = take.compareTo(restTokens) == 0 ? restCost : BurnDown.share(restCost, take, restTokens);
        used.merge(hour, take, BigDecimal::add);
        raw.add(new Cover(c.index(), r.id(), hour, take, covered, null, null));
        restTokens = restTokens.subtract(take);
        restCost = restCost.subtract(covered);
      }
    }

    List<Cover> covers = new ArrayList<>();
    List<Idle> idle = new ArrayList<>();
    List<Fee> fees = new ArrayList<>();
    List<BurnDown.LedgerDay> ledger = new ArrayList<>();
    for (ProvisionedThroughput r : byId) {
      Map<Instant, BigDecimal> hourFees = hourFees(r, asOf);
      BigDecimal units = BigDecimal.valueOf(r.modelUnits());
      // covers of each used hour, in burn order
      Map<Instant, List<Cover>> byHour = new LinkedHashMap<>();
      for (Cover c : raw) {
        if (c.reservationId().equals(r.id())) {
          byHour.computeIfAbsent(c.hour(), k -> new ArrayList<>()).add(c);
        }
      }
      Map<LocalDate, BigDecimal[]> days = new TreeMap<>(); // used hours, idle hours, used fees, idle fees, fees
      for (Map.Entry<Instant, BigDecimal> h : hourFees.entrySet()) {
        BigDecimal[] d = days.computeIfAbsent(day(h.getKey()), k -> zeros(5));
        d[4] = d[4].add(h.getValue());
        List<Cover> inHour = byHour.get(h.getKey());
        if (inHour == null) {
          d[1] = d[1].add(BigDecimal.ONE);
          d[3] = d[3].add(h.getValue());
          continue;
        }
        List<BigDecimal> weights = inHour.stream().map(Cover::tokens).toList();
        List<BigDecimal> feeParts = LargestRemainder.split(h.getValue(), weights, BurnDown.SCALE);
        List<BigDecimal> hourParts = LargestRemainder.split(units, weights, BurnDown.SCALE);
        for (int i = 0; i < inHour.size(); i++) {
          Cover c = inHour.get(i);
          covers.add(new Cover(c.index(), c.reservationId(), c.hour(), c.tokens(), c.coveredCost(), hourParts.get(i),
              feeParts.get(i)));
        }
        d[0] = d[0].add(BigDecimal.ONE);
        d[2] = d[2].add(h.getValue());
      }
      BigDecimal balance = units.multiply(BigDecimal.valueOf(ChronoUnit.HOURS.between(instant(r.start()),
          instant(r.expiry()))));
      List<BigDecimal> burns = new ArrayList<>();
      List<BigDecimal> idles = new ArrayList<>();
      for (Map.Entry<LocalDate, BigDecimal[]> e : days.entrySet()) {
        BigDecimal[] d = e.getValue();
        int hours = d[0].add(d[1]).intValueExact();
        fees.add(new Fee(r.id(), e.getKey(), hours, units.multiply(BigDecimal.valueOf(hours)), d[4]));
        if (d[1].signum() > 0) {
          idle.add(new Idle(r.id(), e.getKey(), d[1].intValueExact(), units.multiply(d[1]), d[3]));
        }
        BigDecimal burned = units.multiply(d[0]);
        BigDecimal expired = units.multiply(d[1]);
        BigDecimal opening = balance;
        balance = opening.subtract(burned).subtract(expired);
        burns.add(burned);
        idles.add(expired);
        int from = Math.max(0, burns.size() - BurnDown.FORECAST_WINDOW_DAYS);
        BigDecimal windowBurn = sum(burns.subList(from, burns.size()));
        BigDecimal windowIdle = sum(idles.subList(from, idles.size()));
        Optional<BigDecimal> rate = windowBurn.signum() == 0 ? Optional.empty()
            : Optional.of(windowBurn.divide(BigDecimal.valueOf(burns.size() - from), 6, RoundingMode.HALF_EVEN));
        // hours pass whatever the usage: no exhaustion date; "expires unused" = the trailing week had idle hours
        ledger.add(new BurnDown.LedgerDay(r.id(), e.getKey(), HOURS, opening, burned, expired, balance, d[2], rate,
            Optional.empty(), false, windowIdle.signum() > 0));
      }
    }
    covers.sort(Comparator.comparingInt(Cover::index).thenComparing(Cover::reservationId));
    return new Result(Collections.unmodifiableList(covers), List.copyOf(idle), List.copyOf(fees), List.copyOf(ledger));
  }

  private static boolean covers(ProvisionedThroughput r, Consumption c, String model, Instant hour, LocalDate asOf,
      UnaryOperator<String> providerKey) {
    return providerKey.apply(r.provider()).equalsIgnoreCase(c.provider()) && r.currency().equals(c.currency())
        && r.model().toLowerCase(Locale.ROOT).equals(model.toLowerCase(Locale.ROOT))
        && r.scope().covers(c.billingAccountId(), c.subAccountId().orElse(null), c.team())
        && !hour.isBefore(instant(r.start())) && hour.isBefore(instant(r.expiry())) && hour.isBefore(instant(asOf));
  }

  /**
   * The fee of every hour of the term before {@code asOf}, in order: the hourly fee, or each month's fee split
   * evenly over the month's hours with {@link LargestRemainder} (so a month's hours add up to its fee exactly).
   */
  static Map<Instant, BigDecimal> hourFees(ProvisionedThroughput r, LocalDate asOf) {
    Map<Instant, BigDecimal> out = new LinkedHashMap<>();
    Instant horizon = instant(r.expiry().isBefore(asOf) ? r.expiry() : asOf);
    if (r.feePer() == ProvisionedThroughput.FeePer.HOUR) {
      for (Instant h = instant(r.start()); h.isBefore(horizon); h = h.plus(Duration.ofHours(1))) {
        out.put(h, r.fee());
      }
      return out;
    }
    for (LocalDate m = r.start(); m.isBefore(r.expiry()) && instant(m).isBefore(horizon); m = m.plusMonths(1)) {
      int hours = (int) ChronoUnit.HOURS.between(instant(m), instant(m.plusMonths(1)));
      List<BigDecimal> parts = LargestRemainder.split(r.fee(), Collections.nCopies(hours, BigDecimal.ONE), BurnDown.SCALE);
      for (int i = 0; i < hours; i++) {
        Instant h = instant(m).plus(Duration.ofHours(i));
        if (h.isBefore(horizon)) {
          out.put(h, parts.get(i));
        }
      }
    }
    return out;
  }

  private static BigDecimal sum(List<BigDecimal> values) {
    return values.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal[] zeros(int n) {
    BigDecimal[] z = new BigDecimal[n];
    java.util.Arrays.fill(z, BigDecimal.ZERO);
    return z;
  }

  private static LocalDate day(Instant t) {
    return t.atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static Instant instant(LocalDate d) {
    return d.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
