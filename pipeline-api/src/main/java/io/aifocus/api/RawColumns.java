package io.aifocus.api;

/**
 * Hidden bookkeeping columns every reader adds to its raw rows and every normalizer reads. They start
 * with {@code _aif_} and never reach a FOCUS table.
 *
 * <p>Malformed CSV records are only detected when Spark tokenizes every column, so every aifocus session
 * sets {@code spark.sql.csv.parser.columnPruning.enabled=false}; otherwise a record with an extra field
 * could count as accepted in one query and as corrupt in another.
 */
public final class RawColumns {
  /** Full path of the file the row was read from. */
  public static final String SOURCE_FILE = "_aif_source_file";
  /** 1-based line (text formats) or row index (Parquet) within the file, when known; else null. */
  public static final String SOURCE_LINE = "_aif_source_line";
  /** The raw text of a record Spark could not parse into the declared columns; null for good records. */
  public static final String CORRUPT_RECORD = "_aif_corrupt_record";

  /** The FOCUS version a focus-kind file was detected as (or declared with the focus-version option). */
  public static final String FOCUS_VERSION = "_aif_focus_version";

  /**
   * Token type of a row of a token-based source ({@link io.aifocus.api.pricing.TokenType#id()}): readers of
   * such sources emit one raw row per source record and token type, so the reconciliation stays row for row.
   */
  public static final String TOKEN_TYPE = "_aif_token_type";

  /**
   * The record's columns that are not in its source's known schema, as a JSON object (keys sorted), or null; becomes
   * {@code x_SourceExtras} ({@link SourceExtras}).
   */
  public static final String SOURCE_EXTRAS = "_aif_source_extras";

  /**
   * The reader's billing period start ({@link RawInput#billingPeriodStart}) and billed amount
   * ({@link RawInput#billedAmount}) of a raw row, added by the pipeline before a normalizer that keeps one tally
   * row per raw row ({@link Normalizer#oneTallyRowPerRawRow}), which carries them into its tally: one pass over
   * the input then gives the input totals and the normalizer's outcomes side by side, each from its own
   * expressions.
   */
  public static final String INPUT_PERIOD = "_aif_input_period";
  /** See {@link #INPUT_PERIOD}. */
  public static final String INPUT_AMOUNT = "_aif_input_amount";

  private RawColumns() {}
}
