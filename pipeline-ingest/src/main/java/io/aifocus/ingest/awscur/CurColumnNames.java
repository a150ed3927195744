package io.aifocus.ingest.awscur;

import java.util.Locale;
import java.util.Optional;

/**
 * Maps AWS CUR header names to canonical CUR 2.0 names. Legacy CUR uses {@code category/CamelName}
 * ({@code lineItem/UnblendedCost}); CUR 2.0 uses {@code category_snake_name}. The conversion turns every
 * capital into {@code _} + lower case, which reproduces AWS's own quirk for acronyms
 * ({@code reservation/ReservationARN} → {@code reservation_reservation_a_r_n}).
 */
final class CurColumnNames {
  /** Where a header column goes: a top-level column, or a key of one of the map columns. */
  record Target(String column, Optional<String> mapKey) {
    static Target column(String name) {
      return new Target(name, Optional.empty());
    }

    static Target entry(String map, String key) {
      return new Target(map, Optional.of(key));
    }
  }

  static final String PRODUCT = "product";
  static final String RESOURCE_TAGS = "resource_tags";
  static final String COST_CATEGORY = "cost_category";

  private CurColumnNames() {}

  /**
   * The target of one header name.
   *
   * @param isTopLevel whether a canonical name is a top-level column of the raw schema (product_* names
   *     that CUR 2.0 keeps top-level); other product attributes go into the product map
   */
  static Target target(String header, java.util.function.Predicate<String> isTopLevel) {
    int slash = header.indexOf('/');
    if (slash > 0) {
      String category = header.substring(0, slash);
      String name = header.substring(slash + 1);
      switch (category) {
        case "resourceTags":
          return Target.entry(RESOURCE_TAGS, name);
        case "costCategory":
          return Target.entry(COST_CATEGORY, name);
        case "product":
          String canonical = PRODUCT + "_" + snake(name);
          return isTopLevel.test(canonical) ? Target.column(canonical) : Target.entry(PRODUCT, snake(name));
        default:
          return Target.column(snake(category) + "_" + snake(name));
      }
    }
    // CUR 2.0 CSV or Athena-style flattened tag columns
    if (header.startsWith("resource_tags_")) {
      return Target.entry(RESOURCE_TAGS, header.substring("resource_tags_".length()));
    }
    if (header.startsWith("cost_category_")) {
      return Target.entry(COST_CATEGORY, header.substring("cost_category_".length()));
    }
    return Target.column(header.toLowerCase(Locale.ROOT));
  }

  /** {@code UnblendedCost} → {@code unblended_cost}; {@code ReservationARN} → {@code reservation_a_r_n}. */
  static String snake(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 8);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
