package io.aifocus.jobs.validate;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** Applicability criteria: what a data generator declares about itself (gates Conditional rules). */
public final class Applicability {
  /**
   * What aifocus declares for its own focus_cost_and_usage table (reasons in docs/validation.md). Criteria not
   * listed gate rules aifocus cannot honour for every source it reads.
   */
  public static final Set<String> AIFOCUS_OUTPUT = Set.of(
      "AVAILABILITY_ZONE_SUPPORTED",
      "COMMITMENT_DISCOUNT_SUPPORTED",
      "CONTRACT_COMMITMENTS_SUPPORTED",
      "MULTIPLE_PRICING_CATEGORIES_SUPPORTED",
      "NEGOTIATED_PRICING_SUPPORTED",
      "PUBLIC_PRICE_LIST_SUPPORTED",
      "USAGE_MEASUREMENT_SUPPORTED",
      "UNIT_PRICING_SUPPORTED",
      "SUB_ACCOUNT_SUPPORTED",
      "BILLING_BASED_ON_PROVISIONED_RESOURCES_SUPPORTED",
      "REGION_SUPPORTED",
      "TAGGING_SUPPORTED",
      "DATA_GENERATOR_SPLIT_COST_ALLOCATION_SUPPORTED",
      "VIRTUAL_CURRENCY_SUPPORTED");

  private Applicability() {}

  /** {@code ALL} (every criterion of the model), {@code NONE}, {@code AIFOCUS}, or a comma-separated list. */
  public static Set<String> parse(String spec, RequirementsModel model) {
    Set<String> known = new LinkedHashSet<>();
    model.rules().values().forEach(r -> known.addAll(r.applicabilityCriteria()));
    return switch (spec.strip().toUpperCase(Locale.ROOT)) {
      case "ALL" -> known;
      case "NONE", "" -> Set.of();
      case "AIFOCUS" -> AIFOCUS_OUTPUT;
      default -> {
        Set<String> out = new LinkedHashSet<>();
        for (String c : Arrays.stream(spec.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
          if (!known.contains(c)) {
            throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--applicability: unknown criterion '" + c
                + "' for FOCUS " + model.focusVersion() + " (known: " + String.join(", ", known) + ")");
          }
          out.add(c);
        }
        yield out;
      }
    };
  }
}
