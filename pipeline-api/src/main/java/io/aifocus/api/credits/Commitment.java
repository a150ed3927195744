package io.aifocus.api.credits;

import java.time.LocalDate;
import java.util.Optional;

/**
 * A commitment of the {@code commitments} config (docs/credits.md): a prepaid {@link Grant} (credits, token pack),
 * a {@link SpendCommitment} (a minimum spend over a term, billed as a shortfall) or a {@link ProvisionedThroughput}
 * reservation (a fixed fee per hour or month covering a model's usage up to a capacity).
 */
public sealed interface Commitment permits Grant, SpendCommitment, ProvisionedThroughput {
  /** Unique id; becomes ContractCommitmentId (and CommitmentDiscountId / ResourceId where the type has rows). */
  String id();

  /** The contract it belongs to (ContractId). */
  String contractId();

  /** The provider key of the usage it covers (docs/credits.md "Which rows burn a grant"). */
  String provider();

  /** Which usage it covers. */
  Grant.Scope scope();

  /** ISO 4217 billing currency of its charges and of the usage it covers. */
  String currency();

  /** First day (inclusive, UTC). */
  LocalDate start();

  /** Last moment (exclusive) it covers usage. */
  LocalDate end();

  Optional<String> description();

  /** Where it was declared (config file), for lineage. */
  String source();

  /** {@code true} when {@code end} is {@code start} plus a whole number of months. */
  static boolean wholeMonths(LocalDate start, LocalDate end) {
    LocalDate d = start;
    while (d.isBefore(end)) {
      d = d.plusMonths(1);
    }
    return d.equals(end);
  }
}
