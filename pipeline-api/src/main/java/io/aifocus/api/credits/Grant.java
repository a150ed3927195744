package io.aifocus.api.credits;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A prepaid grant: dollar credits (unit = the billing currency) or a token pack (unit {@link #TOKENS}) bought
 * for a price, usable in {@code [start, expiry)} (UTC dates; expiry exclusive) by the LLM usage of one provider
 * within one scope. Lower {@code priority} burns first, then the earlier expiry, then the id. See docs/credits.md.
 *
 * @param id unique grant id; becomes ResourceId, CommitmentDiscountId and ContractCommitmentId
 * @param contractId the contract the grant belongs to (ContractId)
 * @param provider service provider name the usage rows carry (ServiceProviderName, compared ignoring case)
 * @param scope which usage may burn the grant
 * @param amount what the grant holds, in {@code unit}
 * @param unit {@link #TOKENS} (virtual currency burned by tokens), the ISO 4217 code of {@code currency} (spend
 *     credit), or another virtual currency such as {@code Credits} worth {@code unitValue} each (burned by cost)
 * @param unitValue for a virtual currency other than {@link #TOKENS}: what one unit is worth in {@code currency}
 *     (e.g. 0.01 for 1 Credit = 0.01 USD); empty for tokens and the billing currency
 * @param pricePaid what was paid for the grant, in {@code currency} (0 for a free promotional credit)
 * @param currency billing currency of the purchase and of the usage it covers
 * @param rollover what happens to the balance left at expiry (empty: it expires)
 * @param source where the grant was declared (config file), for lineage
 */
public record Grant(
    String id,
    String contractId,
    String provider,
    Scope scope,
    BigDecimal amount,
    String unit,
    Optional<BigDecimal> unitValue,
    BigDecimal pricePaid,
    String currency,
    LocalDate start,
    LocalDate expiry,
    int priority,
    Optional<Rollover> rollover,
    Optional<String> description,
    String source) implements Commitment {
  /** The virtual currency of token packs (FOCUS PricingCurrency of the usage they cover). */
  public static final String TOKENS = "Tokens";

  /** Usage that may burn a grant: one billing account, optionally narrowed to a project (sub account) and a team. */
  public record Scope(String billingAccountId, Optional<String> subAccountId, Optional<String> team) {
    public Scope {
      requireNonNull(billingAccountId, "billingAccountId is null");
      requireNonNull(subAccountId, "subAccountId is null");
      requireNonNull(team, "team is null");
      if (billingAccountId.isBlank()) {
        throw new IllegalArgumentException("Invalid billing account: blank");
      }
    }

    public boolean covers(String billingAccount, String subAccount, String rowTeam) {
      return billingAccountId.equals(billingAccount)
          && subAccountId.map(s -> s.equals(subAccount)).orElse(true)
          && team.map(t -> t.equals(rowTeam)).orElse(true);
    }
  }

  /**
   * At expiry, up to {@code max} of the balance (all of it when empty) stays usable until {@code until}
   * (exclusive); the rest expires at expiry, what is left at {@code until} expires then.
   */
  public record Rollover(LocalDate until, Optional<BigDecimal> max) {
    public Rollover {
      requireNonNull(until, "until is null");
      requireNonNull(max, "max is null");
      if (max.isPresent() && max.get().signum() < 0) {
        throw new IllegalArgumentException("Invalid rollover max: " + max.get().toPlainString() + " (must be >= 0)");
      }
    }
  }

  public Grant {
    requireNonNull(id, "id is null");
    requireNonNull(contractId, "contractId is null");
    requireNonNull(provider, "provider is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(amount, "amount is null");
    requireNonNull(unit, "unit is null");
    requireNonNull(unitValue, "unitValue is null");
    requireNonNull(pricePaid, "pricePaid is null");
    requireNonNull(currency, "currency is null");
    requireNonNull(start, "start is null");
    requireNonNull(expiry, "expiry is null");
    requireNonNull(rollover, "rollover is null");
    requireNonNull(description, "description is null");
    requireNonNull(source, "source is null");
    if (id.isBlank() || contractId.isBlank() || provider.isBlank()) {
      throw new IllegalArgumentException("Invalid grant: id, contract id and provider must not be blank");
    }
    if (amount.signum() <= 0) {
      throw new IllegalArgumentException("Invalid amount: " + amount.toPlainString() + " (must be > 0)");
    }
    if (pricePaid.signum() < 0 || pricePaid.scale() > 12 || amount.scale() > 12) {
      throw new IllegalArgumentException(
          "Invalid price paid or amount: " + pricePaid.toPlainString() + " / " + amount.toPlainString()
              + " (must be >= 0 with at most 12 decimals)");
    }
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("Invalid currency: '" + currency + "' (an ISO 4217 code such as USD)");
    }
    if (unit.equals(TOKENS) || unit.equals(currency)) {
      if (unitValue.isPresent()) {
        throw new IllegalArgumentException("Invalid unit value: a grant in " + unit + " has none (only a virtual"
            + " currency such as Credits is declared with its value in " + currency + ")");
      }
    } else {
      if (unit.isBlank() || unit.matches("[A-Z]{3}")) {
        throw new IllegalArgumentException("Invalid unit: '" + unit + "' (must be " + TOKENS + ", the grant's currency "
            + currency + " or a virtual currency name such as Credits; another national currency is not supported)");
      }
      if (unitValue.isEmpty() || unitValue.get().signum() <= 0 || unitValue.get().scale() > 12) {
        throw new IllegalArgumentException("Invalid unit value for '" + unit + "': a virtual currency needs its value"
            + " in " + currency + " per unit (> 0, at most 12 decimals), e.g. 0.01");
      }
    }
    if (!expiry.isAfter(start)) {
      throw new IllegalArgumentException("Invalid expiry: " + expiry + " is not after start " + start);
    }
    if (rollover.isPresent() && !rollover.get().until().isAfter(expiry)) {
      throw new IllegalArgumentException("Invalid rollover until: " + rollover.get().until() + " is not after expiry " + expiry);
    }
  }

  /** True for token packs (burned by tokens), false for grants burned by cost (billing currency or Credits). */
  public boolean tokens() {
    return unit.equals(TOKENS);
  }

  /** True when the unit is a virtual currency ({@link #TOKENS}, Credits, ...), false for the billing currency. */
  public boolean virtualCurrency() {
    return !unit.equals(currency);
  }

  /**
   * What one unit of the grant is worth in the billing currency when it is burned by cost: 1 for the billing
   * currency, the declared value for Credits; empty for token packs (burned by tokens).
   */
  public Optional<BigDecimal> valuePerUnit() {
    return tokens() ? Optional.empty() : Optional.of(unitValue.orElse(BigDecimal.ONE));
  }

  /** The billing-currency value the grant holds when burned by cost (amount × value per unit); empty for tokens. */
  public Optional<BigDecimal> faceValue() {
    return valuePerUnit().map(amount::multiply);
  }

  /** The last moment (exclusive) any balance of the grant is usable: the rollover's end, else the expiry. */
  @Override
  public LocalDate end() {
    return rollover.map(Rollover::until).orElse(expiry);
  }
}
