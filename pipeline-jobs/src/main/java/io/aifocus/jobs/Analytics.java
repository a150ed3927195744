package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The analyst layer after a run (docs/analytics.md): loads the revenue file, evaluates budgets, forecasts
 * month-end spend, detects anomalies, estimates savings, writes {@code customer_revenue}, {@code forecasts},
 * {@code budget_status}, {@code anomalies}, {@code savings_estimates} and {@code alerts} (each replaced as a
 * whole: they describe the warehouse as of its latest charge), prints crossed thresholds and posts the alerts
 * to the configured webhook. One call from a command: {@link #afterRun}.
 */
final class Analytics {
  static final String GPU_UTILIZATION = "gpu_utilization";
  static final String CUSTOMER_REVENUE = "customer_revenue";
  static final String SAVINGS_ESTIMATES = "savings_estimates";
  static final String FORECASTS = "forecasts";
  static final String BUDGET_STATUS = "budget_status";
  static final String ANOMALIES = "anomalies";
  static final String ALERTS = "alerts";
  /** Tables of the analyst layer (gpu_utilization is written by the GPU allocation), registered by name. */
  static final List<String> TABLES =
      List.of(GPU_UTILIZATION, CUSTOMER_REVENUE, SAVINGS_ESTIMATES, FORECASTS, BUDGET_STATUS, ANOMALIES, ALERTS);

  static final StructType FORECASTS_SCHEMA = StructType.fromDDL(
      "month_start DATE, as_of DATE, team STRING, model STRING, currency STRING, days_elapsed INT, days_remaining INT,"
          + " actual_to_date DECIMAL(38,12), forecast_month_end DECIMAL(38,12), lower_80 DECIMAL(38,12),"
          + " upper_80 DECIMAL(38,12), method STRING, run_id STRING");
  static final StructType BUDGET_STATUS_SCHEMA = StructType.fromDDL(
      "budget STRING, scope STRING, match STRING, period STRING, period_start DATE, period_end DATE, as_of DATE,"
          + " currency STRING, amount DECIMAL(38,12), actual_cost DECIMAL(38,12), forecast_cost DECIMAL(38,12),"
          + " forecast_lower DECIMAL(38,12), forecast_upper DECIMAL(38,12), actual_pct DECIMAL(12,2),"
          + " forecast_pct DECIMAL(12,2), threshold_crossed INT, forecast_threshold INT, hard_cap BOOLEAN,"
          + " cap_exceeded BOOLEAN, forecast_method STRING, run_id STRING, evaluated_at TIMESTAMP");
  static final StructType ANOMALIES_SCHEMA = StructType.fromDDL(
      "day DATE, dimension STRING, team STRING, model STRING, endpoint STRING, currency STRING,"
          + " actual_cost DECIMAL(38,12), expected_cost DECIMAL(38,12), mad DECIMAL(38,12),"
          + " threshold_cost DECIMAL(38,12), ratio DECIMAL(20,2), history_days INT, reason STRING, run_id STRING");
  static final StructType ALERTS_SCHEMA = StructType.fromDDL(
      "alert_id STRING, kind STRING, severity STRING, subject STRING, period_start DATE, as_of DATE, currency STRING,"
          + " actual DECIMAL(38,12), reference DECIMAL(38,12), threshold_pct INT, message STRING, run_id STRING,"
          + " created_at TIMESTAMP");

  private static final String DAY = "_day";
  private static final String ALL_COST = "_all_cost";
  private static final String USAGE_COST = "_usage_cost";
  private static final String USAGE = "Usage";
  private static final int SCALE = 12;

  /** One budget evaluated for the period containing the as-of day. */
  record BudgetStatus(AnalyticsConfig.Budget budget, LocalDate periodStart, LocalDate periodEnd, BigDecimal actual,
      Trend.Projection remaining, Integer thresholdCrossed, Integer forecastThreshold, boolean capExceeded) {
    BigDecimal forecast() {
      return actual.add(remaining.point());
    }
  }

  record Alert(String alertId, String kind, String severity, String subject, LocalDate periodStart, String currency,
      BigDecimal actual, BigDecimal reference, Integer thresholdPct, String message) {}

  /** What the analyst layer found; {@code asOf} is empty when the warehouse holds no usage yet. */
  record Result(Optional<LocalDate> asOf, List<BudgetStatus> budgets, List<Alert> alerts, int anomalies,
      int forecasts, int savings, List<String> notes) {
    boolean capExceeded() {
      return budgets.stream().anyMatch(BudgetStatus::capExceeded);
    }
  }

  private Analytics() {}

  /**
   * The hook commands call after a pipeline run: reads the {@code analytics} section of the config file (if
   * any), runs the analyst layer, prints its findings to stdout and its notes to stderr.
   */
  static Result afterRun(SparkSession spark, Warehouse warehouse, Optional<Path> configFile, JobConfig job, String runId) {
    AnalyticsConfig config = configFile.map(AnalyticsConfig::fromYaml).orElseGet(AnalyticsConfig::defaults);
    Result result = afterRun(spark, warehouse, config, job.priceBook(), runId, Instant.now(), System.out);
    result.notes().forEach(note -> System.err.println("aifocus: note: " + note));
    return result;
  }

  /**
   * Runs the analyst layer over the warehouse and registers every table and analyst view in the session.
   *
   * @param priceBook the run's price book (savings are priced with it; none: no model-routing what-ifs)
   */
  static Result afterRun(SparkSession spark, Warehouse warehouse, AnalyticsConfig config, Optional<String> priceBook,
      String runId, Instant now, PrintStream out) {
    List<String> notes = new ArrayList<>();
    if (config.revenue().isPresent()) {
      List<Row> revenue = RevenueCsv.read(Path.of(config.revenue().get()));
      write(spark, warehouse, CUSTOMER_REVENUE, revenue, RevenueCsv.SCHEMA);
    }
    if (!warehouse.exists(CostAndUsageTable.TABLE_NAME)) {
      notes.add("no " + CostAndUsageTable.TABLE_NAME + " table yet: budgets, anomalies and forecasts skipped");
      warehouse.registerViews();
      notes.addAll(AnalystViews.register(spark).notes());
      return new Result(Optional.empty(), List.of(), List.of(), 0, 0, 0, notes);
    }
    Dataset<Row> focus = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .withColumn(DAY, col(FocusColumns.CHARGE_PERIOD_START).cast(DataTypes.DateType));
    Column cost = col(config.measure() == AnalyticsConfig.Measure.billed ? FocusColumns.BILLED_COST : FocusColumns.EFFECTIVE_COST);
    Row latest = focus.filter(col(FocusColumns.CHARGE_CATEGORY).equalTo(USAGE)).agg(max(DAY)).first();
    if (latest.isNullAt(0)) {
      notes.add("no usage charges yet: budgets, anomalies and forecasts skipped");
      warehouse.registerViews();
      notes.addAll(AnalystViews.register(spark).notes());
      return new Result(Optional.empty(), List.of(), List.of(), 0, 0, 0, notes);
    }
    LocalDate asOf = latest.getAs(0);

    Dataset<Row> daily = focus
        .groupBy(col(DAY), col(ExtensionColumns.TEAM), col(ExtensionColumns.MODEL), col(ExtensionColumns.ENDPOINT),
            col(FocusColumns.BILLING_CURRENCY))
        .agg(sum(cost).as(ALL_COST), sum(when(col(FocusColumns.CHARGE_CATEGORY).equalTo(USAGE), cost)).as(USAGE_COST));
    List<Row> dailyRows = daily.collectAsList();

    List<Row> forecasts = forecasts(dailyRows, asOf, config.forecastWindowDays(), runId);
    List<BudgetStatus> statuses = new ArrayList<>();
    for (AnalyticsConfig.Budget budget : config.budgets()) {
      statuses.add(evaluate(focus, cost, budget, asOf, config.forecastWindowDays()));
    }
    List<Row> anomalies = anomalies(dailyRows, asOf, config.anomalies(), runId);
    List<Row> savings = Savings.estimate(focus, config.savings(), priceBook, notes);

    List<Alert> alerts = new ArrayList<>();
    statuses.forEach(s -> alerts.addAll(alertsOf(s)));
    for (Row a : anomalies) { // rows in ANOMALIES_SCHEMA order
      if (asOf.equals(a.get(0))) {
        String subject = anomalySubject(a);
        alerts.add(new Alert("anomaly:" + subject + ":" + asOf, "anomaly", "warning", subject, asOf, a.getString(5),
            (BigDecimal) a.get(6), (BigDecimal) a.get(7), null, "spend anomaly " + subject + " on " + asOf + ": "
            + a.getString(12)));
      }
    }

    write(spark, warehouse, FORECASTS, forecasts, FORECASTS_SCHEMA);
    write(spark, warehouse, BUDGET_STATUS, statuses.stream().map(s -> statusRow(s, asOf, runId, now)).toList(),
        BUDGET_STATUS_SCHEMA);
    write(spark, warehouse, ANOMALIES, anomalies, ANOMALIES_SCHEMA);
    write(spark, warehouse, SAVINGS_ESTIMATES, savings, Savings.SCHEMA);
    write(spark, warehouse, ALERTS, alerts.stream().map(a -> RowFactory.create(a.alertId(), a.kind(), a.severity(),
        a.subject(), a.periodStart(), asOf, a.currency(), a.actual(), a.reference(), a.thresholdPct(), a.message(), runId,
        now)).toList(), ALERTS_SCHEMA);

    print(out, asOf, statuses, alerts, anomalies.size());
    if (config.alertWebhook().isPresent() && !alerts.isEmpty()) {
      String problem = AlertWebhook.post(config.alertWebhook().get(), AlertWebhook.body(runId, asOf.toString(), alerts));
      if (problem != null) {
        notes.add("alert webhook not delivered (" + problem + "); the alerts are in the alerts table");
      } else {
        out.println("Posted " + alerts.size() + " alert(s) to the webhook.");
      }
    }
    warehouse.registerViews();
    notes.addAll(AnalystViews.register(spark).notes());
    return new Result(Optional.of(asOf), statuses, alerts, anomalies.size(), forecasts.size(), savings.size(), notes);
  }

  /** The AIF-9101 error naming every budget whose hard cap is reached. */
  static io.aifocus.api.PipelineException capError(Result result) {
    List<String> capped = result.budgets().stream().filter(BudgetStatus::capExceeded)
        .map(s -> String.format(Locale.ROOT, "'%s' %s of %s %s", s.budget().name(), RobustBaseline.money(s.actual()),
            RobustBaseline.money(s.budget().amount()), s.budget().currency()))
        .toList();
    return new io.aifocus.api.PipelineException(io.aifocus.api.PipelineErrorCode.SPEND_CAP_EXCEEDED,
        "hard spend cap reached for budget(s) " + String.join(", ", capped) + " (as of "
            + result.asOf().map(LocalDate::toString).orElse("?") + ")");
  }

  // ---------------------------------------------------------------- forecasts

  static List<Row> forecasts(List<Row> dailyRows, LocalDate asOf, int windowDays, String runId) {
    LocalDate monthStart = asOf.withDayOfMonth(1);
    LocalDate monthEnd = monthStart.plusMonths(1);
    LocalDate windowStart = asOf.minusDays(windowDays - 1L);
    Map<List<String>, Series> series = new TreeMap<>(Analytics::compareKeys);
    for (Row r : dailyRows) {
      List<String> key = List.of(r.getString(1), r.getString(2), r.getString(4));
      series.computeIfAbsent(key, k -> new Series()).add(r.getAs(DAY), r.getAs(ALL_COST), r.getAs(USAGE_COST));
    }
    List<Row> rows = new ArrayList<>();
    int elapsed = (int) ChronoUnit.DAYS.between(monthStart, asOf) + 1;
    int remaining = (int) ChronoUnit.DAYS.between(asOf, monthEnd) - 1;
    for (Map.Entry<List<String>, Series> e : series.entrySet()) {
      Series s = e.getValue();
      if (!s.activeBetween(windowStart.isBefore(monthStart) ? windowStart : monthStart, asOf)) {
        continue;
      }
      BigDecimal actual = s.total(monthStart, asOf);
      Trend.Projection p = Trend.project(s.usageHistory(windowStart, asOf), remaining);
      rows.add(RowFactory.create(monthStart, asOf, e.getKey().get(0), e.getKey().get(1), e.getKey().get(2), elapsed,
          remaining, actual, actual.add(p.point()), actual.add(p.lower()), actual.add(p.upper()), p.method(), runId));
    }
    return rows;
  }

  // ---------------------------------------------------------------- budgets

  static BudgetStatus evaluate(Dataset<Row> focus, Column cost, AnalyticsConfig.Budget budget, LocalDate asOf,
      int windowDays) {
    LocalDate periodStart = budget.period() == AnalyticsConfig.Period.monthly
        ? asOf.withDayOfMonth(1) : asOf.with(DayOfWeek.MONDAY);
    LocalDate periodEnd = budget.period() == AnalyticsConfig.Period.monthly ? periodStart.plusMonths(1) : periodStart.plusDays(7);
    LocalDate windowStart = asOf.minusDays(windowDays - 1L);
    LocalDate from = windowStart.isBefore(periodStart) ? windowStart : periodStart;
    List<Row> days = focus
        .filter(scope(budget).and(col(FocusColumns.BILLING_CURRENCY).equalTo(budget.currency()))
            .and(col(DAY).geq(lit(from))).and(col(DAY).leq(lit(asOf))))
        .groupBy(col(DAY))
        .agg(sum(cost).as(ALL_COST), sum(when(col(FocusColumns.CHARGE_CATEGORY).equalTo(USAGE), cost)).as(USAGE_COST))
        .collectAsList();
    Series s = new Series();
    days.forEach(r -> s.add(r.getAs(DAY), r.getAs(ALL_COST), r.getAs(USAGE_COST)));
    BigDecimal actual = s.total(periodStart, asOf);
    int remaining = (int) ChronoUnit.DAYS.between(asOf, periodEnd) - 1;
    Trend.Projection p = Trend.project(s.usageHistory(windowStart, asOf), remaining);
    BigDecimal forecast = actual.add(p.point());
    return new BudgetStatus(budget, periodStart, periodEnd, actual, p, highestCrossed(budget, actual),
        highestCrossed(budget, forecast), budget.hardCap() && actual.compareTo(budget.amount()) >= 0);
  }

  private static Integer highestCrossed(AnalyticsConfig.Budget budget, BigDecimal value) {
    Integer crossed = null;
    for (int t : budget.thresholds()) {
      if (value.multiply(BigDecimal.valueOf(100)).compareTo(budget.amount().multiply(BigDecimal.valueOf(t))) >= 0) {
        crossed = t;
      }
    }
    return crossed;
  }

  static Column scope(AnalyticsConfig.Budget b) {
    String m = b.match().orElse(null);
    return switch (b.scope()) {
      case all -> lit(true);
      case team -> col(ExtensionColumns.TEAM).equalTo(m);
      case project -> col(FocusColumns.SUB_ACCOUNT_NAME).equalTo(m).or(col(FocusColumns.SUB_ACCOUNT_ID).equalTo(m));
      case model -> col(ExtensionColumns.MODEL).equalTo(m);
      case endpoint -> col(ExtensionColumns.ENDPOINT).equalTo(m);
      case feature -> col(ExtensionColumns.FEATURE).equalTo(m);
      case customer -> col(ExtensionColumns.CUSTOMER).equalTo(m);
      case tag -> try_element_at(
          from_json(col(FocusColumns.TAGS), DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)),
          lit(b.tagKey().orElseThrow())).equalTo(m);
    };
  }

  static String describe(AnalyticsConfig.Budget b) {
    String what = switch (b.scope()) {
      case all -> "all spend";
      case tag -> "tag " + b.tagKey().orElseThrow() + "=" + b.match().orElseThrow();
      default -> b.scope() + "=" + b.match().orElseThrow();
    };
    return what + ", " + b.period();
  }

  static List<Alert> alertsOf(BudgetStatus s) {
    AnalyticsConfig.Budget b = s.budget();
    List<Alert> alerts = new ArrayList<>();
    String head = String.format(Locale.ROOT, "budget '%s' (%s from %s)", b.name(), describe(b), s.periodStart());
    if (s.thresholdCrossed() != null) {
      int t = s.thresholdCrossed();
      alerts.add(new Alert("budget:" + b.name() + ":" + s.periodStart() + ":" + t, "budget_threshold",
          t >= 100 ? "critical" : t >= 80 ? "warning" : "info", b.name(), s.periodStart(), b.currency(), s.actual(),
          b.amount(), t, String.format(Locale.ROOT, "%s: actual %s %s is %s%% of %s; threshold %d%% crossed", head,
              RobustBaseline.money(s.actual()), b.currency(), pct(s.actual(), b.amount()).toPlainString(),
              RobustBaseline.money(b.amount()), t)));
    }
    if (s.actual().compareTo(b.amount()) < 0 && s.forecast().compareTo(b.amount()) >= 0) {
      alerts.add(new Alert("forecast:" + b.name() + ":" + s.periodStart(), "budget_forecast", "warning", b.name(),
          s.periodStart(), b.currency(), s.forecast(), b.amount(), s.forecastThreshold(), String.format(Locale.ROOT,
              "%s: forecast %s %s to the period end (80%% interval %s to %s) exceeds the budget %s", head,
              RobustBaseline.money(s.forecast()), b.currency(), RobustBaseline.money(s.actual().add(s.remaining().lower())),
              RobustBaseline.money(s.actual().add(s.remaining().upper())), RobustBaseline.money(b.amount()))));
    }
    if (s.capExceeded()) {
      alerts.add(new Alert("cap:" + b.name() + ":" + s.periodStart(), "spend_cap", "critical", b.name(), s.periodStart(),
          b.currency(), s.actual(), b.amount(), 100, String.format(Locale.ROOT,
              "%s: HARD CAP reached: actual %s %s >= cap %s", head, RobustBaseline.money(s.actual()), b.currency(),
              RobustBaseline.money(b.amount()))));
    }
    return alerts;
  }

  static BigDecimal pct(BigDecimal actual, BigDecimal amount) {
    return actual.multiply(BigDecimal.valueOf(100)).divide(amount, 2, RoundingMode.HALF_UP);
  }

  private static Row statusRow(BudgetStatus s, LocalDate asOf, String runId, Instant now) {
    AnalyticsConfig.Budget b = s.budget();
    return RowFactory.create(b.name(), b.scope() == AnalyticsConfig.Scope.tag ? "tag:" + b.tagKey().orElseThrow()
            : b.scope().name(), b.match().orElse(null), b.period().name(), s.periodStart(), s.periodEnd(), asOf,
        b.currency(), b.amount().setScale(SCALE), s.actual(), s.forecast(), s.actual().add(s.remaining().lower()),
        s.actual().add(s.remaining().upper()), pct(s.actual(), b.amount()), pct(s.forecast(), b.amount()),
        s.thresholdCrossed(), s.forecastThreshold(), b.hardCap(), s.capExceeded(), s.remaining().method(), runId, now);
  }

  // ---------------------------------------------------------------- anomalies

  static List<Row> anomalies(List<Row> dailyRows, LocalDate asOf, AnalyticsConfig.AnomalySettings settings, String runId) {
    Map<List<String>, Series> teamModel = new TreeMap<>(Analytics::compareKeys);
    Map<List<String>, Series> endpoint = new TreeMap<>(Analytics::compareKeys);
    for (Row r : dailyRows) {
      LocalDate day = r.getAs(DAY);
      BigDecimal usage = r.getAs(USAGE_COST);
      if (usage == null) {
        continue;
      }
      teamModel.computeIfAbsent(List.of(r.getString(1), r.getString(2), r.getString(4)), k -> new Series()).add(day, usage, usage);
      if (!r.isNullAt(3)) {
        endpoint.computeIfAbsent(List.of(r.getString(3), r.getString(4)), k -> new Series()).add(day, usage, usage);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<List<String>, Series> e : teamModel.entrySet()) {
      for (RobustBaseline.Flag f : e.getValue().detect(asOf, settings)) {
        rows.add(anomalyRow(f, e.getValue().first().plusDays(f.dayIndex()), "team_model", e.getKey().get(0),
            e.getKey().get(1), null, e.getKey().get(2), runId));
      }
    }
    for (Map.Entry<List<String>, Series> e : endpoint.entrySet()) {
      for (RobustBaseline.Flag f : e.getValue().detect(asOf, settings)) {
        rows.add(anomalyRow(f, e.getValue().first().plusDays(f.dayIndex()), "endpoint", null, null, e.getKey().get(0),
            e.getKey().get(1), runId));
      }
    }
    return rows;
  }

  private static Row anomalyRow(RobustBaseline.Flag f, LocalDate day, String dimension, String team, String model,
      String endpoint, String currency, String runId) {
    return RowFactory.create(day, dimension, team, model, endpoint, currency, f.actual(), f.expected(), f.mad(),
        f.threshold(), f.ratio().orElse(null), f.historyDays(), f.reason(), runId);
  }

  private static String anomalySubject(Row a) {
    return "team_model".equals(a.getString(1))
        ? "team=" + a.getString(2) + " model=" + a.getString(3) : "endpoint=" + a.getString(4);
  }

  // ---------------------------------------------------------------- output

  private static void print(PrintStream out, LocalDate asOf, List<BudgetStatus> statuses, List<Alert> alerts, int anomalies) {
    out.println();
    out.printf(Locale.ROOT, "Analytics as of %s (latest usage day): %d budget(s), %d anomaly day(s), %d alert(s)%n", asOf,
        statuses.size(), anomalies, alerts.size());
    for (Alert a : alerts) {
      out.printf(Locale.ROOT, "  [%s] %s%n", a.severity().toUpperCase(Locale.ROOT), a.message());
    }
  }

  static void write(SparkSession spark, Warehouse warehouse, String table, List<Row> rows, StructType schema) {
    spark.createDataFrame(rows, schema).coalesce(1).write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true").save(warehouse.path(table));
  }

  private static int compareKeys(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = java.util.Comparator.nullsFirst(String::compareTo).compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** A daily spend series: total cost and usage cost per day. */
  static final class Series {
    private final TreeMap<LocalDate, BigDecimal[]> days = new TreeMap<>();

    void add(LocalDate day, BigDecimal all, BigDecimal usage) {
      BigDecimal[] v = days.computeIfAbsent(day, d -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
      v[0] = v[0].add(all == null ? BigDecimal.ZERO : all);
      v[1] = v[1].add(usage == null ? BigDecimal.ZERO : usage);
    }

    LocalDate first() {
      return days.firstKey();
    }

    boolean activeBetween(LocalDate from, LocalDate to) {
      return !days.subMap(from, true, to, true).isEmpty();
    }

    BigDecimal total(LocalDate from, LocalDate to) {
      BigDecimal t = BigDecimal.ZERO.setScale(SCALE);
      for (BigDecimal[] v : days.subMap(from, true, to, true).values()) {
        t = t.add(v[0]);
      }
      return t.setScale(SCALE, RoundingMode.HALF_UP);
    }

    /** Usage per day from the later of {@code from} and the series' first day through {@code to}, zero-filled. */
    List<BigDecimal> usageHistory(LocalDate from, LocalDate to) {
      List<BigDecimal> out = new ArrayList<>();
      if (days.isEmpty()) {
        return out;
      }
      LocalDate start = first().isAfter(from) ? first() : from;
      for (LocalDate d = start; !d.isAfter(to); d = d.plusDays(1)) {
        BigDecimal[] v = days.get(d);
        out.add(v == null ? BigDecimal.ZERO : v[1]);
      }
      return out;
    }

    List<RobustBaseline.Flag> detect(LocalDate asOf, AnalyticsConfig.AnomalySettings settings) {
      return RobustBaseline.detect(usageHistory(first(), asOf), settings);
    }
  }
}
