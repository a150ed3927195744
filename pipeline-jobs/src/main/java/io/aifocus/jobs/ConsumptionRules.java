package io.aifocus.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aifocus.api.SourceKind;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which focus_cost_and_usage rows burn prepaid grants, as data: {@code aifocus/credits/consumption.yaml}
 * (docs/credits.md "Which rows burn a grant"). A rule names source kinds, optionally service names, the row's role
 * (usage or cost) and optionally a fixed provider key; the file also maps provider names to keys and consumed units
 * to tokens.
 */
final class ConsumptionRules {
  static final String RESOURCE = "aifocus/credits/consumption.yaml";

  /** Usage rows (tokens and attribution) or the provider's invoice view of the same spend. */
  enum Role {
    USAGE,
    COST
  }

  /** One rule of the file. */
  record Rule(List<SourceKind> sourceKinds, Role role, Optional<String> provider, List<String> serviceNames,
      List<String> serviceNameSuffixes) {
    Rule {
      sourceKinds = List.copyOf(sourceKinds);
      requireNonNull(role, "role is null");
      requireNonNull(provider, "provider is null");
      serviceNames = List.copyOf(serviceNames);
      serviceNameSuffixes = List.copyOf(serviceNameSuffixes);
      if (sourceKinds.isEmpty()) {
        throw new IllegalArgumentException("Invalid consumption rule: no source kinds");
      }
    }

    boolean matches(String sourceKind, String serviceName) {
      if (sourceKinds.stream().noneMatch(k -> k.id().equals(sourceKind))) {
        return false;
      }
      if (serviceNames.isEmpty() && serviceNameSuffixes.isEmpty()) {
        return true;
      }
      return serviceName != null && (serviceNames.contains(serviceName)
          || serviceNameSuffixes.stream().anyMatch(serviceName::endsWith));
    }

    /** The same test as {@link #matches} as a Spark SQL predicate. */
    String sql() {
      String kinds = ExtensionColumns.SOURCE_KIND + " IN (" + sourceKinds.stream().map(k -> PipelineRunner.sqlString(k.id()))
          .collect(Collectors.joining(", ")) + ")";
      if (serviceNames.isEmpty() && serviceNameSuffixes.isEmpty()) {
        return kinds;
      }
      List<String> service = new ArrayList<>();
      if (!serviceNames.isEmpty()) {
        service.add(FocusColumns.SERVICE_NAME + " IN (" + serviceNames.stream().map(PipelineRunner::sqlString)
            .collect(Collectors.joining(", ")) + ")");
      }
      for (String suffix : serviceNameSuffixes) {
        service.add("endswith(" + FocusColumns.SERVICE_NAME + ", " + PipelineRunner.sqlString(suffix) + ")");
      }
      return "(" + kinds + " AND (" + String.join(" OR ", service) + "))";
    }
  }

  private record File(List<RuleEntry> rules, Map<String, String> providerAliases, Map<String, String> tokenUnits) {}

  private record RuleEntry(List<String> sourceKinds, String role, String provider, List<String> serviceNames,
      List<String> serviceNameSuffixes) {}

  private final List<Rule> rules;
  private final Map<String, String> aliases;
  private final Map<String, BigDecimal> tokenUnits;

  ConsumptionRules(List<Rule> rules, Map<String, String> providerAliases, Map<String, BigDecimal> tokenUnits) {
    this.rules = List.copyOf(rules);
    this.aliases = new LinkedHashMap<>();
    providerAliases.forEach((k, v) -> aliases.put(k.toLowerCase(Locale.ROOT), v));
    this.tokenUnits = new LinkedHashMap<>();
    tokenUnits.forEach((k, v) -> this.tokenUnits.put(k.toLowerCase(Locale.ROOT), v));
  }

  /** The rules shipped with aifocus. */
  static ConsumptionRules load() {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    try (InputStream in = ConsumptionRules.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE);
      }
      File file = mapper.readValue(in, File.class);
      List<Rule> rules = new ArrayList<>();
      for (RuleEntry e : file.rules()) {
        rules.add(new Rule(e.sourceKinds().stream().map(SourceKind::fromId).toList(),
            Role.valueOf(e.role().toUpperCase(Locale.ROOT)), Optional.ofNullable(e.provider()),
            e.serviceNames() == null ? List.of() : e.serviceNames(),
            e.serviceNameSuffixes() == null ? List.of() : e.serviceNameSuffixes()));
      }
      Map<String, BigDecimal> units = new LinkedHashMap<>();
      file.tokenUnits().forEach((k, v) -> units.put(k, new BigDecimal(v)));
      return new ConsumptionRules(rules, file.providerAliases(), units);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  List<Rule> rules() {
    return rules;
  }

  /** The first rule matching a row, if any. */
  Optional<Rule> match(String sourceKind, String serviceName) {
    return rules.stream().filter(r -> r.matches(sourceKind, serviceName)).findFirst();
  }

  /** Rows any rule matches, as a Spark SQL predicate (without the charge-category and commitment conditions). */
  String sql() {
    return "(" + rules.stream().map(Rule::sql).collect(Collectors.joining(" OR ")) + ")";
  }

  /** The provider key of a row matched by {@code rule}: the rule's provider, else the row's, through the aliases. */
  String providerKey(Rule rule, String serviceProviderName) {
    return canonical(rule.provider().orElse(serviceProviderName));
  }

  /** A provider name mapped through the aliases, lower case; a grant's provider goes through the same mapping. */
  String canonical(String provider) {
    if (provider == null) {
      return "";
    }
    String key = provider.strip().toLowerCase(Locale.ROOT);
    return aliases.getOrDefault(key, key).toLowerCase(Locale.ROOT);
  }

  /** Tokens of {@code quantity} in {@code unit}, when the unit counts tokens. */
  Optional<BigDecimal> tokens(String unit, BigDecimal quantity) {
    if (unit == null || quantity == null) {
      return Optional.empty();
    }
    BigDecimal per = tokenUnits.get(unit.strip().toLowerCase(Locale.ROOT));
    return per == null ? Optional.empty() : Optional.of(quantity.multiply(per));
  }
}
