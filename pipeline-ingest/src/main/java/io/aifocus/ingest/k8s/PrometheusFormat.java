package io.aifocus.ingest.k8s;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Parses the two Prometheus formats aifocus reads into one long layout of samples (metric, labels, time, value
 * as written): the text exposition format of a scrape ({@code # HELP}/{@code # TYPE} comments, optional
 * millisecond timestamps, OpenMetrics {@code # EOF}) and the HTTP API {@code query_range} / {@code query} JSON
 * response (matrix or vector; unix-second float timestamps, values as strings). Plain Java, so it runs inside a
 * Spark task (a text exposition line by line, {@link #parseTextLine}) and is unit-tested without Spark.
 */
public final class PrometheusFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PrometheusFormat() {}

  /** One sample. {@code time} is empty when a scrape line carries no timestamp. */
  public record Sample(String metric, Map<String, String> labels, Optional<Instant> time, String value, long line) {
    public Sample {
      requireNonNull(metric, "metric is null");
      labels = Map.copyOf(labels);
      requireNonNull(time, "time is null");
      requireNonNull(value, "value is null");
    }
  }

  /** A line or document that is not valid in its format: where, and why. */
  public record Problem(long line, String text, String message) {}

  /** Receives the parsed samples and problems of one file, in file order. */
  public interface Sink {
    void sample(Sample sample);

    void problem(Problem problem);
  }

  /** True when the content is a JSON document (an API response) rather than a text exposition. */
  public static boolean isJson(String content) {
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  /** Parses a whole file of either format. */
  public static void parse(String content, Sink sink) {
    if (isJson(content)) {
      parseQueryResponse(content, sink);
    } else {
      parseText(content, sink);
    }
  }

  /** Text exposition: one sample per non-comment line, {@code name{l="v",…} value [timestamp_ms]}. */
  public static void parseText(String content, Sink sink) {
    long lineNo = 0;
    int start = 0;
    while (start <= content.length()) {
      int end = content.indexOf('\n', start);
      if (end < 0) {
        end = content.length();
      }
      lineNo++;
      parseTextLine(content.substring(start, end), lineNo, sink);
      if (end == content.length()) {
        break;
      }
      start = end + 1;
    }
  }

  /**
   * One line of a text exposition (without its {@code \n}; a trailing {@code \r} is dropped): a sample, a problem,
   * or nothing for a blank or comment line. Lets a reader parse a file line by line as it streams it.
   */
  public static void parseTextLine(String line, long lineNo, Sink sink) {
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    String trimmed = line.strip();
    if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
      try {
        sink.sample(parseLine(trimmed, lineNo));
      } catch (IllegalArgumentException e) {
        sink.problem(new Problem(lineNo, line, e.getMessage()));
      }
    }
  }

  static Sample parseLine(String line, long lineNo) {
    int i = 0;
    int n = line.length();
    while (i < n && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("expected a metric name at column 1");
    }
    String metric = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < n && line.charAt(i) == '{') {
      i++;
      while (true) {
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == '}') {
          i++;
          break;
        }
        int nameStart = i;
        while (i < n && isNameChar(line.charAt(i), i == nameStart) && line.charAt(i) != ':') {
          i++;
        }
        if (i == nameStart) {
          throw new IllegalArgumentException("expected a label name at column " + (i + 1));
        }
        String name = line.substring(nameStart, i);
        i = skipSpaces(line, i);
        if (i >= n || line.charAt(i) != '=') {
          throw new IllegalArgumentException("expected '=' after label " + name + " at column " + (i + 1));
        }
        i = skipSpaces(line, i + 1);
        if (i >= n || line.charAt(i) != '"') {
          throw new IllegalArgumentException("expected '\"' to open the value of label " + name + " at column " + (i + 1));
        }
        i++;
        StringBuilder value = new StringBuilder();
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i++);
          if (c == '\\' && i < n) {
            char e = line.charAt(i++);
            value.append(switch (e) {
              case 'n' -> '\n';
              case '\\' -> '\\';
              case '"' -> '"';
              default -> throw new IllegalArgumentException("invalid escape \\" + e + " in label " + name);
            });
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw new IllegalArgumentException("unterminated value of label " + name);
        }
        if (labels.put(name, value.toString()) != null) {
          throw new IllegalArgumentException("duplicate label " + name);
        }
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == ',') {
          i++;
        } else if (i < n && line.charAt(i) == '}') {
          i++;
          break;
        } else {
          throw new IllegalArgumentException("expected ',' or '}' after label " + name + " at column " + (i + 1));
        }
      }
    }
    String[] rest = line.substring(i).strip().split("[ \t]+");
    if (rest.length == 0 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("missing sample value");
    }
    if (rest.length > 2) {
      throw new IllegalArgumentException("unexpected text after the timestamp: " + rest[2]);
    }
    Optional<Instant> time = Optional.empty();
    if (rest.length == 2) {
      time = Optional.of(parseMillis(rest[1]));
    }
    return new Sample(metric, labels, time, rest[0], lineNo);
  }

  private static Instant parseMillis(String text) {
    try {
      return Instant.ofEpochMilli(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("timestamp is not integer milliseconds: " + text);
    }
  }

  /** HTTP API response: {@code {"status":"success","data":{"resultType":"matrix"|"vector","result":[…]}}}. */
  public static void parseQueryResponse(String content, Sink sink) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      sink.problem(new Problem(1, abbreviate(content), "not a JSON document: " + e.getOriginalMessage()));
      return;
    }
    if (root == null || !root.isObject() || !"success".equals(root.path("status").asText())) {
      sink.problem(new Problem(1, abbreviate(content), "not a successful Prometheus API response (status != success)"));
      return;
    }
    JsonNode data = root.path("data");
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    if (!result.isArray() || !(type.equals("matrix") || type.equals("vector"))) {
      sink.problem(new Problem(1, abbreviate(content), "data.resultType must be matrix or vector with a result array, got '" + type + "'"));
      return;
    }
    for (int s = 0; s < result.size(); s++) {
      JsonNode series = result.get(s);
      Map<String, String> labels = new LinkedHashMap<>();
      String metric = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = series.path("metric").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__name__")) {
          metric = e.getValue().asText();
        } else {
          labels.put(e.getKey(), e.getValue().asText());
        }
      }
      String where = "data.result[" + s + "]";
      if (metric == null || metric.isEmpty()) {
        sink.problem(new Problem(1, abbreviate(series.toString()), where + ": metric has no __name__ label"));
        continue;
      }
      JsonNode values = type.equals("matrix") ? series.path("values") : JSON.createArrayNode().add(series.path("value"));
      for (int v = 0; v < values.size(); v++) {
        JsonNode pair = values.get(v);
        if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber() || !pair.get(1).isTextual()) {
          sink.problem(new Problem(1, abbreviate(pair.toString()), where + ".values[" + v + "]: expected [<unix seconds>, \"<value>\"]"));
          continue;
        }
        BigDecimal seconds = pair.get(0).decimalValue();
        Instant time = Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        sink.sample(new Sample(metric, labels, Optional.of(time), pair.get(1).asText(), 1));
      }
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 4000 ? text : text.substring(0, 4000);
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
