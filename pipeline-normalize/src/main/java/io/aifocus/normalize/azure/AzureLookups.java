package io.aifocus.normalize.azure;

import io.aifocus.api.CsvLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The FinOps toolkit open-data tables aifocus ships for Azure (resources {@code aifocus/normalize/azure-*.csv},
 * MIT, see LOOKUPS.md): pricing units, services, regions. Plain Java; the normalizer turns them into map literals.
 */
final class AzureLookups {
  static final String PRICING_UNITS = "aifocus/normalize/azure-pricing-units.csv";
  static final String SERVICES = "aifocus/normalize/azure-services.csv";
  static final String REGIONS = "aifocus/normalize/azure-regions.csv";

  /** Separates the fields of a lookup value ({@code block<TAB>unit}, {@code name<TAB>category<TAB>subcategory}). */
  static final String SEPARATOR = "\t";

  private AzureLookups() {}

  /** UnitOfMeasure (exact spelling, the table distinguishes {@code 1 Hour} and {@code 1 hour}) → block and unit. */
  static Map<String, String> pricingUnits() {
    Map<String, String> out = new LinkedHashMap<>();
    for (List<String> row : read(PRICING_UNITS)) {
      out.putIfAbsent(row.get(0), row.get(2).strip() + SEPARATOR + row.get(3).strip());
    }
    return out;
  }

  /** {@code block<TAB>unit} of a UnitOfMeasure: its exact spelling first, then stripped; null when unknown. */
  static String pricingUnit(Map<String, String> units, String unitOfMeasure) {
    if (unitOfMeasure == null) {
      return null;
    }
    String exact = units.get(unitOfMeasure);
    return exact != null ? exact : units.get(unitOfMeasure.strip());
  }

  /**
   * {@code name<TAB>category<TAB>subcategory} for a consumed service and ARM resource id: by consumed service and
   * nested resource type, consumed service and top-level type, consumed service alone, then type alone; null when
   * nothing matches.
   */
  static String service(Map<String, String> services, String consumedService, String resourceId) {
    String consumed = consumedService == null ? "" : consumedService.strip().toLowerCase(Locale.ROOT);
    String id = resourceId == null ? "" : resourceId.strip().toLowerCase(Locale.ROOT);
    String type1 = "";
    String type2 = "";
    int at = id.lastIndexOf("/providers/");
    if (at >= 0) {
      String[] parts = id.substring(at + "/providers/".length()).split("/");
      if (parts.length >= 2) {
        type1 = parts[0] + "/" + parts[1];
      }
      if (parts.length >= 4) {
        type2 = type1 + "/" + parts[3];
      }
    }
    List<String> keys = new ArrayList<>();
    if (!type2.isEmpty()) {
      keys.add(consumed + "|" + type2);
    }
    if (!type1.isEmpty()) {
      keys.add(consumed + "|" + type1);
    }
    if (!consumed.isEmpty()) {
      keys.add(consumed + "|");
    }
    if (!type2.isEmpty()) {
      keys.add("|" + type2);
    }
    if (!type1.isEmpty()) {
      keys.add("|" + type1);
    }
    for (String key : keys) {
      String found = services.get(key);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** {@code RegionId<TAB>RegionName} of a location spelling (case ignored); null when unknown. */
  static String region(Map<String, String> regions, String location) {
    return location == null ? null : regions.get(location.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * {@code consumedservice|resourcetype} (lower case; either part may be empty) → service; the first row wins. Also
   * {@code consumedservice|} for the first row of each consumed service and {@code |resourcetype} for the first row
   * of each resource type, as fallbacks.
   */
  static Map<String, String> services() {
    Map<String, String> out = new LinkedHashMap<>();
    for (List<String> row : read(SERVICES)) {
      String consumed = row.get(0).strip().toLowerCase(Locale.ROOT);
      String type = row.get(1).strip().toLowerCase(Locale.ROOT);
      String service = row.get(2).strip() + SEPARATOR + row.get(3).strip() + SEPARATOR + row.get(4).strip();
      out.putIfAbsent(consumed + "|" + type, service);
    }
    for (List<String> row : read(SERVICES)) {
      String consumed = row.get(0).strip().toLowerCase(Locale.ROOT);
      String type = row.get(1).strip().toLowerCase(Locale.ROOT);
      String service = row.get(2).strip() + SEPARATOR + row.get(3).strip() + SEPARATOR + row.get(4).strip();
      if (!consumed.isEmpty()) {
        out.putIfAbsent(consumed + "|", service);
      }
      if (!type.isEmpty()) {
        out.putIfAbsent("|" + type, service);
      }
    }
    return out;
  }

  /** Location spelling (lower case) → {@code RegionId<TAB>RegionName}. */
  static Map<String, String> regions() {
    Map<String, String> out = new LinkedHashMap<>();
    for (List<String> row : read(REGIONS)) {
      out.putIfAbsent(row.get(0).strip().toLowerCase(Locale.ROOT), row.get(1).strip() + SEPARATOR + row.get(2).strip());
    }
    return out;
  }

  /** The data rows of a CSV resource (header skipped, BOM and CR removed, RFC 4180 quoting, no embedded newlines). */
  static List<List<String>> read(String resource) {
    try (InputStream in = AzureLookups.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Lookup table missing from the classpath: " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<List<String>> rows = new ArrayList<>();
      String line = reader.readLine(); // header
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          rows.add(split(line));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read lookup table " + resource, e);
    }
  }

  static List<String> split(String line) {
    return CsvLine.split(line);
  }
}
