package io.aifocus.normalize;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/** Small CSV lookup tables shipped as resources, usable as Spark map lookups. */
public final class Lookups {
  private Lookups() {}

  /** Reads a two-or-more column CSV resource (header first, no quoting) into rows of cells. */
  public static List<String[]> readCsv(String resource) {
    try (InputStream in = Lookups.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Lookup table missing from the classpath: " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String[]> rows = new ArrayList<>();
      String line = reader.readLine(); // header
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          rows.add(line.split(",", -1));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read lookup table " + resource, e);
    }
  }

  /** key column → value column, first occurrence wins; keys ending in {@code *} (patterns) are skipped. */
  public static Map<String, String> map(String resource, int keyColumn, int valueColumn) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] row : readCsv(resource)) {
      String key = row[keyColumn].strip();
      if (!key.endsWith("*")) {
        out.putIfAbsent(key, row[valueColumn].strip());
      }
    }
    return out;
  }

  /** {@code map[key]} as a Spark expression, or {@code fallback} when the key is absent or null. */
  public static Column lookup(Map<String, String> map, Column key, Column fallback) {
    return coalesce(element_at(literal(map), key), fallback);
  }

  /** A map&lt;string,string&gt; literal. */
  public static Column literal(Map<String, String> map) {
    if (map.isEmpty()) {
      return emptyStringMap();
    }
    List<Column> kv = new ArrayList<>();
    map.forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    return org.apache.spark.sql.functions.map(kv.toArray(Column[]::new));
  }

  public static Column emptyStringMap() {
    return org.apache.spark.sql.functions.map().cast(org.apache.spark.sql.types.DataTypes.createMapType(
        org.apache.spark.sql.types.DataTypes.StringType, org.apache.spark.sql.types.DataTypes.StringType));
  }

  public static Column lookup(Map<String, String> map, Column key) {
    return lookup(map, key, lit(null));
  }
}
