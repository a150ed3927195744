package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.aifocus.api.PipelineException;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Budgets, alerts, the webhook, anomalies and forecasts over hand-made spend with hand-computed answers. */
class AnalyticsTest {
  private static final LocalDate FIRST = LocalDate.parse("2026-10-01");
  private static final LocalDate AS_OF = LocalDate.parse("2026-11-25"); // a Wednesday
  private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");

  /** A normal week: weekdays around 100, quiet weekends. */
  static BigDecimal weekly(LocalDate day) {
    return new BigDecimal(switch (day.getDayOfWeek()) {
      case MONDAY -> "100";
      case TUESDAY -> "104";
      case WEDNESDAY -> "98";
      case THURSDAY -> "102";
      case FRIDAY -> "96";
      case SATURDAY -> "30";
      case SUNDAY -> "25";
    });
  }

  private static List<BigDecimal> series(LocalDate from, LocalDate to, boolean runawayOnLastDay) {
    List<BigDecimal> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.add(runawayOnLastDay && d.equals(to) ? weekly(d).multiply(BigDecimal.valueOf(20)) : weekly(d));
    }
    return out;
  }

  @Test
  void aRunawayAgentLoopIsFlaggedAndANormalWeeklyPatternIsNot() {
    AnalyticsConfig.AnomalySettings settings = AnalyticsConfig.DEFAULT_ANOMALIES;
    assertThat(RobustBaseline.detect(series(FIRST, AS_OF, false), settings)).isEmpty();
    List<RobustBaseline.Flag> flags = RobustBaseline.detect(series(FIRST, AS_OF, true), settings);
    assertThat(flags).hasSize(1);
    RobustBaseline.Flag flag = flags.get(0);
    // the 28 days before: 4 × (25, 30, 96, 98, 100, 102, 104) → median 98; |x − 98| sorted → MAD 4
    assertThat(flag.dayIndex()).isEqualTo(55);
    assertThat(flag.actual()).isEqualByComparingTo("1960");
    assertThat(flag.expected()).isEqualByComparingTo("98");
    assertThat(flag.mad()).isEqualByComparingTo("4");
    assertThat(flag.threshold()).isEqualByComparingTo("294"); // 98 + max(5 × 1.4826 × 4 = 29.652, 2 × 98)
    assertThat(flag.ratio()).contains(new BigDecimal("20.00"));
    assertThat(flag.reason()).isEqualTo("spend 1960.00 is 20.00× the 28-day median 98.00 (MAD 4.00); threshold 294.00"
        + " = median + max(5 × 1.4826 × MAD, (3 − 1) × median)");
    // a weekend-heavy spike of 2.5× a weekday is ordinary variation here, not an anomaly
    List<BigDecimal> busyMonday = series(FIRST, AS_OF, false);
    busyMonday.set(busyMonday.size() - 3, new BigDecimal("250"));
    assertThat(RobustBaseline.detect(busyMonday, settings)).isEmpty();
    // small series: below the minimum spend nothing is flagged, however large the ratio
    List<BigDecimal> tiny = new ArrayList<>(java.util.Collections.nCopies(10, new BigDecimal("0.10")));
    tiny.add(new BigDecimal("9.99"));
    assertThat(RobustBaseline.detect(tiny, settings)).isEmpty();
  }

  @Test
  void trendExtendsALineAndGivesAnIntervalFromTheResiduals() {
    List<BigDecimal> line = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      line.add(BigDecimal.valueOf(i));
    }
    Trend.Projection p = Trend.project(line, 3);
    assertThat(p.point()).isEqualByComparingTo("36"); // 11 + 12 + 13, residuals 0
    assertThat(p.lower()).isEqualByComparingTo("36");
    assertThat(p.upper()).isEqualByComparingTo("36");
    assertThat(p.method()).isEqualTo("linear trend of 10 days");
    // fewer than 7 days: the mean day (2), s = √2, 80% interval ± 1.2816 × √2 × √4
    Trend.Projection mean = Trend.project(List.of(new BigDecimal("1"), new BigDecimal("3")), 4);
    BigDecimal half = new BigDecimal("1.2816").multiply(new BigDecimal("2").sqrt(MathContext.DECIMAL128))
        .multiply(new BigDecimal("2"));
    assertThat(mean.point()).isEqualByComparingTo("8");
    assertThat(mean.lower()).isEqualByComparingTo(new BigDecimal("8").subtract(half).setScale(12, RoundingMode.HALF_UP));
    assertThat(mean.upper()).isEqualByComparingTo(new BigDecimal("8").add(half).setScale(12, RoundingMode.HALF_UP));
    // a falling line never projects negative days
    Trend.Projection falling = Trend.project(List.of(new BigDecimal("60"), new BigDecimal("50"), new BigDecimal("40"),
        new BigDecimal("30"), new BigDecimal("20"), new BigDecimal("10"), new BigDecimal("0")), 5);
    assertThat(falling.point()).isEqualByComparingTo("0");
  }

  private static Warehouse spendWarehouse() {
    FocusFixture f = new FocusFixture();
    for (LocalDate d = FIRST; !d.isAfter(AS_OF); d = d.plusDays(1)) {
      f.charge(d, "steady", "none", weekly(d).toPlainString());
      String loop = d.equals(AS_OF) ? weekly(d).multiply(BigDecimal.valueOf(20)).toPlainString() : weekly(d).toPlainString();
      f.charge(d, "loop", "none", loop, ExtensionColumns.ENDPOINT, "/v1/loop");
      if (!d.isBefore(LocalDate.parse("2026-11-01"))) {
        f.charge(d, "flat", "none", "2.00", FocusColumns.TAGS, "{\"cost-center\":\"cc-9\"}");
      }
    }
    f.charge(LocalDate.parse("2026-11-01"), "flat", "none", "1.00", FocusColumns.CHARGE_CATEGORY, "Tax");
    f.charge(LocalDate.parse("2026-11-10"), "flat", "none", "100", FocusColumns.BILLING_CURRENCY, "EUR");
    return f.write("analytics-wh");
  }

  private static Path config(String analyticsYaml) throws IOException {
    Path file = SparkTestSession.newDirectory("analytics-config").resolve("aifocus.yaml");
    Files.writeString(file, "analytics:\n" + analyticsYaml, StandardCharsets.UTF_8);
    return file;
  }

  static final String BUDGETS = """
        budgets:
          - {name: flat-monthly, scope: team, match: flat, amount: 60, thresholds: [50, 80, 100]}
          - {name: flat-cap, scope: team, match: flat, amount: 50, hard-cap: true}
          - {name: flat-weekly, scope: team, match: flat, period: weekly, amount: 20}
          - {name: cc9, scope: tag, tag-key: cost-center, match: cc-9, amount: 100}
      """;

  @Test
  void budgetsAlertsWebhookAnomaliesAndForecasts() throws Exception {
    SparkSession spark = SparkTestSession.get();
    FocusFixture.forgetViews();
    Warehouse warehouse = spendWarehouse();
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
          + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " " + exchange.getRequestMethod());
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Analytics.Result result;
    try {
      AnalyticsConfig config = AnalyticsConfig.fromYaml(config(BUDGETS
          + "  alert-webhook: http://127.0.0.1:" + server.getAddress().getPort() + "/hook\n"));
      result = Analytics.afterRun(spark, warehouse, config, Optional.empty(), "run-1", NOW,
          new PrintStream(printed, true, StandardCharsets.UTF_8));
    } finally {
      server.stop(0);
    }
    assertThat(result.asOf()).contains(AS_OF);
    assertThat(result.capExceeded()).isTrue();

    // budgets: flat spends 2.00 a usage day from 2026-11-01 (25 days) plus a 1.00 tax; the EUR row is not in USD budgets
    assertThat(rows(spark, "SELECT budget, scope, match, period, period_start, period_end, amount, actual_cost,"
        + " forecast_cost, forecast_lower, forecast_upper, actual_pct, forecast_pct, threshold_crossed,"
        + " forecast_threshold, hard_cap, cap_exceeded, forecast_method FROM budget_status ORDER BY budget"))
        .containsExactly(
            "cc9|tag:cost-center|cc-9|monthly|2026-11-01|2026-12-01|100|50|60|60|60|50|60|50|50|false|false|linear trend of 25 days",
            "flat-cap|team|flat|monthly|2026-11-01|2026-12-01|50|51|61|61|61|102|122|100|100|true|true|linear trend of 25 days",
            "flat-monthly|team|flat|monthly|2026-11-01|2026-12-01|60|51|61|61|61|85|101.67|80|100|false|false|linear trend of 25 days",
            "flat-weekly|team|flat|weekly|2026-11-23|2026-11-30|20|6|14|14|14|30|70|null|50|false|false|linear trend of 25 days");

    String monthly = "budget 'flat-monthly' (team=flat, monthly from 2026-11-01)";
    String cap = "budget 'flat-cap' (team=flat, monthly from 2026-11-01)";
    assertThat(rows(spark, "SELECT kind, severity, subject, period_start, currency, actual, reference, threshold_pct,"
        + " message FROM alerts ORDER BY kind, subject"))
        .containsExactly(
            "anomaly|warning|endpoint=/v1/loop|2026-11-25|USD|1960|98|null|spend anomaly endpoint=/v1/loop on 2026-11-25:"
                + " spend 1960.00 is 20.00× the 28-day median 98.00 (MAD 4.00); threshold 294.00 = median + max(5 × 1.4826 × MAD,"
                + " (3 − 1) × median)",
            "anomaly|warning|team=loop model=none|2026-11-25|USD|1960|98|null|spend anomaly team=loop model=none on 2026-11-25:"
                + " spend 1960.00 is 20.00× the 28-day median 98.00 (MAD 4.00); threshold 294.00 = median + max(5 × 1.4826 × MAD,"
                + " (3 − 1) × median)",
            "budget_forecast|warning|flat-monthly|2026-11-01|USD|61|60|100|" + monthly
                + ": forecast 61.00 USD to the period end (80% interval 61.00 to 61.00) exceeds the budget 60.00",
            "budget_threshold|info|cc9|2026-11-01|USD|50|100|50|budget 'cc9' (tag cost-center=cc-9, monthly from 2026-11-01):"
                + " actual 50.00 USD is 50.00% of 100.00; threshold 50% crossed",
            "budget_threshold|critical|flat-cap|2026-11-01|USD|51|50|100|" + cap
                + ": actual 51.00 USD is 102.00% of 50.00; threshold 100% crossed",
            "budget_threshold|warning|flat-monthly|2026-11-01|USD|51|60|80|" + monthly
                + ": actual 51.00 USD is 85.00% of 60.00; threshold 80% crossed",
            "spend_cap|critical|flat-cap|2026-11-01|USD|51|50|100|" + cap + ": HARD CAP reached: actual 51.00 USD >= cap 50.00");
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("Analytics as of 2026-11-25 (latest usage day): 4 budget(s), 2 anomaly day(s), 7 alert(s)")
        .contains("  [WARNING] " + monthly + ": actual 51.00 USD is 85.00% of 60.00; threshold 80% crossed")
        .contains("  [CRITICAL] " + cap + ": HARD CAP reached")
        .contains("Posted 7 alert(s) to the webhook.");

    assertThat(bodies).hasSize(1);
    String body = bodies.get(0);
    assertThat(body).endsWith(" application/json; charset=utf-8 POST");
    JsonNode json = new ObjectMapper().readTree(body.substring(0, body.indexOf(" application/json")));
    assertThat(json.path("source").asText()).isEqualTo("aifocus");
    assertThat(json.path("run_id").asText()).isEqualTo("run-1");
    assertThat(json.path("as_of").asText()).isEqualTo("2026-11-25");
    assertThat(json.path("alerts")).hasSize(7);
    JsonNode capAlert = null;
    for (JsonNode a : json.path("alerts")) {
      if (a.path("kind").asText().equals("spend_cap")) {
        capAlert = a;
      }
    }
    assertThat(capAlert).isNotNull();
    assertThat(capAlert.path("alert_id").asText()).isEqualTo("cap:flat-cap:2026-11-01");
    assertThat(capAlert.path("actual").asText()).isEqualTo("51.000000000000");
    assertThat(capAlert.path("reference").asText()).isEqualTo("50.000000000000");
    assertThat(capAlert.path("severity").asText()).isEqualTo("critical");

    // anomalies: only the runaway day of the loop, once per team × model and once per endpoint
    assertThat(rows(spark, "SELECT day, dimension, team, model, endpoint, actual_cost, expected_cost, mad, threshold_cost,"
        + " ratio, history_days FROM anomalies ORDER BY dimension"))
        .containsExactly("2026-11-25|endpoint|null|null|/v1/loop|1960|98|4|294|20|28",
            "2026-11-25|team_model|loop|none|null|1960|98|4|294|20|28");

    // forecasts: one row per team × model × currency with spend in the window or month
    assertThat(rows(spark, "SELECT team, model, currency, month_start, days_elapsed, days_remaining, actual_to_date,"
        + " forecast_month_end, lower_80, upper_80, method FROM forecasts WHERE team = 'flat' ORDER BY currency"))
        .containsExactly(
            // one EUR day of 100 then 15 days of nothing: the falling line projects 0, the residuals widen the interval
            "flat|none|EUR|2026-11-01|25|5|100|100|100|" + eurUpper(spark) + "|linear trend of 16 days",
            "flat|none|USD|2026-11-01|25|5|51|61|61|61|linear trend of 25 days");
    assertThat(new BigDecimal(eurUpper(spark))).isGreaterThan(new BigDecimal("100"));
    assertThat(rows(spark, "SELECT team FROM forecasts ORDER BY team")).containsExactly("flat", "flat", "loop", "steady");
    // the views are registered after the run
    assertThat(rows(spark, "SELECT COUNT(*) FROM v_daily_spend WHERE team = 'flat'")).containsExactly("26");
  }

  @Test
  void savingsPriceLongContextTrafficAtLongContextPricesOnBothSides() throws IOException {
    // big: 3 / 15 per 1M, above 200,000 input tokens 6 / 22.5; small: 1 / 5, above 200,000 2 / 7.5; cache reads 0.3 / 0.1
    Path dir = SparkTestSession.newDirectory("savings-long-context");
    Path book = Files.writeString(dir.resolve("prices.csv"), String.join("\n",
        "version,provider,model_pattern,effective_from,effective_to,currency,input_per_1m,output_per_1m,cache_read_per_1m,"
            + "cache_write_5m_per_1m,cache_write_1h_per_1m,batch_discount,long_context_threshold,long_context_input_per_1m,"
            + "long_context_output_per_1m",
        "big-v1,anthropic,big*,2026-01-01,,USD,3,15,0.3,3.75,6,0.5,200000,6,22.5",
        "small-v1,anthropic,small*,2026-01-01,,USD,1,5,0.1,1.25,2,0.5,200000,2,7.5", ""));
    StructType schema = new StructType()
        .add(ExtensionColumns.SERVICE_CODE, "string").add(ExtensionColumns.MODEL, "string")
        .add(ExtensionColumns.TEAM, "string").add(ExtensionColumns.FEATURE, "string")
        .add(ExtensionColumns.WORKFLOW, "string").add(ExtensionColumns.ENDPOINT, "string")
        .add(ExtensionColumns.USAGE_TYPE, "string").add(FocusColumns.SKU_PRICE_ID, "string")
        .add(FocusColumns.CHARGE_PERIOD_START, "timestamp").add(FocusColumns.BILLING_PERIOD_START, "timestamp")
        .add(FocusColumns.BILLING_CURRENCY, "string").add(FocusColumns.CONSUMED_QUANTITY, "decimal(38,12)")
        .add(FocusColumns.BILLED_COST, "decimal(38,12)").add(ExtensionColumns.PRICE_BOOK_VERSION, "string")
        .add(FocusColumns.TAGS, "string").add(FocusColumns.LIST_UNIT_PRICE, "decimal(38,12)")
        .add(FocusColumns.CONTRACTED_COST, "decimal(38,12)");
    Instant at = Instant.parse("2026-11-03T00:00:00Z");
    Instant month = Instant.parse("2026-11-01T00:00:00Z");
    List<Row> rows = List.of(
        // standard input, 1M tokens at 3
        savingsRow("std", "input", at, month, "1000000", "3", "{\"context-window\":\"0-200k\"}", "3"),
        // an Anthropic usage report row of the 200k-1M window: 1M input tokens at 6
        savingsRow("tagged", "input", at, month, "1000000", "6", "{\"context-window\":\"200k-1M\"}", "6"),
        // a gateway request above the threshold (no tag): 100,000 output tokens at the long-context 22.5
        savingsRow("priced", "output", at, month, "100000", "2.25", null, "22.5"));
    AnalyticsConfig.SavingsSettings settings = new AnalyticsConfig.SavingsSettings(
        List.of(new AnalyticsConfig.Substitution("anthropic", "big*", "small")), Optional.of(new BigDecimal("0.5")),
        List.of(), List.of(), List.of());
    List<String> notes = new ArrayList<>();
    List<Row> out = Savings.estimate(SparkTestSession.get().createDataFrame(rows, schema), settings, Optional.of(book.toString()), notes);

    // team -> kind -> (tokens, baseline, lever, savings)
    java.util.Map<String, String> got = new java.util.TreeMap<>();
    for (Row r : out) {
      got.put(r.getString(2) + " " + r.getString(0), r.getDecimal(8).toPlainString() + " " + plain(r.getDecimal(9)) + " "
          + plain(r.getDecimal(10)) + " " + plain(r.getDecimal(11)));
    }
    assertThat(got).containsExactly(
        // long context: routed at small's long-context output price 7.5 (not 5): 0.75
        java.util.Map.entry("priced model_routing", "100000 2.25 0.75 1.5"),
        // standard tier; 500,000 cacheable input: 500k x 3 = 1.50 vs 500k x 0.3 = 0.15
        java.util.Map.entry("std model_routing", "1000000 3 1 2"),
        java.util.Map.entry("std prompt_caching", "500000 1.5 0.15 1.35"),
        // long context: small's long-context input price 2 (not 1); cacheable input at big's long-context 6 (not 3)
        java.util.Map.entry("tagged model_routing", "1000000 6 2 4"),
        java.util.Map.entry("tagged prompt_caching", "500000 3 0.15 2.85"));
    assertThat(notes).isEmpty();
  }

  private static Row savingsRow(String team, String type, Instant at, Instant month, String tokens, String cost, String tags,
      String unitPrice) {
    return org.apache.spark.sql.RowFactory.create("anthropic", "big-1", team, null, null, null, type,
        "big/big-v1/" + type, java.sql.Timestamp.from(at), java.sql.Timestamp.from(month), "USD", new BigDecimal(tokens),
        new BigDecimal(cost), "big-v1", tags, new BigDecimal(unitPrice), new BigDecimal(cost));
  }

  private static String plain(BigDecimal d) {
    return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }

  @Test
  void badBudgetConfigNamesFileAndKey() throws IOException {
    Path file = config("  budgets:\n    - {name: x, scope: team, amount: 10}\n");
    assertThatThrownBy(() -> AnalyticsConfig.fromYaml(file)).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: " + file + ": budget 'x' with scope team needs 'match' at 'analytics.budgets[0]'");
    Path typo = config("  budgets:\n    - {name: x, scope: team, match: a, amount: 10, hardcap: true}\n");
    assertThatThrownBy(() -> AnalyticsConfig.fromYaml(typo)).isInstanceOf(PipelineException.class)
        .hasMessageContaining("Unrecognized field \"hardcap\"").hasMessageContaining("at 'analytics.budgets[0].hardcap'");
    Path period = config("  budgets:\n    - {name: x, match: a, scope: team, period: daily, amount: 10}\n");
    assertThatThrownBy(() -> AnalyticsConfig.fromYaml(period)).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: " + period + ": unknown value 'daily' at 'analytics.budgets[0].period'"
            + " (expected one of [monthly, weekly])");
    Path revenue = SparkTestSession.newDirectory("bad-revenue").resolve("revenue.csv");
    Files.writeString(revenue, "customer,billing_period,revenue,currency\nacme,2026-11,12x,USD\n");
    assertThatThrownBy(() -> RevenueCsv.read(revenue)).isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: " + revenue + ": line 2: column revenue is not a decimal number with at most"
            + " 12 decimals: '12x'");
  }

  @Test
  void runFailOnCapExitsWithCode4WhenAHardCapIsReached() throws IOException {
    Path root = SparkTestSession.projectRoot();
    Path dir = SparkTestSession.newDirectory("cap-run");
    Path file = dir.resolve("aifocus.yaml");
    Files.writeString(file, "price-book: " + root.resolve("sample-data/llm/price-book.csv") + "\n"
        + "sources:\n  - kind: gateway-log\n    path: " + root.resolve("sample-data/analytics/agents-gateway-2026-11.jsonl") + "\n"
        + "analytics:\n  budgets:\n    - {name: agents-cap, scope: team, match: agents, amount: 25, hard-cap: true}\n"
        + "    - {name: agents-big, scope: team, match: agents, amount: 1000}\n");
    CliTest.Call call = CliTest.cli("run", "-q", "--config", file.toString(), "--warehouse", dir.resolve("wh").toString(),
        "--fail-on-cap");
    assertThat(call.exit()).as(call.err()).isEqualTo(AifocusCli.EXIT_CAP);
    // 53 normal requests and 100 runaway ones at USD 0.20 each (150,000 input tokens at 1.00 and 10,000 output at 5.00 per 1M)
    assertThat(call.err()).contains("aifocus: error: AIF-9101 SPEND_CAP_EXCEEDED: hard spend cap reached for budget(s)"
        + " 'agents-cap' 30.60 of 25.00 USD (as of 2026-11-20)");
    assertThat(call.out()).contains("[CRITICAL] budget 'agents-cap' (team=agents, monthly from 2026-11-01): HARD CAP reached:"
        + " actual 30.60 USD >= cap 25.00");
  }

  private static String eurUpper(SparkSession spark) {
    return rows(spark, "SELECT upper_80 FROM forecasts WHERE currency = 'EUR'").get(0);
  }

  private static List<String> rows(SparkSession spark, String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        cells.add(v instanceof BigDecimal d ? (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString()) : String.valueOf(v));
      }
      out.add(String.join("|", cells));
    }
    return out;
  }
}
