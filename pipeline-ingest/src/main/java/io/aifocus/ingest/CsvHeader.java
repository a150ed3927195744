package io.aifocus.ingest;

import io.aifocus.api.CsvLine;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/** Reads and checks the header line of a CSV file before Spark reads the body. */
public final class CsvHeader {
  private CsvHeader() {}

  /**
   * The column names of {@code file}'s header, BOM stripped. Empty when the file is empty (no header).
   * Fails naming the file when the header has an empty or duplicated name, or when the first record has more
   * fields than the header has names (typically a missing comma between two header names, which would otherwise
   * shift every value into the wrong column or make every record malformed).
   */
  public static Optional<List<String>> read(Configuration conf, String file) {
    return read(conf, file, names -> { });
  }

  /**
   * The same, with a source's own check of the header names run before the first-record field count (so a source
   * that recognizes its column names can say which two names lost their comma, rather than only that one is missing).
   */
  public static Optional<List<String>> read(Configuration conf, String file, Consumer<List<String>> namesCheck) {
    String line;
    String firstRecord;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(InputFiles.open(conf, file), StandardCharsets.UTF_8))) {
      line = reader.readLine();
      firstRecord = reader.readLine();
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE, file + ": cannot read: " + e.getMessage(), e);
    }
    if (line == null || line.isBlank()) {
      return Optional.empty();
    }
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    List<String> names = split(line);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      if (name.isEmpty()) {
        throw new PipelineException(
            PipelineErrorCode.MALFORMED_HEADER,
            file + ":1:" + (i + 1) + ": header column " + (i + 1) + " has no name");
      }
      if (!seen.add(name)) {
        throw new PipelineException(
            PipelineErrorCode.MALFORMED_HEADER, file + ":1:" + (i + 1) + ": header column '" + name + "' appears twice");
      }
      names.set(i, name);
    }
    namesCheck.accept(List.copyOf(names));
    if (firstRecord != null && !firstRecord.isBlank()) {
      int fields = split(firstRecord).size();
      if (fields > names.size()) {
        throw new PipelineException(PipelineErrorCode.MALFORMED_HEADER, file + ":2: the first record has " + fields
            + " fields but the header names " + names.size() + " columns; is a comma missing between two header"
            + " names? (header: " + abbreviate(line) + ")");
      }
    }
    return Optional.of(List.copyOf(names));
  }

  private static String abbreviate(String header) {
    return header.length() <= 300 ? "'" + header + "'" : "'" + header.substring(0, 300) + "…'";
  }

  static List<String> split(String line) {
    return CsvLine.split(line);
  }
}
