package io.aifocus.api;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Layout of the {@code quarantine} Delta table: one row per rejected input record. */
public final class QuarantineTable {
  public static final String TABLE_NAME = "quarantine";

  public static final String RUN_ID = "run_id";
  public static final String SOURCE_KIND = "source_kind";
  public static final String SOURCE_FILE = "source_file";
  public static final String SOURCE_LINE = "source_line";
  public static final String SOURCE_FIELD = "source_field";
  public static final String ERROR_CODE = "error_code";
  public static final String ERROR_MESSAGE = "error_message";
  public static final String RAW_RECORD = "raw_record";
  public static final String BILLING_PERIOD_START = "billing_period_start";
  public static final String BILLED_AMOUNT = "billed_amount";
  public static final String QUARANTINED_AT = "quarantined_at";

  private static final StructType NORMALIZER_SCHEMA =
      DataTypes.createStructType(
          List.of(
              field(SOURCE_KIND, DataTypes.StringType),
              field(SOURCE_FILE, DataTypes.StringType),
              field(SOURCE_LINE, DataTypes.LongType),
              field(SOURCE_FIELD, DataTypes.StringType),
              field(ERROR_CODE, DataTypes.StringType),
              field(ERROR_MESSAGE, DataTypes.StringType),
              field(RAW_RECORD, DataTypes.StringType),
              field(BILLING_PERIOD_START, DataTypes.TimestampType),
              field(BILLED_AMOUNT, DataTypes.createDecimalType(38, 12))));

  private QuarantineTable() {}

  /** What a normalizer emits for a rejected row. */
  public static StructType normalizerSchema() {
    return NORMALIZER_SCHEMA;
  }

  /** The table: run id first, then the normalizer's columns, then the time of the run. */
  public static StructType schema() {
    List<StructField> fields = new ArrayList<>();
    fields.add(field(RUN_ID, DataTypes.StringType));
    fields.addAll(List.of(NORMALIZER_SCHEMA.fields()));
    fields.add(field(QUARANTINED_AT, DataTypes.TimestampType));
    return DataTypes.createStructType(fields);
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
