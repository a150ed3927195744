package io.aifocus.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line: comma separator, RFC 4180 quoting ({@code ""} inside quotes is one quote), a trailing
 * {@code \r} dropped. For headers and small lookup files read on the driver; data files go through Spark's reader.
 */
public final class CsvLine {
  private CsvLine() {}

  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else if (c != '\r') {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }
}
