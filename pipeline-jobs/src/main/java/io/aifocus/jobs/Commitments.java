package io.aifocus.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.credits.Grant;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code commitments} config key (docs/credits.md): a YAML list of grants, or the path of a CSV file with
 * one grant per line and the same kebab-case keys as header.
 */
final class Commitments {
  /** One grant as written in config; every value is text so amounts stay exact. */
  record Entry(String id, String contractId, String provider, String billingAccount, String project, String team,
      String amount, String unit, String unitValue, String pricePaid, String currency, String start, String expiry, String priority,
      String rolloverUntil, String rolloverMax, String description) {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private Commitments() {}

  /**
   * The grants of a {@code commitments} node of {@code configFile}: a list, or a local CSV path relative to
   * {@code base} (the config file's directory).
   */
  static List<Grant> parse(JsonNode node, String configFile, String base) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      return fromCsv(Path.of(JobConfig.resolve(base, node.asText())));
    }
    if (!node.isArray()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          configFile + ": 'commitments' must be a list of grants or the path of a CSV file");
    }
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String where = configFile + ": commitments[" + i + "]";
      Entry entry;
      try {
        entry = MAPPER.convertValue(node.get(i), Entry.class);
      } catch (IllegalArgumentException e) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ": " + firstLine(e.getMessage()));
      }
      grants.add(toGrant(entry, where, configFile));
    }
    return checkUnique(grants, configFile);
  }

  /** Reads a CSV of grants: header of kebab-case keys, comma-separated values without quoting, {@code #} comments. */
  static List<Grant> fromCsv(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, csv + ": cannot read commitments: " + e.getMessage(), e);
    }
    String[] header = null;
    List<Grant> grants = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split(",", -1);
      if (header == null) {
        header = fields;
        continue;
      }
      String where = csv + ":" + (n + 1);
      if (fields.length != header.length) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            where + ": " + fields.length + " fields, the header has " + header.length + " (quoted commas are not supported)");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        String v = fields[i].strip();
        values.put(header[i].strip(), v.isEmpty() ? null : v);
      }
      Entry entry;
      try {
        entry = MAPPER.convertValue(values, Entry.class);
      } catch (IllegalArgumentException e) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ": " + firstLine(e.getMessage()));
      }
      grants.add(toGrant(entry, where, csv.toString()));
    }
    return checkUnique(grants, csv.toString());
  }

  static Grant toGrant(Entry e, String where, String source) {
    require(e.id(), "id", where);
    String at = where + " (" + e.id() + ")";
    require(e.contractId(), "contract-id", at);
    require(e.provider(), "provider", at);
    require(e.billingAccount(), "billing-account", at);
    require(e.amount(), "amount", at);
    require(e.unit(), "unit", at);
    require(e.currency(), "currency", at);
    require(e.start(), "start", at);
    require(e.expiry(), "expiry", at);
    Optional<Grant.Rollover> rollover = e.rolloverUntil() == null ? Optional.empty()
        : Optional.of(new Grant.Rollover(date(e.rolloverUntil(), "rollover-until", at),
            Optional.ofNullable(e.rolloverMax()).map(v -> decimal(v, "rollover-max", at))));
    if (rollover.isEmpty() && e.rolloverMax() != null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": 'rollover-max' needs 'rollover-until'");
    }
    int priority;
    try {
      priority = e.priority() == null ? 100 : Integer.parseInt(e.priority());
    } catch (NumberFormatException x) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": 'priority' is not an integer: '" + e.priority() + "'");
    }
    try {
      return new Grant(e.id(), e.contractId(), e.provider(),
          new Grant.Scope(e.billingAccount(), Optional.ofNullable(e.project()), Optional.ofNullable(e.team())),
          decimal(e.amount(), "amount", at), e.unit(),
          Optional.ofNullable(e.unitValue()).map(v -> decimal(v, "unit-value", at)),
          e.pricePaid() == null ? BigDecimal.ZERO : decimal(e.pricePaid(), "price-paid", at), e.currency(),
          date(e.start(), "start", at), date(e.expiry(), "expiry", at), priority, rollover,
          Optional.ofNullable(e.description()), source);
    } catch (IllegalArgumentException x) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": " + x.getMessage());
    }
  }

  private static List<Grant> checkUnique(List<Grant> grants, String source) {
    Set<String> ids = new HashSet<>();
    for (Grant g : grants) {
      if (!ids.add(g.id())) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, source + ": duplicate commitment id '" + g.id() + "'");
      }
    }
    return List.copyOf(grants);
  }

  private static void require(String value, String key, String where) {
    if (value == null || value.isBlank()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ": '" + key + "' is required");
    }
  }

  private static BigDecimal decimal(String value, String key, String where) {
    try {
      return new BigDecimal(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ": '" + key + "' is not a number: '" + value + "'");
    }
  }

  private static LocalDate date(String value, String key, String where) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          where + ": '" + key + "' is not a date (yyyy-MM-dd, UTC): '" + value + "'");
    }
  }

  private static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
  }
}
