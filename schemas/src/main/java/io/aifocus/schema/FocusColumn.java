package io.aifocus.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One column of a FOCUS dataset, as declared in {@code schemas/src/main/resources/focus/<version>/*.yaml}.
 *
 * @param id column id, verbatim from the specification (for example {@code BilledCost})
 * @param allowedValues the closed list of values when the column is an enumeration, else empty
 * @param allowedValuesByParent for ServiceSubcategory: ServiceCategory to its subcategories
 * @param valueSet a named external value set (only {@code iso4217} today)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record FocusColumn(
    String id,
    String displayName,
    String category,
    FocusDataType dataType,
    Optional<String> jsonFormat,
    Integer precision,
    Integer scale,
    FeatureLevel featureLevel,
    boolean deprecated,
    boolean nullable,
    String introducedIn,
    List<String> allowedValues,
    Map<String, List<String>> allowedValuesByParent,
    Optional<String> valueSet) {

  public FocusColumn {
    requireNonNull(id, "id is null");
    requireNonNull(dataType, "dataType is null for " + id);
    requireNonNull(featureLevel, "featureLevel is null for " + id);
    jsonFormat = jsonFormat == null ? Optional.empty() : jsonFormat;
    valueSet = valueSet == null ? Optional.empty() : valueSet;
    allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    allowedValuesByParent =
        allowedValuesByParent == null ? Map.of() : Map.copyOf(allowedValuesByParent);
    if (dataType == FocusDataType.Decimal && (precision == null || scale == null)) {
      throw new IllegalArgumentException("Decimal column " + id + " needs precision and scale");
    }
  }

  /** Whether the column holds a closed enumeration (including ServiceSubcategory's parented list). */
  public boolean isEnumerated() {
    return !allowedValues.isEmpty() || !allowedValuesByParent.isEmpty();
  }

  /** Every allowed value, flattening the parented list when there is one. */
  public Set<String> allAllowedValues() {
    if (!allowedValues.isEmpty()) {
      return Set.copyOf(allowedValues);
    }
    return allowedValuesByParent.values().stream()
        .flatMap(List::stream)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
