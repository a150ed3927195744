package io.aifocus.normalize;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parsing of a raw dataset's columns by their Spark type: {@link Parse#decimal(Column, DataType)} and
 * {@link Parse#timestamp(Column, DataType)}, so a Parquet input's typed values skip the text route.
 */
public final class RawValues {
  private final StructType schema;

  public RawValues(StructType schema) {
    this.schema = schema;
  }

  /** The column as a decimal (null when blank or unparsable). */
  public Column decimal(String column) {
    return Parse.decimal(col(Names.quote(column)), type(column));
  }

  /** The column as a UTC timestamp (null when blank or unparsable). */
  public Column timestamp(String column) {
    return Parse.timestamp(col(Names.quote(column)), type(column));
  }

  /**
   * Whether the column carries a value: {@link Parse#present} for text; a typed value is present when not null
   * (it has no blank or literal-NULL form, and its text is never built).
   */
  public Column present(String column) {
    DataType type = type(column);
    Column raw = col(Names.quote(column));
    return type == null || type instanceof StringType ? Parse.present(raw) : raw.isNotNull();
  }

  /** The column's type; null (the text route) for a name the schema does not have. */
  DataType type(String column) {
    return Arrays.stream(schema.fields()).filter(f -> f.name().equals(column)).map(StructField::dataType)
        .findFirst().orElse(null);
  }
}
