package io.aifocus.api.pricing;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One row of the price book: the prices of one provider's models matching {@code modelPattern} from
 * {@code effectiveFrom} (inclusive) to {@code effectiveTo} (exclusive; empty = open), per 1,000,000 tokens.
 *
 * @param version id of this price row, recorded on every row it priced ({@code x_PriceBookVersion})
 * @param provider provider id, lower case ({@code openai}, {@code anthropic}, ...)
 * @param modelPattern glob over the lower-case model id ({@code *} = any characters)
 * @param perMillion price per 1M tokens by token type; a token type without a price cannot be priced
 * @param batchDiscount fraction taken off every price for batch requests (0.5 = half price); 0 when none
 * @param longContextThreshold input tokens (all kinds) above which a request is priced at the long-context
 *     prices; empty when the model has no long-context tier
 * @param longContextPerMillion long-context prices per 1M tokens by token type (used above the threshold)
 * @param serviceTier the provider's service tier this row prices, lower case ({@code priority}, {@code flex}, ...);
 *     empty = any tier. A row with a tier prices only charges of that tier (OpenAI/Anthropic {@code service_tier})
 */
public record Price(
    String version,
    String provider,
    String modelPattern,
    Instant effectiveFrom,
    Optional<Instant> effectiveTo,
    String currency,
    Map<TokenType, BigDecimal> perMillion,
    BigDecimal batchDiscount,
    Optional<Long> longContextThreshold,
    Map<TokenType, BigDecimal> longContextPerMillion,
    Optional<String> serviceTier) {
  public static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  /** Scale of costs: the scale of FOCUS Decimal columns. */
  public static final int COST_SCALE = 12;

  public Price {
    requireNonNull(version, "version is null");
    provider = requireNonNull(provider, "provider is null").toLowerCase(Locale.ROOT);
    modelPattern = requireNonNull(modelPattern, "modelPattern is null").toLowerCase(Locale.ROOT);
    requireNonNull(effectiveFrom, "effectiveFrom is null");
    requireNonNull(effectiveTo, "effectiveTo is null");
    requireNonNull(currency, "currency is null");
    perMillion = Map.copyOf(perMillion);
    requireNonNull(batchDiscount, "batchDiscount is null");
    if (batchDiscount.signum() < 0 || batchDiscount.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException("Invalid batch discount (expected 0..1): " + batchDiscount);
    }
    requireNonNull(longContextThreshold, "longContextThreshold is null");
    longContextPerMillion = Map.copyOf(longContextPerMillion);
    serviceTier = requireNonNull(serviceTier, "serviceTier is null").map(t -> t.strip().toLowerCase(Locale.ROOT))
        .filter(t -> !t.isEmpty());
    if (effectiveTo.isPresent() && !effectiveTo.get().isAfter(effectiveFrom)) {
      throw new IllegalArgumentException("Invalid price " + version + ": effective-to is not after effective-from");
    }
  }

  /** The regular expression equivalent of {@link #modelPattern}, anchored. */
  public String modelRegex() {
    StringBuilder out = new StringBuilder("^");
    for (String part : modelPattern.split("\\*", -1)) {
      if (out.length() > 1) {
        out.append(".*");
      }
      out.append(Pattern.quote(part));
    }
    return out.append('$').toString();
  }

  public boolean matches(String provider, String model, Instant at) {
    return matches(provider, model, at, null);
  }

  /** Whether this row prices a charge of {@code tier} (null = the source names no tier: rows without a tier only). */
  public boolean matches(String provider, String model, Instant at, String tier) {
    return this.provider.equals(provider.strip().toLowerCase(Locale.ROOT))
        && model.strip().toLowerCase(Locale.ROOT).matches(modelRegex())
        && !at.isBefore(effectiveFrom)
        && effectiveTo.map(at::isBefore).orElse(true)
        && serviceTier.map(t -> tier != null && t.equals(tier.strip().toLowerCase(Locale.ROOT))).orElse(true);
  }

  /**
   * The price per 1M tokens of {@code type} for one request, after the batch discount and with the
   * long-context tier applied; empty when this price row has no price for the token type.
   */
  public Optional<BigDecimal> unitPrice(TokenType type, boolean batch, long requestInputTokens) {
    BigDecimal base = perMillion.get(type);
    if (longContextThreshold.isPresent() && requestInputTokens > longContextThreshold.get()
        && longContextPerMillion.containsKey(type)) {
      base = longContextPerMillion.get(type);
    }
    if (base == null) {
      return Optional.empty();
    }
    return Optional.of(batch ? base.multiply(BigDecimal.ONE.subtract(batchDiscount)) : base);
  }

  /** tokens × unit price / 1,000,000, at {@link #COST_SCALE} (rounded half-up beyond 12 places, as Spark's decimal cast). */
  public static BigDecimal cost(long tokens, BigDecimal unitPricePerMillion) {
    return BigDecimal.valueOf(tokens).multiply(unitPricePerMillion)
        .divide(MILLION, COST_SCALE, RoundingMode.HALF_UP);
  }
}
