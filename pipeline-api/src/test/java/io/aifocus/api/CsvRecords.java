package io.aifocus.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain-Java RFC 4180 reader, independent of Spark, so tests compute expected values from the input
 * file themselves. Cells come back verbatim (an empty cell is "", the token NULL is "NULL"). Shared by
 * the tests of every module through the pipeline-api test-jar.
 */
public final class CsvRecords {
  private CsvRecords() {}

  public static List<Map<String, String>> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<List<String>> records = parse(text);
    List<String> header = records.get(0);
    List<Map<String, String>> out = new ArrayList<>();
    for (List<String> record : records.subList(1, records.size())) {
      if (record.size() != header.size()) {
        throw new IllegalStateException("Record has " + record.size() + " fields, header " + header.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), record.get(i));
      }
      out.add(row);
    }
    return out;
  }

  /** The header line's names only; the records may be malformed. */
  public static List<String> header(Path file) {
    try (java.io.BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = reader.readLine();
      return parse(line.startsWith("\uFEFF") ? line.substring(1) : line).get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
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
        record.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n') {
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else if (c != '\r') {
        cell.append(c);
      }
    }
    if (cell.length() > 0 || !record.isEmpty()) {
      record.add(cell.toString());
      records.add(record);
    }
    return records;
  }

  /** Whether a raw cell carries no value: empty, blank or the literal NULL. */
  public static boolean isNull(String cell) {
    return cell == null || cell.isBlank() || cell.strip().equals("NULL");
  }
}
