package io.aifocus.normalize;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Tags JSON and team: blank values are dropped whether a map takes the compiled way (no blank value) or
 * {@code map_filter} (some blank value), keys come out sorted, and the team is looked up in the maps in order.
 */
class TagsTest {
  private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  private static final List<String> TEAM_KEYS = List.of("user:team", "team");

  /** A map in insertion order; {@code null} values allowed. */
  private static Map<String, String> map(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static List<Row> evaluate(List<Map<String, String>> tags, List<Map<String, String>> categories) {
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("tags", STRING_MAP)
        .add("categories", STRING_MAP);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      rows.add(RowFactory.create(i, tags.get(i), categories.get(i)));
    }
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(rows, schema);
    return frame.select(col("id"),
            Tags.json(col("tags")).as("json"),
            Tags.team(List.of(col("tags"), col("categories")), TEAM_KEYS).as("team"),
            Tags.team(col("tags"), TEAM_KEYS).as("tag_team"))
        .orderBy("id").collectAsList();
  }

  @Test
  void blankValuesAreDroppedAndKeysSortedOnBothWays() {
    List<Map<String, String>> tags = Arrays.asList(
        map("user:team", "ml", "b", "2", "a", "1"),                 // no blank: compiled way, keys sorted
        map("user:model", "", "user:team", "ml", "env", "prod"),    // an empty value
        map("x", "   ", "y", "v"),                                  // spaces only
        map("x", null, "y", "v"),                                   // a null value
        map("x", "\t", "y", " v "),                                 // a tab is not blank for trim; kept as is
        map("x", "a\u0000", "y", "\u0000b"),                        // the separator inside values
        map("x", "", "y", " "),                                     // only blank values: no tag
        new HashMap<>(),                                            // empty map: no tag
        null,                                                       // no map: no tag
        map("é", "1", "Z", "2", "a\"b", "3"),                       // byte order of UTF-8, escaped key
        map("\uD83D\uDE00", "1", "\uFF21", "2", "k", "line\nbreak"),  // U+1F600 after U+FF21 in UTF-8 order
        map("a", "1", "b", null, "c", "x\u0000"));                  // the separator and a null value
    List<Map<String, String>> categories = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      categories.add(null);
    }
    List<Row> rows = evaluate(tags, categories);

    assertThat(rows).extracting(r -> r.getString(1)).containsExactly(
        "{\"a\":\"1\",\"b\":\"2\",\"user:team\":\"ml\"}",
        "{\"env\":\"prod\",\"user:team\":\"ml\"}",
        "{\"y\":\"v\"}",
        "{\"y\":\"v\"}",
        "{\"x\":\"\\t\",\"y\":\" v \"}",
        "{\"x\":\"a\\u0000\",\"y\":\"\\u0000b\"}",
        null,
        null,
        null,
        "{\"Z\":\"2\",\"a\\\"b\":\"3\",\"é\":\"1\"}",
        "{\"k\":\"line\\nbreak\",\"\uFF21\":\"2\",\"\uD83D\uDE00\":\"1\"}",
        "{\"a\":\"1\",\"c\":\"x\\u0000\"}");
  }

  @Test
  void teamIsTheFirstNonBlankKeyInTagsThenInCostCategories() {
    List<Map<String, String>> tags = Arrays.asList(
        map("team", "second-key", "user:team", "first-key"),
        map("user:team", "  ", "team", "from-tags"),
        map("user:team", ""),
        null,
        map("user:team", " padded "),
        map("env", "prod"));
    List<Map<String, String>> categories = Arrays.asList(
        map("user:team", "category"),
        map("user:team", "category"),
        map("team", "category"),
        map("user:team", "category"),
        null,
        map("team", ""));
    List<Row> rows = evaluate(tags, categories);

    assertThat(rows).extracting(r -> r.getString(2)).containsExactly(
        "first-key", "from-tags", "category", "category", "padded", "unattributed");
    assertThat(rows).extracting(r -> r.getString(3)).containsExactly(
        "first-key", "from-tags", "unattributed", "unattributed", "padded", "unattributed");
  }
}
