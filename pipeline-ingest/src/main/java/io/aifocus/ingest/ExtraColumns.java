package io.aifocus.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.RawColumns;
import io.aifocus.api.SourceExtras;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@link RawColumns#SOURCE_EXTRAS} value of a file's records: its unknown columns as one JSON object per record,
 * built with Spark's own {@code to_json} (no UDF). Keys are the original column names in sorted order, so the text is
 * the same whatever the column order of the file; values as read (CSV cells as JSON strings, typed Parquet values as
 * JSON numbers, booleans, objects); columns without a value on a record are left out, and a record with no value in
 * any unknown column gets null rather than {@code {}}.
 */
public final class ExtraColumns {
  private static final Map<String, String> JSON_OPTIONS = Map.of("ignoreNullFields", "true");

  private ExtraColumns() {}

  /**
   * The column for a file whose unknown columns are {@code names} (as named in the file's Dataset): the JSON object
   * when the source keeps extras and there are some, else a typed null.
   */
  public static Column of(Collection<String> names, SourceExtras.Mode mode) {
    if (names.isEmpty() || mode == SourceExtras.Mode.IGNORE) {
      return none();
    }
    List<String> sorted = names.stream().sorted().toList();
    Column record = struct(sorted.stream().map(n -> col(SparkFiles.quote(n)).as(n)).toArray(Column[]::new));
    return ofObject(to_json(record, JSON_OPTIONS));
  }

  /** A JSON object text as the column value, null for an empty object. */
  public static Column ofObject(Column json) {
    return when(json.isNotNull().and(json.notEqual(lit("{}"))), json).as(RawColumns.SOURCE_EXTRAS);
  }

  /** No extras: a null of the column's type. */
  public static Column none() {
    return lit(null).cast(DataTypes.StringType).as(RawColumns.SOURCE_EXTRAS);
  }
}
