package io.aifocus.normalize;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeResult;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawColumns;
import io.aifocus.api.SourceKind;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

/**
 * Row-level checks of a normalizer, and the split of its output into accepted FOCUS rows and quarantine
 * rows. A row with any failed check, or one Spark could not parse at all, goes to quarantine with every
 * failed field named in the message; nothing is dropped.
 */
public final class Rejections {
  private static final String ERRORS = "_aif_errors";
  private static final int RAW_RECORD_MAX = 4000;

  private final List<Column> checks = new ArrayList<>();
  private final List<Column> failures = new ArrayList<>();
  private String malformedMessage = "record does not match the header (wrong number of fields or bad quoting)";
  private boolean countDropped;

  /**
   * Makes {@link #split} count, as the FOCUS rows are computed, the rows their accept filter leaves out
   * ({@link NormalizeResult#droppedRows}). For a normalizer whose FOCUS rows the pipeline computes once and keeps
   * (token rows, aggregated after the split): when the count is zero, the quarantine need not be computed. The
   * count is two row counts in the same pass, before and after the filter; FOCUS rows computed more than once
   * would pay them every time, so they are off by default.
   */
  public Rejections countDropped() {
    this.countDropped = true;
    return this;
  }

  /** The message of rows the reader could not parse (default: the CSV wording). */
  public Rejections malformedMessage(String message) {
    this.malformedMessage = message;
    return this;
  }

  /** Rejects the row with {@code code} on {@code field} when {@code failed} is true. */
  public Rejections check(String field, Column failed, PipelineErrorCode code, Column message) {
    failures.add(coalesce(failed, lit(false)));
    checks.add(
        when(
            failed,
            struct(
                lit(field).as("field"),
                lit(code.label()).as("code"),
                message.cast(DataTypes.StringType).as("message"))));
    return this;
  }

  /** A value that is present but does not parse as a number. */
  public Rejections number(String field, Column raw, Column parsed) {
    return unparsable(field, raw, Parse.unparsable(raw, parsed), PipelineErrorCode.UNPARSABLE_NUMBER, "a number");
  }

  /** A value that is present but does not parse as a UTC timestamp. */
  public Rejections timestamp(String field, Column raw, Column parsed) {
    return unparsable(field, raw, Parse.unparsable(raw, parsed), PipelineErrorCode.UNPARSABLE_TIMESTAMP, "a date/time");
  }

  /**
   * A value of a raw column that is present but does not parse as a number. Presence is read by the column's type
   * ({@link RawValues#present}): a typed value's text is built only for the message of a rejected row. (The text
   * route would make Spark format every typed value as text on every row, since a subexpression shared by the
   * check and its message is computed before the check; the JFR profile of a 1M-row CUR 2.0 run showed it.)
   */
  public Rejections number(String field, RawValues values, Column parsed) {
    return unparsable(field, col(Names.quote(field)), parsed.isNull().and(values.present(field)),
        PipelineErrorCode.UNPARSABLE_NUMBER, "a number");
  }

  /** A value of a raw column that is present but does not parse as a UTC timestamp, presence read by type. */
  public Rejections timestamp(String field, RawValues values, Column parsed) {
    return unparsable(field, col(Names.quote(field)), parsed.isNull().and(values.present(field)),
        PipelineErrorCode.UNPARSABLE_TIMESTAMP, "a date/time");
  }

  private Rejections unparsable(String field, Column raw, Column failed, PipelineErrorCode code, String expected) {
    return check(field, failed, code,
        concat(lit(field + ": not " + expected + ": '"), substring(raw.cast(DataTypes.StringType), 1, 100), lit("'")));
  }

  /** A required value that is missing. */
  public Rejections required(String field, Column raw) {
    return missing(field, Parse.present(raw));
  }

  /** A required value that is missing, told by the column's type ({@link RawValues#present}). */
  public Rejections required(String field, RawValues values) {
    return missing(field, values.present(field));
  }

  private Rejections missing(String field, Column present) {
    return check(field, present.unary_$bang(), PipelineErrorCode.MISSING_REQUIRED_VALUE,
        lit(field + ": required value is missing"));
  }

