package io.aifocus.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Output of a normalizer.
 *
 * @param focus rows with exactly the columns of focus_cost_and_usage (FOCUS 1.3 then x_ columns)
 * @param quarantine rejected rows with the columns of {@link QuarantineTable#normalizerSchema()}
 * @param tally present when {@code focus} and {@code quarantine} are the two outcomes of one set of rows (each
 *     row accepted as one FOCUS row or rejected as one quarantine row): one row per row of that set, with the
 *     columns {@link #TALLY_COLUMNS}, so that one pass counts both outcomes (an accepted row's values are those
 *     of its FOCUS row, a rejected row's those of its quarantine row)
 * @param droppedRows present when computing {@code focus} also counts the rows its accept filter leaves out, so
 *     that a pipeline which computes {@code focus} once (and keeps it) learns in the same pass whether any row
 *     can be in {@code quarantine}
 */
public record NormalizeResult(
    Dataset<Row> focus, Dataset<Row> quarantine, Optional<Dataset<Row>> tally, Optional<DroppedRows> droppedRows) {
  /** True for a row that goes to quarantine. */
  public static final String REJECTED = "rejected";
  /** An accepted row's BillingAccountId (null for a rejected row). */
  public static final String ACCOUNT = "account";
  /** An accepted row's BillingPeriodStart, a rejected row's quarantine billing_period_start. */
  public static final String PERIOD = "period";
  /** An accepted row's BilledCost, a rejected row's quarantine billed_amount. */
  public static final String AMOUNT = "amount";
  /** An accepted row's x_SourceRecords (null for a rejected row). */
  public static final String SOURCE_RECORDS = "source_records";
  /**
   * The raw row's {@link RawColumns#INPUT_PERIOD}, after {@link #TALLY_COLUMNS} when the raw rows carry it and the
   * normalizer keeps one tally row per raw row ({@link Normalizer#oneTallyRowPerRawRow}).
   */
  public static final String INPUT_PERIOD = "input_period";
  /** The raw row's {@link RawColumns#INPUT_AMOUNT}, beside {@link #INPUT_PERIOD}. */
  public static final String INPUT_AMOUNT = "input_amount";
  /** The columns of {@link #tally}, in order. */
  public static final List<String> TALLY_COLUMNS = List.of(REJECTED, ACCOUNT, PERIOD, AMOUNT, SOURCE_RECORDS);

  public NormalizeResult {
    requireNonNull(focus, "focus is null");
    requireNonNull(quarantine, "quarantine is null");
    requireNonNull(tally, "tally is null");
    requireNonNull(droppedRows, "droppedRows is null");
  }

  /** A result whose focus rows are not counted as they are computed. */
  public NormalizeResult(Dataset<Row> focus, Dataset<Row> quarantine, Optional<Dataset<Row>> tally) {
    this(focus, quarantine, tally, Optional.empty());
  }

  /** A result without a tally (e.g. FOCUS rows summed after the split). */
  public NormalizeResult(Dataset<Row> focus, Dataset<Row> quarantine) {
    this(focus, quarantine, Optional.empty());
  }

  /**
   * The number of rows that the accept filter of {@code focus} left out. Zero means that no row can be in
   * {@code quarantine}.
   */
  @FunctionalInterface
  public interface DroppedRows {
    /** The count, once an action has computed {@code focus}; empty when it is not known (yet). */
    OptionalLong afterFocusComputed();
  }
}
