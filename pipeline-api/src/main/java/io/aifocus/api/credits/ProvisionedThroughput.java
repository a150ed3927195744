package io.aifocus.api.credits;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A provisioned-throughput reservation (Bedrock provisioned throughput, Azure OpenAI PTUs, OpenAI Scale Tier):
 * {@code modelUnits} model units of one model, paid a fixed {@code fee} per hour or per month over
 * {@code [start, expiry)}, covering the model's usage in scope up to {@code tokensPerHour} tokens in each hour;
 * tokens beyond it are billed on demand (docs/credits.md).
 *
 * @param model the model it serves (compared with x_Model ignoring case)
 * @param modelUnits how many model units are reserved (the hours of the reservation count units × hours)
 * @param tokensPerHour the tokens the reservation serves in one hour (all its units together)
 * @param fee the fee per {@code feePer}, in {@code currency}
 */
public record ProvisionedThroughput(
    String id,
    String contractId,
    String provider,
    Grant.Scope scope,
    String model,
    int modelUnits,
    BigDecimal tokensPerHour,
    BigDecimal fee,
    FeePer feePer,
    String currency,
    LocalDate start,
    LocalDate expiry,
    Optional<String> description,
    String source) implements Commitment {
  /** What the fee pays for. */
  public enum FeePer {
    /** Each hour of the term. */
    HOUR,
    /** Each month from {@code start} (the term is whole months); split evenly over its hours. */
    MONTH
  }

  public ProvisionedThroughput {
    requireNonNull(id, "id is null");
    requireNonNull(contractId, "contractId is null");
    requireNonNull(provider, "provider is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(model, "model is null");
    requireNonNull(tokensPerHour, "tokensPerHour is null");
    requireNonNull(fee, "fee is null");
    requireNonNull(feePer, "feePer is null");
    requireNonNull(currency, "currency is null");
    requireNonNull(start, "start is null");
    requireNonNull(expiry, "expiry is null");
    requireNonNull(description, "description is null");
    requireNonNull(source, "source is null");
    if (id.isBlank() || contractId.isBlank() || provider.isBlank() || model.isBlank()) {
      throw new IllegalArgumentException("Invalid reservation: id, contract id, provider and model must not be blank");
    }
    if (modelUnits < 1) {
      throw new IllegalArgumentException("Invalid model units: " + modelUnits + " (must be >= 1)");
    }
    if (tokensPerHour.signum() <= 0) {
      throw new IllegalArgumentException("Invalid tokens per hour: " + tokensPerHour.toPlainString() + " (must be > 0)");
    }
    if (fee.signum() < 0 || fee.scale() > 12) {
      throw new IllegalArgumentException("Invalid fee: " + fee.toPlainString() + " (must be >= 0 with at most 12 decimals)");
    }
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("Invalid currency: '" + currency + "' (an ISO 4217 code such as USD)");
    }
    if (!expiry.isAfter(start)) {
      throw new IllegalArgumentException("Invalid expiry: " + expiry + " is not after start " + start);
    }
    if (feePer == FeePer.MONTH && !Commitment.wholeMonths(start, expiry)) {
      throw new IllegalArgumentException("Invalid expiry: " + expiry + " is not a whole number of months after start "
          + start + " (fee-per month)");
    }
  }

  @Override
  public LocalDate end() {
    return expiry;
  }
}