  /**
   * Splits {@code parsed} (the raw columns plus the parsed values) into FOCUS rows and quarantine rows.
   *
   * @param focusColumns select list producing the focus_cost_and_usage columns
   * @param rawColumns the source's raw columns, serialized into raw_record for quarantined rows
   * @param billedAmount parsed billed amount (may be null) recorded with a rejected row
   * @param billingPeriodStart parsed billing period start (may be null) recorded with a rejected row
   */
  public NormalizeResult split(
      SourceKind kind,
      Dataset<Row> parsed,
      Column[] focusColumns,
      List<String> rawColumns,
      Column billedAmount,
      Column billingPeriodStart) {
    Column corrupt = col(RawColumns.CORRUPT_RECORD);
    List<Column> all = new ArrayList<>();
    all.add(
        when(
            corrupt.isNotNull(),
            struct(
                lit((String) null).cast(DataTypes.StringType).as("field"),
                lit(PipelineErrorCode.MALFORMED_RECORD.label()).as("code"),
                lit(malformedMessage).as("message"))));
    all.addAll(checks);
    // Accepted rows are those no check fails: one plain condition Spark compiles with the query. The list of
    // failures (a higher-order function, evaluated row by row outside the compiled code) is built only for
    // the rows that fail.
    Column rejected = corrupt.isNotNull();
    for (Column failed : failures) {
      rejected = rejected.or(failed);
    }
    Column errors = filter(array(all.toArray(Column[]::new)), Column::isNotNull);

    Dataset<Row> focus;
    Optional<NormalizeResult.DroppedRows> dropped = Optional.empty();
    if (countDropped) {
      Observation before = new Observation();
      Observation kept = new Observation();
      focus = parsed.observe(before, count(lit(1)).as("rows"))
          .where(rejected.unary_$bang())
          .observe(kept, count(lit(1)).as("rows"))
          .select(focusColumns);
      dropped = Optional.of(() -> difference(before, kept));
    } else {
      focus = parsed.where(rejected.unary_$bang()).select(focusColumns);
    }
    Dataset<Row> withErrors = parsed.where(rejected).withColumn(ERRORS, errors);

    List<Column> rawCols = new ArrayList<>();
    for (String name : rawColumns) {
      rawCols.add(col(io.aifocus.normalize.Names.quote(name)).as(name));
    }
    Column rawJson = org.apache.spark.sql.functions.to_json(struct(rawCols.toArray(Column[]::new)));
    Column first = element_at(col(ERRORS), 1);
    Column period = billingPeriodStart.cast(DataTypes.TimestampType);
    Column amount = billedAmount.cast(Parse.MONEY);
    Dataset<Row> quarantine =
        withErrors
            .select(
                lit(kind.id()).as(QuarantineTable.SOURCE_KIND),
                col(RawColumns.SOURCE_FILE).as(QuarantineTable.SOURCE_FILE),
                col(RawColumns.SOURCE_LINE).cast(DataTypes.LongType).as(QuarantineTable.SOURCE_LINE),
                first.getField("field").as(QuarantineTable.SOURCE_FIELD),
                first.getField("code").as(QuarantineTable.ERROR_CODE),
                concat_ws("; ", transform(col(ERRORS), e -> e.getField("message"))).as(QuarantineTable.ERROR_MESSAGE),
                substring(coalesce(corrupt, rawJson), 1, RAW_RECORD_MAX).as(QuarantineTable.RAW_RECORD),
                period.as(QuarantineTable.BILLING_PERIOD_START),
                amount.as(QuarantineTable.BILLED_AMOUNT));
    return new NormalizeResult(focus, quarantine,
        Optional.of(tally(parsed, focusColumns, focus.columns(), rejected, period, amount)), dropped);
  }

  /** How long {@link #difference} waits for Spark to hand over a finished query's observed counts. */
  private static final Duration OBSERVED_WAIT = Duration.create(10, TimeUnit.SECONDS);

  /**
   * {@code before} − {@code kept}, once both counts are in; empty when they are not (no action has computed the
   * rows yet, or it failed). Spark hands the counts of a finished query to its observations shortly after the
   * action returns, so this waits a little for them.
   */
  private static OptionalLong difference(Observation before, Observation kept) {
    try {
      return OptionalLong.of(Await.result(before.future(), OBSERVED_WAIT).getLong(0)
          - Await.result(kept.future(), OBSERVED_WAIT).getLong(0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    } catch (Exception e) { // not in time (TimeoutException), or the query failed
      return OptionalLong.empty();
    }
  }

  /**
   * One row per parsed row with {@link NormalizeResult#TALLY_COLUMNS}: an accepted row's values are computed by
   * the same expressions as its FOCUS columns, a rejected row's as its quarantine columns. Each value sits under
   * its outcome's condition, so a FOCUS expression never sees a rejected row (as in {@code focus}, where the
   * filter comes first).
   */
  private static Dataset<Row> tally(Dataset<Row> parsed, Column[] focusColumns, String[] focusNames, Column rejected,
      Column rejectedPeriod, Column rejectedAmount) {
    Column accepted = rejected.unary_$bang();
    List<Column> columns = new ArrayList<>(List.of(
        rejected.as(NormalizeResult.REJECTED),
        when(accepted, focusColumn(focusColumns, focusNames, FocusColumns.BILLING_ACCOUNT_ID))
            .as(NormalizeResult.ACCOUNT),
        when(accepted, focusColumn(focusColumns, focusNames, FocusColumns.BILLING_PERIOD_START))
            .otherwise(rejectedPeriod).as(NormalizeResult.PERIOD),
        when(accepted, focusColumn(focusColumns, focusNames, FocusColumns.BILLED_COST))
            .otherwise(rejectedAmount).as(NormalizeResult.AMOUNT),
        when(accepted, focusColumn(focusColumns, focusNames, ExtensionColumns.SOURCE_RECORDS))
            .as(NormalizeResult.SOURCE_RECORDS)));
    // the reader's period and amount of the raw row, when the pipeline added them (RawColumns.INPUT_PERIOD)
    List<String> names = Arrays.asList(parsed.columns());
    if (names.contains(RawColumns.INPUT_PERIOD) && names.contains(RawColumns.INPUT_AMOUNT)) {
      columns.add(col(RawColumns.INPUT_PERIOD).as(NormalizeResult.INPUT_PERIOD));
      columns.add(col(RawColumns.INPUT_AMOUNT).as(NormalizeResult.INPUT_AMOUNT));
    }
    return parsed.select(columns.toArray(Column[]::new));
  }

  private static Column focusColumn(Column[] focusColumns, String[] focusNames, String name) {
    int i = Arrays.asList(focusNames).indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("the FOCUS select list has no column " + name);
    }
    return focusColumns[i];
  }
}
