package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Constant-currency conversion of focus rows (config {@code fx-rates}, {@code reporting-currency}): one rate per
 * month and billing currency to the reporting currency. Applied by {@link PipelineRunner} to every source's rows
 * after normalization and before the write, so every source converts alike. BillingCurrency and the FOCUS cost
 * columns are never changed.
 *
 * <p>The month of a row is the UTC month of its BillingPeriodStart. A row whose BillingCurrency equals the
 * reporting currency converts at 1. A row without a rate keeps null conversions (with x_ReportingCurrency set,
 * which is the per-row flag) and is counted in pipeline_runs.message; nothing is guessed (no inverse or
 * cross rates, no nearest month). Arithmetic: cost (at most 14 integer digits) × rate (at most 6 integer and
 * 12 fraction digits) is exact in Spark decimals, then rounded half-up to 12 decimal places.
 *
 * @param reportingCurrency ISO 4217 code the x_*InReportingCurrency columns are in
 * @param rates "YYYY-MM|FROM" → rate (units of the reporting currency per unit of FROM)
 * @param source the CSV file the rates came from (for messages); empty for {@link #NONE}
 */
record FxRates(String reportingCurrency, Map<String, BigDecimal> rates, String source) {
  static final String DEFAULT_REPORTING_CURRENCY = "USD";
  /** No fx-rates table: no conversion, the three columns stay null. */
  static final FxRates NONE = new FxRates(DEFAULT_REPORTING_CURRENCY, Map.of(), "");

  private static final DecimalType COST = DataTypes.createDecimalType(26, 12);
  private static final DecimalType RATE = DataTypes.createDecimalType(18, 12);
  private static final DecimalType MONEY = DataTypes.createDecimalType(38, 12);

  FxRates {
    rates = Map.copyOf(rates);
  }

  boolean enabled() {
    return !source.isEmpty();
  }

  /**
   * Reads {@code month,from,to,rate} (header row required; month {@code YYYY-MM}, currencies ISO 4217 letters,
   * rate a positive decimal with at most 6 integer and 12 fraction digits). Rows to another currency than
   * {@code reportingCurrency} are ignored; the same month and pair twice with different rates is an error.
   */
  static FxRates load(Path csv, String reportingCurrency) {
    String reporting = reportingCurrency.strip().toUpperCase(Locale.ROOT);
    if (!reporting.matches("[A-Z]{3}")) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          "reporting-currency: not a currency code: '" + reportingCurrency + "'");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, csv + ": cannot read fx-rates: " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.get(0).replace("\uFEFF", "").strip().replace(" ", "").equalsIgnoreCase("month,from,to,rate")) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          csv + ": fx-rates must start with the header 'month,from,to,rate'");
    }
    Map<String, BigDecimal> rates = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = csv + " line " + (i + 1) + ": ";
      String[] cells = line.split(",", -1);
      if (cells.length != 4) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + "expected 4 fields month,from,to,rate");
      }
      String month = cells[0].strip();
      String from = cells[1].strip().toUpperCase(Locale.ROOT);
      String to = cells[2].strip().toUpperCase(Locale.ROOT);
      if (!month.matches("[0-9]{4}-(0[1-9]|1[0-2])")) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + "month: not YYYY-MM: '" + cells[0] + "'");
      }
      if (!from.matches("[A-Z]{3}") || !to.matches("[A-Z]{3}")) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + "from/to: not currency codes");
      }
      BigDecimal rate;
      try {
        rate = new BigDecimal(cells[3].strip());
      } catch (NumberFormatException e) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + "rate: not a number: '" + cells[3] + "'");
      }
      if (rate.signum() <= 0 || rate.scale() > 12 || rate.precision() - rate.scale() > 6) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            where + "rate: must be positive, at most 6 integer and 12 fraction digits: '" + cells[3].strip() + "'");
      }
      if (!to.equals(reporting)) {
        continue;
      }
      BigDecimal earlier = rates.putIfAbsent(month + "|" + from, rate);
      if (earlier != null && earlier.compareTo(rate) != 0) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            where + "a second rate for " + month + " " + from + "→" + to + " (" + earlier + " and " + rate + ")");
      }
    }
    return new FxRates(reporting, rates, csv.toString());
  }

  /** The focus rows with the three conversion columns set (unchanged without a table). */
  Dataset<Row> apply(Dataset<Row> focus) {
    if (!enabled()) {
      return focus;
    }
    Column currency = col(FocusColumns.BILLING_CURRENCY);
    Column rate = when(currency.equalTo(lit(reportingCurrency)), lit(BigDecimal.ONE).cast(RATE))
        .otherwise(rates.isEmpty() ? lit(null).cast(RATE) : element_at(literal(), key()).cast(RATE));
    return focus
        .withColumn(ExtensionColumns.REPORTING_CURRENCY, lit(reportingCurrency))
        .withColumn(ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY, convert(FocusColumns.BILLED_COST, rate))
        .withColumn(ExtensionColumns.EFFECTIVE_COST_IN_REPORTING_CURRENCY, convert(FocusColumns.EFFECTIVE_COST, rate));
  }

  /**
   * Per billing period: "no FX rate to USD for NOK 2026-11 (3 rows)" for rows with a billed cost and no
   * conversion; empty when every row converted or there is no table.
   */
  Map<Optional<Instant>, String> missing(Dataset<Row> converted) {
    Map<Optional<Instant>, List<String>> parts = new TreeMap<>(
        java.util.Comparator.comparing((Optional<Instant> p) -> p.orElse(Instant.MIN)));
    if (!enabled()) {
      return Map.of();
    }
    for (Row r : converted
        .where(col(FocusColumns.BILLED_COST).isNotNull()
            .and(col(ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY).isNull()))
        .groupBy(col(FocusColumns.BILLING_PERIOD_START), month().as("m"), col(FocusColumns.BILLING_CURRENCY))
        .agg(count(lit(1)))
        .orderBy(col("m"), col(FocusColumns.BILLING_CURRENCY))
        .collectAsList()) {
      Optional<Instant> period = Optional.ofNullable(r.isNullAt(0) ? null : (Instant) r.get(0));
      parts.computeIfAbsent(period, p -> new ArrayList<>())
          .add(r.getString(2) + " " + r.getString(1) + " (" + r.getLong(3) + " row(s))");
    }
    Map<Optional<Instant>, String> out = new LinkedHashMap<>();
    parts.forEach((p, list) -> out.put(p, "no FX rate to " + reportingCurrency + " in " + source + " for "
        + String.join(", ", list) + ": " + ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY + " left null"));
    return out;
  }

  private static Column convert(String cost, Column rate) {
    return col(cost).try_cast(COST).multiply(rate).cast(MONEY);
  }

  private static Column month() {
    return date_format(col(FocusColumns.BILLING_PERIOD_START), "yyyy-MM");
  }

  private static Column key() {
    return concat(month(), lit("|"), col(FocusColumns.BILLING_CURRENCY));
  }

  private Column literal() {
    List<Column> kv = new ArrayList<>();
    rates.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      kv.add(lit(e.getKey()));
      kv.add(lit(e.getValue()).cast(RATE));
    });
    return org.apache.spark.sql.functions.map(kv.toArray(Column[]::new));
  }
}
