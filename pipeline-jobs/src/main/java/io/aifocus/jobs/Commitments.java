package io.aifocus.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.credits.Commitment;
import io.aifocus.api.credits.Grant;
import io.aifocus.api.credits.ProvisionedThroughput;
import io.aifocus.api.credits.SpendCommitment;
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
 * The {@code commitments} config key (docs/credits.md): a YAML list of commitments, or the path of a CSV file with
 * one commitment per line and the same kebab-case keys as header. {@code type} selects a prepaid grant (default),
 * a spend commitment or a provisioned-throughput reservation; a key the type does not use is an error.
 */
final class Commitments {
  /** One grant as written in config; every value is text so amounts stay exact. */
  record Entry(String id, String type, String contractId, String provider, String billingAccount, String project,
      String team, String amount, String unit, String unitValue, String pricePaid, String currency, String start,
      String expiry, String priority, String rolloverUntil, String rolloverMax, String period, String model,
      String modelUnits, String tokensPerHour, String fee, String feePer, String description) {}

  /** Values of {@code type}: a prepaid grant (the default), a spend commitment, a provisioned-throughput reservation. */
  static final String PREPAID = "prepaid";
  static final String SPEND_COMMITMENT = "spend-commitment";
  static final String PROVISIONED_THROUGHPUT = "provisioned-throughput";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private Commitments() {}

  /**
   * The grants of a {@code commitments} node of {@code configFile}: a list, or a local CSV path relative to
   * {@code base} (the config file's directory).
   */
  static List<Commitment> parse(JsonNode node, String configFile, String base) {
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
    List<Commitment> grants = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String where = configFile + ": commitments[" + i + "]";
      Entry entry;
      try {
        entry = MAPPER.convertValue(node.get(i), Entry.class);
      } catch (IllegalArgumentException e) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, where + ": " + firstLine(e.getMessage()));
      }
      grants.add(toCommitment(entry, where, configFile));
    }
    return checkUnique(grants, configFile);
  }

  /** Reads a CSV of grants: header of kebab-case keys, comma-separated values without quoting, {@code #} comments. */
  static List<Commitment> fromCsv(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, csv + ": cannot read commitments: " + e.getMessage(), e);
    }
    String[] header = null;
    List<Commitment> grants = new ArrayList<>();
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
      grants.add(toCommitment(entry, where, csv.toString()));
    }
    return checkUnique(grants, csv.toString());
  }

  /** The commitment of one entry, by its {@code type}. */
  static Commitment toCommitment(Entry e, String where, String source) {
    require(e.id(), "id", where);
    String at = where + " (" + e.id() + ")";
    String type = e.type() == null ? PREPAID : e.type();
    switch (type) {
      case PREPAID -> {
        forbid(e, at, type, "period", e.period(), "model", e.model(), "model-units", e.modelUnits(),
            "tokens-per-hour", e.tokensPerHour(), "fee", e.fee(), "fee-per", e.feePer());
        return toGrant(e, where, source);
      }
      case SPEND_COMMITMENT -> {
        return toSpendCommitment(e, at, source);
      }
      case PROVISIONED_THROUGHPUT -> {
        return toReservation(e, at, source);
      }
      default -> throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": 'type' must be " + PREPAID + ", "
          + SPEND_COMMITMENT + " or " + PROVISIONED_THROUGHPUT + ": '" + type + "'");
    }
  }

  /** A spend commitment: {@code amount} is the minimum spend of each period, in {@code currency}. */
  private static SpendCommitment toSpendCommitment(Entry e, String at, String source) {
    forbid(e, at, SPEND_COMMITMENT, "unit-value", e.unitValue(), "price-paid", e.pricePaid(), "priority", e.priority(),
        "rollover-until", e.rolloverUntil(), "rollover-max", e.rolloverMax(), "model", e.model(),
        "model-units", e.modelUnits(), "tokens-per-hour", e.tokensPerHour(), "fee", e.fee(), "fee-per", e.feePer());
    requireCommon(e, at);
    require(e.amount(), "amount", at);
    if (e.unit() != null && !e.unit().equals(e.currency())) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": 'unit' of a " + SPEND_COMMITMENT
          + " is its currency " + e.currency() + ": '" + e.unit() + "'");
    }
    SpendCommitment.Period period;
    String p = e.period() == null ? "term" : e.period();
    switch (p) {
      case "term" -> period = SpendCommitment.Period.TERM;
      case "month" -> period = SpendCommitment.Period.MONTH;
      default -> throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          at + ": 'period' must be term or month: '" + p + "'");
    }
    try {
      return new SpendCommitment(e.id(), e.contractId(), e.provider(), scope(e), decimal(e.amount(), "amount", at),
          e.currency(), date(e.start(), "start", at), date(e.expiry(), "expiry", at), period,
          Optional.ofNullable(e.description()), source);
    } catch (IllegalArgumentException x) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": " + x.getMessage());
    }
  }

  /** A provisioned-throughput reservation: {@code model}, {@code tokens-per-hour}, {@code fee} per {@code fee-per}. */
  private static ProvisionedThroughput toReservation(Entry e, String at, String source) {
    forbid(e, at, PROVISIONED_THROUGHPUT, "amount", e.amount(), "unit", e.unit(), "unit-value", e.unitValue(),
        "price-paid", e.pricePaid(), "priority", e.priority(), "rollover-until", e.rolloverUntil(),
        "rollover-max", e.rolloverMax(), "period", e.period());
    requireCommon(e, at);
    require(e.model(), "model", at);
    require(e.tokensPerHour(), "tokens-per-hour", at);
    require(e.fee(), "fee", at);
    int units;
    try {
      units = e.modelUnits() == null ? 1 : Integer.parseInt(e.modelUnits());
    } catch (NumberFormatException x) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          at + ": 'model-units' is not an integer: '" + e.modelUnits() + "'");
    }
    ProvisionedThroughput.FeePer per;
    String p = e.feePer() == null ? "hour" : e.feePer();
    switch (p) {
      case "hour" -> per = ProvisionedThroughput.FeePer.HOUR;
      case "month" -> per = ProvisionedThroughput.FeePer.MONTH;
      default -> throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          at + ": 'fee-per' must be hour or month: '" + p + "'");
    }
    try {
      return new ProvisionedThroughput(e.id(), e.contractId(), e.provider(), scope(e), e.model(), units,
          decimal(e.tokensPerHour(), "tokens-per-hour", at), decimal(e.fee(), "fee", at), per, e.currency(),
          date(e.start(), "start", at), date(e.expiry(), "expiry", at), Optional.ofNullable(e.description()), source);
    } catch (IllegalArgumentException x) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, at + ": " + x.getMessage());
    }
  }

  private static void requireCommon(Entry e, String at) {
    require(e.contractId(), "contract-id", at);
    require(e.provider(), "provider", at);
    require(e.billingAccount(), "billing-account", at);
    require(e.currency(), "currency", at);
    require(e.start(), "start", at);
    require(e.expiry(), "expiry", at);
  }

  private static Grant.Scope scope(Entry e) {
    return new Grant.Scope(e.billingAccount(), Optional.ofNullable(e.project()), Optional.ofNullable(e.team()));
  }

  /** Fails naming the first of the (key, value) pairs that is set: the type does not use it. */
  private static void forbid(Entry e, String at, String type, String... keysAndValues) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            at + ": '" + keysAndValues[i] + "' does not apply to a commitment of type " + type);
      }
    }
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

  private static List<Commitment> checkUnique(List<Commitment> grants, String source) {
    Set<String> ids = new HashSet<>();
    for (Commitment g : grants) {
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
