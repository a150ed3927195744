package io.aifocus.api;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of the {@code pipeline_runs} Delta table: one row per run, source and billing period, with the
 * reconciliation {@code input_total = output_total + quarantined_total}.
 */
public final class PipelineRunsTable {
  public static final String TABLE_NAME = "pipeline_runs";

  public static final String RUN_ID = "run_id";
  public static final String SOURCE_KIND = "source_kind";
  public static final String SOURCE_PATH = "source_path";
  public static final String INPUT_FILES = "input_files";
  public static final String BILLING_PERIOD_START = "billing_period_start";
  public static final String ROWS_IN = "rows_in";
  public static final String ROWS_OUT = "rows_out";
  public static final String ROWS_QUARANTINED = "rows_quarantined";
  public static final String INPUT_TOTAL = "input_total";
  public static final String OUTPUT_TOTAL = "output_total";
  public static final String QUARANTINED_TOTAL = "quarantined_total";
  public static final String UNPARSABLE_AMOUNT_ROWS = "unparsable_amount_rows";
  public static final String RECONCILED = "reconciled";
  public static final String STARTED_AT = "started_at";
  public static final String DURATION_MS = "duration_ms";
  public static final String STATUS = "status";
  public static final String MESSAGE = "message";
  /**
   * FOCUS rows written (appended column, null on rows of older runs). rows_in/out/quarantined count source
   * records (for token sources: one per record and token type); token sources aggregate them into fewer rows
   * (x_SourceRecords on each row says how many), so rows_written ≤ rows_out there and = rows_out elsewhere.
   */
  public static final String ROWS_WRITTEN = "rows_written";
  /**
   * Usage-vs-cost columns (added by schema evolution, null on other rows): one row per run, provider, UTC
   * charge day and currency whose billed amount was distributed over priced usage (docs/reconciliation.md).
   */
  public static final String PROVIDER = "provider";
  public static final String CHARGE_DAY = "charge_day";
  public static final String CURRENCY = "currency";
  public static final String PRICED_USAGE = "priced_usage";
  public static final String BILLED_AMOUNT = "billed_amount";
  /** priced usage − billed amount: what the price book does not explain. */
  public static final String DRIFT = "drift";
  /** Cost-report rows replaced by the distribution (not written, so the spend counts once). */
  public static final String ROWS_SUPERSEDED = "rows_superseded";

  private static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              field(RUN_ID, DataTypes.StringType),
              field(SOURCE_KIND, DataTypes.StringType),
              field(SOURCE_PATH, DataTypes.StringType),
              field(INPUT_FILES, DataTypes.createArrayType(DataTypes.StringType)),
              field(BILLING_PERIOD_START, DataTypes.TimestampType),
              field(ROWS_IN, DataTypes.LongType),
              field(ROWS_OUT, DataTypes.LongType),
              field(ROWS_QUARANTINED, DataTypes.LongType),
              field(INPUT_TOTAL, DataTypes.createDecimalType(38, 12)),
              field(OUTPUT_TOTAL, DataTypes.createDecimalType(38, 12)),
              field(QUARANTINED_TOTAL, DataTypes.createDecimalType(38, 12)),
              field(UNPARSABLE_AMOUNT_ROWS, DataTypes.LongType),
              field(RECONCILED, DataTypes.BooleanType),
              field(STARTED_AT, DataTypes.TimestampType),
              field(DURATION_MS, DataTypes.LongType),
              field(STATUS, DataTypes.StringType),
              field(MESSAGE, DataTypes.StringType),
              field(ROWS_WRITTEN, DataTypes.LongType)));

  private static final StructType SCHEMA_WITH_DRIFT = SCHEMA
      .add(field(PROVIDER, DataTypes.StringType))
      .add(field(CHARGE_DAY, DataTypes.TimestampType))
      .add(field(CURRENCY, DataTypes.StringType))
      .add(field(PRICED_USAGE, DataTypes.createDecimalType(38, 12)))
      .add(field(BILLED_AMOUNT, DataTypes.createDecimalType(38, 12)))
      .add(field(DRIFT, DataTypes.createDecimalType(38, 12)))
      .add(field(ROWS_SUPERSEDED, DataTypes.LongType));

  private PipelineRunsTable() {}

  /** The columns every row has (what per-source rows are written with). */
  public static StructType schema() {
    return SCHEMA;
  }

  /**
   * {@link #schema()} plus the usage-vs-cost columns. Tables written before these columns existed gain them
   * on the first such write (Delta mergeSchema: nullable columns appended, older rows read them as null).
   */
  public static StructType schemaWithDrift() {
    return SCHEMA_WITH_DRIFT;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
