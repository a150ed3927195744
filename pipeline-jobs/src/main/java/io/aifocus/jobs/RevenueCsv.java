package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The revenue file of {@code analytics.revenue} (docs/analytics.md): a small CSV with the header
 * {@code customer,billing_period,revenue,currency}, one row per customer and month ({@code yyyy-MM}). Lines
 * starting with {@code #} are comments. A bad line fails the run with AIF-9001 naming the file, line and column:
 * revenue steers decisions, so it is not half-read.
 */
final class RevenueCsv {
  static final List<String> HEADER = List.of("customer", "billing_period", "revenue", "currency");
  static final StructType SCHEMA = StructType.fromDDL(
      "customer STRING, billing_period STRING, revenue DECIMAL(38,12), currency STRING");
  private static final Pattern MONTH = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

  private RevenueCsv() {}

  static List<Row> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": cannot read revenue file: " + e.getMessage(), e);
    }
    List<Row> rows = new ArrayList<>();
    boolean headerSeen = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> cells = List.of(line.split(",", -1)).stream().map(String::strip).toList();
      if (!headerSeen) {
        if (!cells.equals(HEADER)) {
          throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
              file + ": line " + (i + 1) + ": the revenue header must be " + String.join(",", HEADER) + ", got " + line);
        }
        headerSeen = true;
        continue;
      }
      if (cells.size() != HEADER.size()) {
        throw error(file, i, "expected " + HEADER.size() + " fields, got " + cells.size() + " (quotes are not supported)");
      }
      if (cells.get(0).isEmpty()) {
        throw error(file, i, "column customer is empty");
      }
      if (!MONTH.matcher(cells.get(1)).matches()) {
        throw error(file, i, "column billing_period must be yyyy-MM, got '" + cells.get(1) + "'");
      }
      BigDecimal revenue;
      try {
        revenue = new BigDecimal(cells.get(2)).setScale(12);
      } catch (NumberFormatException | ArithmeticException e) {
        throw error(file, i, "column revenue is not a decimal number with at most 12 decimals: '" + cells.get(2) + "'");
      }
      String currency = cells.get(3).toUpperCase(Locale.ROOT);
      if (!currency.matches("[A-Z]{3}")) {
        throw error(file, i, "column currency must be an ISO 4217 code, got '" + cells.get(3) + "'");
      }
      rows.add(RowFactory.create(cells.get(0), cells.get(1), revenue, currency));
    }
    if (!headerSeen) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": the revenue file is empty (no header)");
    }
    return rows;
  }

  private static PipelineException error(Path file, int index, String message) {
    return new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": line " + (index + 1) + ": " + message);
  }
}
