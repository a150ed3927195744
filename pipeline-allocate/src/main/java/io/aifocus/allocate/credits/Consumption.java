package io.aifocus.allocate.credits;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One priced LLM usage row as the burn-down sees it.
 *
 * @param index the caller's row number; ties in charge time burn in index order, so the result is deterministic
 * @param provider ServiceProviderName of the row
 * @param team x_Team of the row
 * @param chargePeriodStart when the usage happened (its day is the ledger day)
 * @param tokens tokens the row consumed, when it is measured in tokens
 * @param onDemandCost what the row costs without any grant, in {@code currency}
 * @param currency billing currency of the row
 */
public record Consumption(
    int index,
    String provider,
    String billingAccountId,
    Optional<String> subAccountId,
    String team,
    Instant chargePeriodStart,
    Optional<BigDecimal> tokens,
    BigDecimal onDemandCost,
    String currency) {
  public Consumption {
    requireNonNull(provider, "provider is null");
    requireNonNull(billingAccountId, "billingAccountId is null");
    requireNonNull(subAccountId, "subAccountId is null");
    requireNonNull(team, "team is null");
    requireNonNull(chargePeriodStart, "chargePeriodStart is null");
    requireNonNull(tokens, "tokens is null");
    requireNonNull(onDemandCost, "onDemandCost is null");
    requireNonNull(currency, "currency is null");
    if (onDemandCost.signum() < 0 || tokens.map(t -> t.signum() < 0).orElse(false)) {
      throw new IllegalArgumentException("Invalid consumption " + index + ": negative cost or tokens");
    }
  }
}
