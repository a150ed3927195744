package io.aifocus.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.api.pricing.Price;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.AnthropicUsageColumns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Savings estimates over the priced LLM token rows (docs/analytics.md "Savings"), from the price book and the
 * {@code analytics.savings} assumptions: model routing what-ifs (declared substitution pairs), prompt caching
 * (realized by cache reads; potential for a declared cacheable share of uncached input) and batch pricing for
 * declared non-interactive traffic. Every estimate prices tokens at the price in effect at the charge time, and
 * long-context traffic at the long-context tier on both sides ({@link #longContextInput}). Potential savings are estimates and never reported as realized.
 */
final class Savings {
  static final StructType SCHEMA = StructType.fromDDL(
      "kind STRING, realized BOOLEAN, team STRING, feature STRING, model STRING, alternative STRING,"
          + " billing_period STRING, currency STRING, tokens DECIMAL(38,0), baseline_cost DECIMAL(38,12),"
          + " lever_cost DECIMAL(38,12), savings DECIMAL(38,12), assumption STRING");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);
  private static final String BATCH_SUFFIX = "/batch";
  /** Tag of the Anthropic usage and cost reports naming the context window ({@code 200k-1M}: long context). */
  static final String CONTEXT_WINDOW_TAG = "context-window";
  /** Smallest input of a long-context request when the price book names no threshold: the 200k-1M window. */
  static final long LONG_CONTEXT_MIN_INPUT = 200_001L;
  private static final org.apache.spark.sql.types.DataType TAG_MAP =
      org.apache.spark.sql.types.DataTypes.createMapType(org.apache.spark.sql.types.DataTypes.StringType,
          org.apache.spark.sql.types.DataTypes.StringType);

  private Savings() {}

  static List<Row> estimate(Dataset<Row> focus, AnalyticsConfig.SavingsSettings settings, Optional<String> priceBookFile,
      List<String> notes) {
    if (priceBookFile.isEmpty()) {
      if (!settings.substitutions().isEmpty()) {
        notes.add("savings: no price book configured, model-routing what-ifs skipped");
      }
      return List.of();
    }
    PriceBook book = PriceBook.load(Path.of(priceBookFile.get()));
    List<Row> rows = focus.filter(col(ExtensionColumns.PRICE_BOOK_VERSION).isNotNull())
        .groupBy(col(ExtensionColumns.SERVICE_CODE), col(ExtensionColumns.MODEL), col(ExtensionColumns.TEAM),
            col(ExtensionColumns.FEATURE), col(ExtensionColumns.WORKFLOW), col(ExtensionColumns.ENDPOINT),
            col(ExtensionColumns.USAGE_TYPE), col(FocusColumns.SKU_PRICE_ID).endsWith(BATCH_SUFFIX).as("batch"),
            col(FocusColumns.CHARGE_PERIOD_START), col(FocusColumns.BILLING_PERIOD_START), col(FocusColumns.BILLING_CURRENCY),
            element_at(from_json(col(FocusColumns.TAGS), TAG_MAP), lit(CONTEXT_WINDOW_TAG)).as("context_window"),
            col(FocusColumns.LIST_UNIT_PRICE).as("unit_price"))
        // the baseline is what the traffic cost before prepaid grants and commitments were applied (ContractedCost;
        // the usage-vs-cost step sets it to the distributed billed amount): a grant covering the traffic would
        // otherwise show a baseline of 0 and a negative "saving" for every lever
        .agg(sum(FocusColumns.CONSUMED_QUANTITY).as("tokens"),
            sum(coalesce(col(FocusColumns.CONTRACTED_COST), col(FocusColumns.BILLED_COST))).as("cost"))
        .collectAsList();
    Map<List<Object>, BigDecimal[]> out = new TreeMap<>(Savings::compare);
    int unpriced = 0;
    for (Row r : rows) {
      String provider = r.getString(0);
      String model = r.getString(1);
      TokenType type = tokenType(r.getString(6));
      BigDecimal tokensDecimal = r.getAs("tokens");
      BigDecimal cost = r.getAs("cost");
      if (type == null || tokensDecimal == null || cost == null || provider == null) {
        continue;
      }
      long tokens = tokensDecimal.setScale(0, RoundingMode.DOWN).longValueExact();
      boolean batch = r.getBoolean(7);
      Instant at = r.getAs(FocusColumns.CHARGE_PERIOD_START);
      String period = MONTH.format((Instant) r.getAs(FocusColumns.BILLING_PERIOD_START));
      String currency = r.getString(10);
      String team = r.getString(2);
      String feature = r.getString(3);
      Optional<Price> current = book.find(provider, model, at).filter(p -> p.currency().equals(currency));
      // long-context traffic is priced at the long-context tier on both sides of every what-if
      long requestInput = longContextInput(current, type, batch, r.getAs("context_window"), r.getAs("unit_price"));
      // model routing what-ifs (team and feature may be null: provider usage exports carry no attribution)
      for (AnalyticsConfig.Substitution sub : settings.substitutions()) {
        if (!sub.provider().equals(provider) || !globMatches(sub.from(), model) || globMatches(sub.to() + "*", model)) {
          continue;
        }
        Optional<BigDecimal> unit = book.find(provider, sub.to(), at).filter(p -> p.currency().equals(currency))
            .flatMap(p -> p.unitPrice(type, batch, requestInput));
        if (unit.isEmpty()) {
          unpriced++;
          continue;
        }
        add(out, Arrays.asList("model_routing", false, team, feature, model, provider + "/" + sub.to(), period, currency,
            "traffic of " + sub.from() + " priced as " + sub.to() + " at the same token counts (quality not assessed)"),
            tokens, cost, Price.cost(tokens, unit.get()));
      }
      if (current.isEmpty()) {
        continue;
      }
      Price price = current.get();
      Optional<BigDecimal> input = price.unitPrice(TokenType.INPUT, batch, requestInput);
      Optional<BigDecimal> read = price.unitPrice(TokenType.CACHE_READ, batch, requestInput);
      if (type == TokenType.CACHE_READ && input.isPresent()) {
        add(out, Arrays.asList("prompt_caching", true, team, feature, model, "cache reads", period, currency,
            "cache reads priced at the input price minus their cache-read cost"),
            tokens, Price.cost(tokens, input.get()), cost);
      }
      if (type == TokenType.INPUT && settings.cacheableInputShare().isPresent() && input.isPresent() && read.isPresent()) {
        BigDecimal share = settings.cacheableInputShare().get();
        long cacheable = BigDecimal.valueOf(tokens).multiply(share).setScale(0, RoundingMode.DOWN).longValueExact();
        if (cacheable > 0) {
          add(out, Arrays.asList("prompt_caching", false, team, feature, model, "cache reads", period, currency,
              share.stripTrailingZeros().toPlainString() + " of uncached input assumed cacheable"
                  + " (analytics.savings.cacheable-input-share); cache-write premiums not included"),
              cacheable, Price.cost(cacheable, input.get()), Price.cost(cacheable, read.get()));
        }
      }
      if (!batch && price.batchDiscount().signum() > 0 && batchEligible(settings, feature, r.getString(4), r.getString(5))) {
        BigDecimal lever = cost.multiply(BigDecimal.ONE.subtract(price.batchDiscount())).setScale(12, RoundingMode.HALF_UP);
        add(out, Arrays.asList("batch", false, team, feature, model, "batch pricing", period, currency,
            "declared non-interactive traffic (analytics.savings.batch-eligible) at the price book's batch discount "
                + price.batchDiscount().stripTrailingZeros().toPlainString()),
            tokens, cost, lever);
      }
    }
    if (unpriced > 0) {
      notes.add("savings: " + unpriced + " usage group(s) left out of model-routing what-ifs: the substitute model has"
          + " no price for their token type, time or currency in the price book");
    }
    List<Row> result = new ArrayList<>();
    out.forEach((k, v) -> result.add(RowFactory.create(k.get(0), k.get(1), k.get(2), k.get(3), k.get(4), k.get(5), k.get(6),
        k.get(7), v[0], v[1], v[2], v[1].subtract(v[2]), k.get(8))));
    return result;
  }

  /**
   * The input size of the requests of a usage group for pricing: above the long-context threshold when the rows
   * are long-context traffic, else 0. Long context is known from the Anthropic reports' {@code context-window} tag
   * ({@code 200k-1M}) or, for per-request sources, from the unit price the row was priced at (the model's
   * long-context price, not its regular one). The size used is the smallest a long-context request has: the
   * model's threshold + 1 (200,001 without a threshold in the book: the window's lower bound), so a substitute
   * model applies its own threshold to it.
   */
  static long longContextInput(Optional<Price> price, TokenType type, boolean batch, String contextWindow,
      BigDecimal unitPrice) {
    long above = price.flatMap(Price::longContextThreshold).map(t -> t + 1).orElse(LONG_CONTEXT_MIN_INPUT);
    if (AnthropicUsageColumns.LONG_CONTEXT_WINDOW.equals(contextWindow)) {
      return above;
    }
    if (price.isEmpty() || price.get().longContextThreshold().isEmpty() || unitPrice == null) {
      return 0;
    }
    Optional<BigDecimal> regular = price.get().unitPrice(type, batch, 0);
    Optional<BigDecimal> longContext = price.get().unitPrice(type, batch, above);
    boolean atLongContextPrice = longContext.isPresent() && longContext.get().compareTo(unitPrice) == 0
        && regular.map(r -> r.compareTo(unitPrice) != 0).orElse(true);
    return atLongContextPrice ? above : 0;
  }

  private static void add(Map<List<Object>, BigDecimal[]> out, List<Object> key, long tokens, BigDecimal baseline,
      BigDecimal lever) {
    BigDecimal[] v = out.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO,
        BigDecimal.ZERO.setScale(12), BigDecimal.ZERO.setScale(12)});
    v[0] = v[0].add(BigDecimal.valueOf(tokens));
    v[1] = v[1].add(baseline);
    v[2] = v[2].add(lever);
  }

  private static boolean batchEligible(AnalyticsConfig.SavingsSettings s, String feature, String workflow, String endpoint) {
    return (feature != null && s.batchFeatures().contains(feature)) || (workflow != null && s.batchWorkflows().contains(workflow))
        || (endpoint != null && s.batchEndpoints().contains(endpoint));
  }

  private static TokenType tokenType(String usageType) {
    return Arrays.stream(TokenType.values()).filter(t -> t.id().equals(usageType)).findFirst().orElse(null);
  }

  static boolean globMatches(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (regex.length() > 0) {
        regex.append(".*");
      }
      regex.append(java.util.regex.Pattern.quote(part));
    }
    return value.toLowerCase(Locale.ROOT).matches(regex.toString());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = java.util.Comparator.nullsFirst((Object x, Object y) -> ((Comparable) x).compareTo(y)).compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
