package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.api.pricing.Price;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
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
 * declared non-interactive traffic. Every estimate prices tokens at the standard tier (no long-context prices)
 * at the price in effect at the charge time. Potential savings are estimates and never reported as realized.
 */
final class Savings {
  static final StructType SCHEMA = StructType.fromDDL(
      "kind STRING, realized BOOLEAN, team STRING, feature STRING, model STRING, alternative STRING,"
          + " billing_period STRING, currency STRING, tokens DECIMAL(38,0), baseline_cost DECIMAL(38,12),"
          + " lever_cost DECIMAL(38,12), savings DECIMAL(38,12), assumption STRING");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);
  private static final String BATCH_SUFFIX = "/batch";

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
            col(FocusColumns.CHARGE_PERIOD_START), col(FocusColumns.BILLING_PERIOD_START), col(FocusColumns.BILLING_CURRENCY))
        .agg(sum(FocusColumns.CONSUMED_QUANTITY).as("tokens"), sum(FocusColumns.BILLED_COST).as("cost"))
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
      // model routing what-ifs (team and feature may be null: provider usage exports carry no attribution)
      for (AnalyticsConfig.Substitution sub : settings.substitutions()) {
        if (!sub.provider().equals(provider) || !globMatches(sub.from(), model) || globMatches(sub.to() + "*", model)) {
          continue;
        }
        Optional<BigDecimal> unit = book.find(provider, sub.to(), at).filter(p -> p.currency().equals(currency))
            .flatMap(p -> p.unitPrice(type, batch, 0));
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
      Optional<BigDecimal> input = price.unitPrice(TokenType.INPUT, batch, 0);
      Optional<BigDecimal> read = price.unitPrice(TokenType.CACHE_READ, batch, 0);
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
