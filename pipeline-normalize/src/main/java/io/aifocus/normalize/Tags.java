package io.aifocus.normalize;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.aifocus.schema.CostAndUsageTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Tags as FOCUS KeyValueFormat JSON, and the team they attribute a row to.
 *
 * <p>These expressions run on every row of a large bill, so they avoid Spark's higher-order functions where a
 * compiled expression does the same: Spark evaluates a lambda function row by row outside the generated code,
 * and in Spark 4.2 every element it reads that way builds a new {@code SQLConf} on the executor (the JFR profile
 * of a 1M-row CUR 2.0 run found 42% of the Parquet run's task samples in them; docs/benchmarks.md, ninth
 * session). The only one left is {@code map_filter}, for the tag JSON of a row whose map holds a blank value.
 */
public final class Tags {
  /**
   * Joins a map's values to find blank ones without a lambda. A value that holds it can make a row look blank;
   * such a row takes the exact {@code map_filter} way, which keeps the value.
   */
  private static final String SEPARATOR = "\u0000";
  /** A blank value (empty, spaces only, or null joined as empty) between two separators or at either end. */
  private static final String BLANK_VALUE = "(^|\u0000) *(\u0000|$)";

  private Tags() {}

  /**
   * True for every map with a null or blank value (an untagged resource has blank tag cells in CUR CSVs), and for
   * some whose values hold the separator.
   */
  private static Column mayHoldBlank(Column tagMap) {
    return size(tagMap).gt(0).and(array_join(map_values(tagMap), SEPARATOR, "").rlike(BLANK_VALUE));
  }

  private static Column filterBlank(Column tagMap) {
    return map_filter(tagMap, (k, v) -> v.isNull().or(trim(v).equalTo(lit(""))).unary_$bang());
  }

  /**
   * Sorted-key JSON object of a map&lt;string,string&gt; without its blank values, or null when no tag is left.
   * Each branch names the map's expensive forms once: Spark computes a subexpression shared by a {@code CASE}
   * condition and a later branch twice.
   */
  public static Column json(Column tagMap) {
    return when(tagMap.isNull().or(size(tagMap).equalTo(0)), lit(null).cast(DataTypes.StringType))
        .when(mayHoldBlank(tagMap).unary_$bang(), sortedJson(tagMap))
        .otherwise(nullif(sortedJson(filterBlank(tagMap)), lit("{}")));
  }

  /** sort_array orders the (key, value) entries by key (keys are unique) in generated code, unlike array_sort. */
  private static Column sortedJson(Column map) {
    return to_json(map_from_entries(sort_array(map_entries(map))));
  }

  /**
   * The first non-blank value among {@code keys}, else {@code unattributed}. Blank and null values count as
   * absent, so a map needs no {@link #nonBlank} first.
   */
  public static Column team(Column tagMap, List<String> keys) {
    return team(List.of(tagMap), keys);
  }

  /**
   * The first non-blank value among {@code keys} in the first map, then in the next (AWS CUR: resource tags, then
   * cost categories), else {@code unattributed}.
   */
  public static Column team(List<Column> tagMaps, List<String> keys) {
    List<Column> candidates = new ArrayList<>();
    for (Column tagMap : tagMaps) {
      for (String key : keys) {
        Column v = trim(element_at(tagMap, lit(key)));
        candidates.add(when(v.notEqual(lit("")), v));
      }
    }
    candidates.add(lit(CostAndUsageTable.UNATTRIBUTED_TEAM));
    return coalesce(candidates.toArray(Column[]::new));
  }
}
