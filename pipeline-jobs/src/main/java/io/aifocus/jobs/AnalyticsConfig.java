package io.aifocus.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code analytics:} section of a config file (docs/config.md, docs/analytics.md): revenue file, budgets,
 * alert webhook, anomaly and forecast settings, savings assumptions. Every key is optional; unknown keys are
 * errors, as in the rest of the file.
 */
record AnalyticsConfig(
    Optional<String> revenue,
    Measure measure,
    List<Budget> budgets,
    Optional<String> alertWebhook,
    AnomalySettings anomalies,
    int forecastWindowDays,
    SavingsSettings savings) {

  /** Which cost column budgets, anomalies and forecasts sum. */
  enum Measure {
    effective,
    billed
  }

  enum Scope {
    all,
    team,
    project,
    model,
    endpoint,
    feature,
    customer,
    tag
  }

  enum Period {
    monthly,
    weekly
  }

  /**
   * One budget: spend of the rows in {@code scope} matching {@code match} (for {@code tag}: the value of tag
   * {@code tagKey}) per calendar month or ISO week, in {@code currency}.
   */
  record Budget(String name, Scope scope, Optional<String> match, Optional<String> tagKey, Period period,
      BigDecimal amount, String currency, List<Integer> thresholds, boolean hardCap) {
    Budget {
      requireNonNull(name, "name is null");
      requireNonNull(scope, "scope is null");
      requireNonNull(match, "match is null");
      requireNonNull(tagKey, "tagKey is null");
      requireNonNull(period, "period is null");
      requireNonNull(amount, "amount is null");
      requireNonNull(currency, "currency is null");
      thresholds = thresholds.stream().sorted().toList();
    }
  }

  /** Robust baseline settings (docs/analytics.md "Anomalies"). */
  record AnomalySettings(int windowDays, int minHistoryDays, BigDecimal z, BigDecimal minRatio, BigDecimal minSpend) {}

  /** A model-routing what-if: traffic of provider/model pattern {@code from} priced as model {@code to}. */
  record Substitution(String provider, String from, String to) {}

  record SavingsSettings(List<Substitution> substitutions, Optional<BigDecimal> cacheableInputShare,
      List<String> batchFeatures, List<String> batchWorkflows, List<String> batchEndpoints) {
    SavingsSettings {
      substitutions = List.copyOf(substitutions);
      requireNonNull(cacheableInputShare, "cacheableInputShare is null");
      batchFeatures = List.copyOf(batchFeatures);
      batchWorkflows = List.copyOf(batchWorkflows);
      batchEndpoints = List.copyOf(batchEndpoints);
    }
  }

  static final AnomalySettings DEFAULT_ANOMALIES =
      new AnomalySettings(28, 7, new BigDecimal("5"), new BigDecimal("3"), new BigDecimal("10"));
  static final int DEFAULT_FORECAST_WINDOW_DAYS = 28;
  static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);

  AnalyticsConfig {
    requireNonNull(revenue, "revenue is null");
    requireNonNull(measure, "measure is null");
    budgets = List.copyOf(budgets);
    requireNonNull(alertWebhook, "alertWebhook is null");
    requireNonNull(anomalies, "anomalies is null");
    requireNonNull(savings, "savings is null");
  }

  static AnalyticsConfig defaults() {
    return new AnalyticsConfig(Optional.empty(), Measure.effective, List.of(), Optional.empty(), DEFAULT_ANOMALIES,
        DEFAULT_FORECAST_WINDOW_DAYS,
        new SavingsSettings(List.of(), Optional.empty(), List.of(), List.of(), List.of()));
  }

  // ---- YAML shape (kebab-case keys) ----

  record FileSection(String revenue, String measure, List<BudgetEntry> budgets, String alertWebhook,
      AnomalyEntry anomalies, ForecastEntry forecast, SavingsEntry savings) {}

  record BudgetEntry(String name, String scope, String match, String tagKey, String period, BigDecimal amount,
      String currency, List<Integer> thresholds, Boolean hardCap) {}

  record AnomalyEntry(Integer windowDays, Integer minHistoryDays, BigDecimal z, BigDecimal minRatio, BigDecimal minSpend) {}

  record ForecastEntry(Integer windowDays) {}

  record SubstitutionEntry(String provider, String from, String to) {}

  record SavingsEntry(List<SubstitutionEntry> substitutions, BigDecimal cacheableInputShare, BatchEntry batchEligible) {}

  record BatchEntry(List<String> features, List<String> workflows, List<String> endpoints) {}

  /** The {@code analytics} section of {@code file} (defaults when absent); relative paths resolve against the file. */
  static AnalyticsConfig fromYaml(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    JsonNode section;
    try {
      JsonNode root = yaml.readTree(file.toFile());
      section = root == null ? null : root.get("analytics");
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": cannot read config: " + e.getMessage(), e);
    }
    if (section == null || section.isNull()) {
      return defaults();
    }
    FileSection parsed;
    try {
      parsed = yaml.treeToValue(section, FileSection.class);
    } catch (JsonMappingException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          file + ": " + e.getOriginalMessage() + " at 'analytics" + location(e) + "'");
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": " + e.getMessage(), e);
    }
    return of(parsed, file);
  }

  static AnalyticsConfig of(FileSection s, Path file) {
    Path base = file.toAbsolutePath().getParent();
    AnalyticsConfig d = defaults();
    Measure measure = s.measure() == null ? d.measure() : enumValue(Measure.class, s.measure(), file, "analytics.measure");
    List<Budget> budgets = new java.util.ArrayList<>();
    if (s.budgets() != null) {
      for (int i = 0; i < s.budgets().size(); i++) {
        budgets.add(budget(s.budgets().get(i), file, "analytics.budgets[" + i + "]"));
      }
    }
    long distinct = budgets.stream().map(Budget::name).distinct().count();
    if (distinct != budgets.size()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": budget names must be unique at 'analytics.budgets'");
    }
    AnomalyEntry a = s.anomalies();
    AnomalySettings anomalies = a == null ? d.anomalies() : new AnomalySettings(
        positive(a.windowDays(), DEFAULT_ANOMALIES.windowDays(), file, "analytics.anomalies.window-days"),
        positive(a.minHistoryDays(), DEFAULT_ANOMALIES.minHistoryDays(), file, "analytics.anomalies.min-history-days"),
        a.z() == null ? DEFAULT_ANOMALIES.z() : a.z(),
        a.minRatio() == null ? DEFAULT_ANOMALIES.minRatio() : a.minRatio(),
        a.minSpend() == null ? DEFAULT_ANOMALIES.minSpend() : a.minSpend());
    if (anomalies.minHistoryDays() > anomalies.windowDays()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          file + ": min-history-days must not exceed window-days at 'analytics.anomalies'");
    }
    int forecastWindow = s.forecast() == null ? DEFAULT_FORECAST_WINDOW_DAYS
        : positive(s.forecast().windowDays(), DEFAULT_FORECAST_WINDOW_DAYS, file, "analytics.forecast.window-days");
    SavingsSettings savings = d.savings();
    if (s.savings() != null) {
      List<Substitution> subs = new java.util.ArrayList<>();
      List<SubstitutionEntry> entries = s.savings().substitutions() == null ? List.of() : s.savings().substitutions();
      for (int i = 0; i < entries.size(); i++) {
        SubstitutionEntry e = entries.get(i);
        if (e.provider() == null || e.from() == null || e.to() == null) {
          throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
              file + ": needs 'provider', 'from' and 'to' at 'analytics.savings.substitutions[" + i + "]'");
        }
        subs.add(new Substitution(e.provider().strip().toLowerCase(Locale.ROOT), e.from().strip().toLowerCase(Locale.ROOT),
            e.to().strip().toLowerCase(Locale.ROOT)));
      }
      BigDecimal share = s.savings().cacheableInputShare();
      if (share != null && (share.signum() < 0 || share.compareTo(BigDecimal.ONE) > 0)) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            file + ": expected a fraction 0..1, got " + share + " at 'analytics.savings.cacheable-input-share'");
      }
      BatchEntry b = s.savings().batchEligible();
      savings = new SavingsSettings(subs, Optional.ofNullable(share),
          b == null || b.features() == null ? List.of() : b.features(),
          b == null || b.workflows() == null ? List.of() : b.workflows(),
          b == null || b.endpoints() == null ? List.of() : b.endpoints());
    }
    return new AnalyticsConfig(Optional.ofNullable(s.revenue()).map(p -> JobConfig.resolve(base.toString(), p)), measure, budgets,
        Optional.ofNullable(s.alertWebhook()), anomalies, forecastWindow, savings);
  }

  private static Budget budget(BudgetEntry e, Path file, String at) {
    if (e.name() == null || e.name().isBlank()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": a budget needs a 'name' at '" + at + "'");
    }
    if (e.amount() == null || e.amount().signum() <= 0) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          file + ": budget '" + e.name() + "' needs a positive 'amount' at '" + at + "'");
    }
    Scope scope = e.scope() == null ? Scope.all : enumValue(Scope.class, e.scope(), file, at + ".scope");
    if (scope != Scope.all && (e.match() == null || e.match().isBlank())) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          file + ": budget '" + e.name() + "' with scope " + scope + " needs 'match' at '" + at + "'");
    }
    if (scope == Scope.tag && (e.tagKey() == null || e.tagKey().isBlank())) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          file + ": budget '" + e.name() + "' with scope tag needs 'tag-key' at '" + at + "'");
    }
    Period period = e.period() == null ? Period.monthly : enumValue(Period.class, e.period(), file, at + ".period");
    List<Integer> thresholds = e.thresholds() == null || e.thresholds().isEmpty() ? DEFAULT_THRESHOLDS : e.thresholds();
    for (Integer t : thresholds) {
      if (t == null || t <= 0) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            file + ": thresholds are positive percentages, got " + t + " at '" + at + ".thresholds'");
      }
    }
    String currency = e.currency() == null ? "USD" : e.currency().strip().toUpperCase(Locale.ROOT);
    return new Budget(e.name().strip(), scope, Optional.ofNullable(e.match()), Optional.ofNullable(e.tagKey()), period,
        e.amount().setScale(12, java.math.RoundingMode.HALF_UP), currency, thresholds, Boolean.TRUE.equals(e.hardCap()));
  }

  private static int positive(Integer value, int fallback, Path file, String at) {
    if (value == null) {
      return fallback;
    }
    if (value <= 0) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": expected a positive number, got " + value + " at '" + at + "'");
    }
    return value;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, Path file, String at) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(value.strip().toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": unknown value '" + value + "' at '" + at
        + "' (expected one of " + java.util.Arrays.toString(type.getEnumConstants()) + ")");
  }

  private static String location(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        out.append('.').append(ref.getFieldName());
      } else {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
