package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Golden-file comparison of table contents: one JSON object per row (nulls omitted, decimals as exact
 * strings, times in UTC ISO-8601), lines sorted. {@code -Dgolden.update=true} rewrites the expected file;
 * on a mismatch the actual lines go to target/golden-actual/ and the first differing line is reported.
 */
final class GoldenFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldenFiles() {}

  /** Rows as sorted JSON lines; {@code volatileColumns} are left out, file paths reduced to file names. */
  static List<String> lines(Dataset<Row> rows, Set<String> volatileColumns, Set<String> pathColumns) {
    String[] names = rows.columns();
    List<String> out = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      ObjectNode node = JSON.createObjectNode();
      for (int i = 0; i < names.length; i++) {
        Object v = row.get(i);
        if (v == null || volatileColumns.contains(names[i])) {
          continue;
        }
        if (v instanceof BigDecimal d) {
          node.put(names[i], d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else if (v instanceof Instant t) {
          node.put(names[i], t.toString());
        } else if (pathColumns.contains(names[i])) {
          node.put(names[i], Path.of(v.toString().replaceFirst("^file:", "")).getFileName().toString());
        } else if (v instanceof Long l) {
          node.put(names[i], l);
        } else if (v instanceof Boolean b) {
          node.put(names[i], b);
        } else {
          node.put(names[i], v.toString());
        }
      }
      out.add(node.toString());
    }
    out.sort(null);
    return out;
  }

  static void assertMatches(String relativePath, List<String> actual) throws IOException {
    Path expected = SparkTestSession.projectRoot().resolve(relativePath);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(expected.getParent());
      Files.write(expected, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(expected).as("golden file (create it with -Dgolden.update=true)").exists();
    List<String> wanted = Files.readAllLines(expected, StandardCharsets.UTF_8);
    if (wanted.equals(actual)) {
      return;
    }
    Path dump = SparkTestSession.projectRoot().resolve("pipeline-jobs/target/golden-actual").resolve(relativePath);
    Files.createDirectories(dump.getParent());
    Files.write(dump, actual, StandardCharsets.UTF_8);
    for (int i = 0; i < Math.min(wanted.size(), actual.size()); i++) {
      if (!wanted.get(i).equals(actual.get(i))) {
        fail("golden mismatch in %s at line %d (actual written to %s)%nexpected: %s%nactual:   %s",
            relativePath, i + 1, dump, wanted.get(i), actual.get(i));
      }
    }
    fail("golden mismatch in %s: expected %d lines, got %d (actual written to %s)", relativePath, wanted.size(),
        actual.size(), dump);
  }
}
