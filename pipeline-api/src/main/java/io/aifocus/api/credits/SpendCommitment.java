package io.aifocus.api.credits;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A spend commitment (EDP/MACC style): the usage in scope is billed as it happens (nothing is prepaid), and at the
 * end of each commitment period the shortfall {@code minimum − eligible spend}, when positive, is billed.
 *
 * @param minimum what must be spent in each period, in {@code currency}
 * @param period the whole term as one period, or calendar-like months from {@code start}
 */
public record SpendCommitment(
    String id,
    String contractId,
    String provider,
    Grant.Scope scope,
    BigDecimal minimum,
    String currency,
    LocalDate start,
    LocalDate expiry,
    Period period,
    Optional<String> description,
    String source) implements Commitment {
  /** The length of one commitment period. */
  public enum Period {
    /** One period: {@code [start, expiry)}. */
    TERM,
    /** Months from {@code start}: {@code [start + k months, start + k + 1 months)}; the term is whole months. */
    MONTH
  }

  public SpendCommitment {
    requireNonNull(id, "id is null");
    requireNonNull(contractId, "contractId is null");
    requireNonNull(provider, "provider is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(minimum, "minimum is null");
    requireNonNull(currency, "currency is null");
    requireNonNull(start, "start is null");
    requireNonNull(expiry, "expiry is null");
    requireNonNull(period, "period is null");
    requireNonNull(description, "description is null");
    requireNonNull(source, "source is null");
    if (id.isBlank() || contractId.isBlank() || provider.isBlank()) {
      throw new IllegalArgumentException("Invalid commitment: id, contract id and provider must not be blank");
    }
    if (minimum.signum() <= 0 || minimum.scale() > 12) {
      throw new IllegalArgumentException("Invalid amount: " + minimum.toPlainString()
          + " (the minimum spend must be > 0 with at most 12 decimals)");
    }
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("Invalid currency: '" + currency + "' (an ISO 4217 code such as USD)");
    }
    if (!expiry.isAfter(start)) {
      throw new IllegalArgumentException("Invalid expiry: " + expiry + " is not after start " + start);
    }
    if (period == Period.MONTH && !Commitment.wholeMonths(start, expiry)) {
      throw new IllegalArgumentException("Invalid expiry: " + expiry + " is not a whole number of months after start "
          + start + " (period month)");
    }
  }

  @Override
  public LocalDate end() {
    return expiry;
  }

  /** The commitment periods {@code [start, end)} in order. */
  public List<LocalDate[]> periods() {
    List<LocalDate[]> out = new ArrayList<>();
    if (period == Period.TERM) {
      out.add(new LocalDate[] {start, expiry});
    } else {
      for (LocalDate d = start; d.isBefore(expiry); d = d.plusMonths(1)) {
        out.add(new LocalDate[] {d, d.plusMonths(1)});
      }
    }
    return out;
  }

  /** The minimum over the whole term (the minimum of every period): ContractCommitmentCost. */
  public BigDecimal termMinimum() {
    return minimum.multiply(BigDecimal.valueOf(periods().size()));
  }
}
