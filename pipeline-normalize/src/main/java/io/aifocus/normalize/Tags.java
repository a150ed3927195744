package io.aifocus.normalize;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.aifocus.schema.CostAndUsageTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/** Tags as FOCUS KeyValueFormat JSON, and the team they attribute a row to. */
public final class Tags {
  private Tags() {}

  /** Drops entries with blank values (an untagged resource has blank tag cells in CUR CSVs). */
  public static Column nonBlank(Column tagMap) {
    return map_filter(tagMap, (k, v) -> v.isNotNull().and(trim(v).notEqual(lit(""))));
  }

  /** Sorted-key JSON object of a map&lt;string,string&gt;, or null when there is no tag. */
  public static Column json(Column tagMap) {
    Column cleaned = nonBlank(tagMap);
    return when(
            tagMap.isNull().or(size(cleaned).equalTo(0)),
            lit(null).cast(DataTypes.StringType))
        .otherwise(to_json(map_from_entries(array_sort(map_entries(cleaned)))));
  }

  /** The first non-blank value among {@code keys}, else {@code unattributed}. */
  public static Column team(Column tagMap, List<String> keys) {
    List<Column> candidates = new ArrayList<>();
    for (String key : keys) {
      Column v = trim(element_at(tagMap, lit(key)));
      candidates.add(when(v.notEqual(lit("")), v));
    }
    candidates.add(lit(CostAndUsageTable.UNATTRIBUTED_TEAM));
    return coalesce(candidates.toArray(Column[]::new));
  }
}
