package io.aifocus.jobs;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.lit;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawInput;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.spark.sql.Column;

/**
 * Which billing periods a run loads and writes: all of them (the default), the periods starting in one
 * month ({@code --period 2026-11}) or the periods starting on or after a day ({@code --since 2026-10-01}).
 *
 * <p>Raw rows outside the scope are left out right after reading, before normalization, so they are neither
 * written nor quarantined, and the run replaces only in-scope rows: two runs with disjoint scopes touch
 * disjoint rows of every table. Rows whose billing period cannot be parsed belong to no period, so a scoped
 * run leaves them out too (and says how many); an unscoped run quarantines them.
 *
 * @param from first billing period start in scope (inclusive), empty for no lower bound
 * @param until billing period starts before this are in scope (exclusive), empty for no upper bound
 */
public record RunScope(Optional<Instant> from, Optional<Instant> until, String label) {
  public static final RunScope ALL = new RunScope(Optional.empty(), Optional.empty(), "all billing periods");
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  public RunScope {
    requireNonNull(from, "from is null");
    requireNonNull(until, "until is null");
    requireNonNull(label, "label is null");
  }

  /** Billing periods starting in the month {@code yyyy-MM} (UTC). */
  static RunScope period(String value) {
    YearMonth month;
    try {
      month = YearMonth.parse(value);
    } catch (DateTimeParseException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--period expects YYYY-MM, got '" + value + "'");
    }
    return new RunScope(Optional.of(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
        Optional.of(month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()), "billing period " + month);
  }

  /** Billing periods starting on or after the day {@code yyyy-MM-dd} (UTC). */
  static RunScope since(String value) {
    LocalDate day;
    try {
      day = LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--since expects YYYY-MM-DD, got '" + value + "'");
    }
    return new RunScope(Optional.of(day.atStartOfDay(ZoneOffset.UTC).toInstant()), Optional.empty(),
        "billing periods since " + day);
  }

  /** From the {@code --period}/{@code --since} options (at most one of them). */
  static RunScope of(String period, String since) {
    if (period != null && since != null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--period and --since exclude each other");
    }
    return period != null ? period(period) : since != null ? since(since) : ALL;
  }

  boolean isAll() {
    return from.isEmpty() && until.isEmpty();
  }

  /** Whether a billing period start (empty: not parsable) is in scope. */
  boolean includes(Optional<Instant> periodStart) {
    if (isAll()) {
      return true;
    }
    return periodStart.isPresent()
        && from.map(f -> !periodStart.get().isBefore(f)).orElse(true)
        && until.map(u -> periodStart.get().isBefore(u)).orElse(true);
  }

  /** The raw rows in scope; the input unchanged for {@link #ALL}. */
  RawInput apply(RawInput raw) {
    if (isAll()) {
      return raw;
    }
    return new RawInput(raw.kind(), raw.rows().where(condition(raw.billingPeriodStart())), raw.files(),
        raw.billedAmount(), raw.billingPeriodStart(), raw.unknownColumns());
  }

  /** Whether a billing period start column is in scope (null: no period, never in a bounded scope). */
  Column condition(Column periodStart) {
    Column c = periodStart.isNotNull();
    if (from.isPresent()) {
      c = c.and(periodStart.geq(lit(from.get())));
    }
    if (until.isPresent()) {
      c = c.and(periodStart.lt(lit(until.get())));
    }
    return c;
  }

  /** The scope as a SQL condition on a timestamp column, e.g. for a Delta replaceWhere; "" for all. */
  String sqlCondition(String column) {
    StringBuilder sql = new StringBuilder();
    from.ifPresent(f -> sql.append(column).append(" >= TIMESTAMP '").append(SQL_TIMESTAMP.format(f)).append('\''));
    until.ifPresent(u -> sql.append(sql.length() == 0 ? "" : " AND ")
        .append(column).append(" < TIMESTAMP '").append(SQL_TIMESTAMP.format(u)).append('\''));
    return sql.toString();
  }
}
