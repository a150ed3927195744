package io.aifocus.api;

import static java.util.Objects.requireNonNull;

import io.aifocus.api.pricing.PriceBook;
import java.time.Instant;
import java.util.List;

/**
 * Run-level parameters of a normalization. Passed in, never read from the clock, so outputs are
 * reproducible.
 *
 * @param teamTagKeys tag keys tried in order to find a row's team
 * @param priceBook LLM prices for token-based sources (loaded by jobs from the {@code price-book} config)
 */
public record NormalizeContext(String runId, Instant ingestedAt, List<String> teamTagKeys, PriceBook priceBook) {
  public static final List<String> DEFAULT_TEAM_TAG_KEYS =
      List.of("team", "Team", "user:team", "user_team", "owner");

  public NormalizeContext {
    requireNonNull(runId, "runId is null");
    requireNonNull(ingestedAt, "ingestedAt is null");
    teamTagKeys = List.copyOf(teamTagKeys);
    requireNonNull(priceBook, "priceBook is null");
    if (teamTagKeys.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "team tag keys must not be empty");
    }
  }

  /** A context without a price book (sources that carry their own costs). */
  public NormalizeContext(String runId, Instant ingestedAt, List<String> teamTagKeys) {
    this(runId, ingestedAt, teamTagKeys, PriceBook.empty());
  }
}
