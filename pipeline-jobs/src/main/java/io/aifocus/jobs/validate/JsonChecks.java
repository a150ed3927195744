package io.aifocus.jobs.validate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Value-level checks of the FOCUS JSON formats (KeyValueFormat, JsonObjectFormat and the JSON path functions of
 * the 1.3 model) as plain Java, called from Spark through one UDF. A check sees one cell; a null cell passes
 * (nullability is a rule of its own). Paths are the subset the models use: {@code $}, {@code $.Key},
 * {@code $.Key[*]}, {@code $.Key[*].Key}.
 */
final class JsonChecks {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Map<String, JsonNode> SPECS = new ConcurrentHashMap<>();
  static final Pattern NUMERIC = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE]-?\\d+)?");

  private JsonChecks() {}

  /** True when {@code value} satisfies the check function {@code spec} (a model check-function node as JSON). */
  static Boolean check(String specJson, String value, String other) {
    if (value == null) {
      return true;
    }
    JsonNode spec = SPECS.computeIfAbsent(specJson, JsonChecks::readSpec);
    JsonNode root;
    try {
      root = STRICT.readTree(value);
    } catch (JsonProcessingException e) {
      return false;
    }
    if (root == null) {
      return false;
    }
    String function = spec.path("CheckFunction").asText();
    return switch (function) {
      case "FormatKeyValue" -> isFlatObject(root);
      case "FormatJSON" -> root.isObject();
      default -> checkPath(function, spec, root, other);
    };
  }

  /** Σ of the numeric values at {@code path} (null when there are none or one is not a number). */
  static BigDecimal sum(String path, String value) {
    if (value == null) {
      return null;
    }
    try {
      BigDecimal total = null;
      for (JsonNode n : resolve(STRICT.readTree(value), path)) {
        if (n == null || !n.isNumber()) {
          return null;
        }
        total = total == null ? n.decimalValue() : total.add(n.decimalValue());
      }
      return total;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static boolean checkPath(String function, JsonNode spec, JsonNode root, String other) {
    String path = spec.has("PathA") ? spec.path("PathA").asText() : spec.path("Path").asText("$");
    if (!root.isObject()) {
      return false;
    }
    switch (function) {
      case "JSONCheckPathKeyExists" -> {
        int dot = path.lastIndexOf('.');
        String key = path.substring(dot + 1);
        for (JsonNode parent : resolve(root, path.substring(0, dot))) {
          if (parent == null || !parent.isObject() || !parent.has(key)) {
            return false;
          }
        }
        return true;
      }
      case "JSONCheckPathKeyStartsWith" -> {
        String prefix = spec.path("Prefix").asText();
        List<String> ignore = new ArrayList<>();
        spec.path("IgnoreKeys").forEach(k -> ignore.add(k.asText()));
        for (JsonNode n : present(resolve(root, path))) {
          for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.startsWith(prefix) && !ignore.contains(key)) {
              return false;
            }
          }
        }
        return true;
      }
      default -> {
        for (JsonNode n : present(resolve(root, path))) {
          if (!matches(function, spec, n, other)) {
            return false;
          }
        }
        return true;
      }
    }
  }

  private static boolean matches(String function, JsonNode spec, JsonNode n, String other) {
    return switch (function) {
      case "JSONCheckPathType" -> switch (spec.path("ExpectedType").asText()) {
        case "Array" -> n.isArray();
        case "Object" -> n.isObject();
        case "Decimal", "Numeric" -> n.isNumber();
        case "String" -> n.isTextual();
        default -> true;
      };
      case "JSONCheckPathKeyValueFormat" -> isFlatObject(n);
      case "JSONCheckPathValue" -> spec.path("Value").isNull() ? n.isNull() : n.asText().equals(spec.path("Value").asText());
      case "JSONCheckPathNotValue" -> spec.path("Value").isNull() ? !n.isNull()
          : !n.asText().equals(spec.path("Value").asText());
      case "JSONCheckPathSameValue" -> n.isNull() ? other == null : n.asText().equals(other);
      case "JSONCheckPathNumericFormat", "JSONFormatNumeric" -> n.isNull() || n.isNumber()
          || n.isTextual() && NUMERIC.matcher(n.asText()).matches();
      case "JSONCheckPathUnitFormat", "JSONFormatUnit" -> n.isNull() || n.isTextual() && UnitFormat.matches(n.asText());
      case "JSONFormatString" -> n.isNull() || n.isTextual() && !n.asText().isBlank();
      default -> throw new IllegalArgumentException("Unsupported JSON check function " + function);
    };
  }

  private static boolean isFlatObject(JsonNode n) {
    if (!n.isObject()) {
      return false;
    }
    for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
      JsonNode v = it.next();
      if (v.isContainerNode()) {
        return false;
      }
    }
    return true;
  }

  private static List<JsonNode> present(List<JsonNode> nodes) {
    return nodes.stream().filter(n -> n != null).toList();
  }

  /** Nodes at a path; a missing key yields a {@code null} entry, {@code [*]} flattens an array. */
  static List<JsonNode> resolve(JsonNode root, String path) {
    List<JsonNode> current = new ArrayList<>();
    current.add(root);
    String rest = path.startsWith("$") ? path.substring(1) : path;
    for (String segment : rest.split("\\.")) {
      if (segment.isEmpty()) {
        continue;
      }
      boolean all = segment.endsWith("[*]");
      String key = all ? segment.substring(0, segment.length() - 3) : segment;
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        JsonNode child = n == null || !n.isObject() ? null : n.get(key);
        if (all) {
          if (child != null && child.isArray()) {
            child.forEach(next::add);
          }
        } else {
          next.add(child);
        }
      }
      current = next;
    }
    return current;
  }

  private static JsonNode readSpec(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Bad check spec " + json, e);
    }
  }
}
