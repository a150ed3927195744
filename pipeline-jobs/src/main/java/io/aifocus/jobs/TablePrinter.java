package io.aifocus.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints query results as an aligned table, CSV or JSON. Decimals print exactly, times in UTC ISO-8601. */
final class TablePrinter {
  enum Format {
    table,
    csv,
    json
  }

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private TablePrinter() {}

  static void print(Dataset<Row> result, Format format, int maxRows, PrintStream out) {
    String[] names = result.columns();
    List<Row> rows = maxRows > 0 ? result.takeAsList(maxRows + 1) : result.collectAsList();
    boolean truncated = maxRows > 0 && rows.size() > maxRows;
    if (truncated) {
      rows = rows.subList(0, maxRows);
    }
    switch (format) {
      case csv -> printCsv(names, rows, out);
      case json -> printJson(names, rows, out);
      case table -> printTable(names, rows, out);
    }
    if (truncated && format == Format.table) {
      out.println("(showing the first " + maxRows + " rows; use --max-rows to see more)");
    }
  }

  static String cell(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof Instant i) {
      return ISO.format(i);
    }
    if (value instanceof java.sql.Timestamp t) {
      return ISO.format(t.toInstant());
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      List<String> parts = new ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(v -> parts.add(String.valueOf(cell(v))));
      return "[" + String.join(", ", parts) + "]";
    }
    return value.toString();
  }

  private static void printTable(String[] names, List<Row> rows, PrintStream out) {
    int[] widths = new int[names.length];
    for (int c = 0; c < names.length; c++) {
      widths[c] = names[c].length();
    }
    List<String[]> cells = new ArrayList<>();
    for (Row row : rows) {
      String[] line = new String[names.length];
      for (int c = 0; c < names.length; c++) {
        String v = cell(row.get(c));
        line[c] = v == null ? "NULL" : v;
        widths[c] = Math.min(60, Math.max(widths[c], line[c].length()));
      }
      cells.add(line);
    }
    StringBuilder sep = new StringBuilder("+");
    for (int w : widths) {
      sep.append("-".repeat(w + 2)).append('+');
    }
    out.println(sep);
    out.println(line(names, widths));
    out.println(sep);
    for (String[] line : cells) {
      out.println(line(line, widths));
    }
    out.println(sep);
    out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
  }

  private static String line(String[] values, int[] widths) {
    StringBuilder sb = new StringBuilder("|");
    for (int c = 0; c < values.length; c++) {
      String v = values[c].length() > widths[c] ? values[c].substring(0, widths[c] - 1) + "…" : values[c];
      sb.append(' ').append(v).append(" ".repeat(widths[c] - v.length())).append(" |");
    }
    return sb.toString();
  }

  private static void printCsv(String[] names, List<Row> rows, PrintStream out) {
    out.println(csvLine(names));
    for (Row row : rows) {
      String[] values = new String[names.length];
      for (int c = 0; c < names.length; c++) {
        values[c] = cell(row.get(c));
      }
      out.println(csvLine(values));
    }
  }

  private static String csvLine(String[] values) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < values.length; c++) {
      if (c > 0) {
        sb.append(',');
      }
      String v = values[c];
      if (v == null) {
        continue;
      }
      if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(v);
      }
    }
    return sb.toString();
  }

  private static void printJson(String[] names, List<Row> rows, PrintStream out) {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
    for (Row row : rows) {
      ObjectNode node = array.addObject();
      for (int c = 0; c < names.length; c++) {
        Object v = row.get(c);
        if (v == null) {
          node.putNull(names[c]);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
          node.put(names[c], ((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
          node.put(names[c], ((Number) v).doubleValue());
        } else if (v instanceof Boolean b) {
          node.put(names[c], b);
        } else {
          node.put(names[c], cell(v));
        }
      }
    }
    out.println(array.toPrettyString());
  }
}
