package io.aifocus.schema;

import static java.util.Objects.requireNonNull;

/** An aifocus custom ({@code x_}) column of {@code focus_cost_and_usage}. */
public record ExtensionColumn(
    String id, FocusDataType dataType, Integer precision, Integer scale, boolean nullable, String description) {

  public ExtensionColumn {
    requireNonNull(id, "id is null");
    requireNonNull(dataType, "dataType is null for " + id);
    if (!id.startsWith("x_")) {
      throw new IllegalArgumentException("Custom column must start with x_: " + id);
    }
    if (dataType == FocusDataType.Decimal && (precision == null || scale == null)) {
      throw new IllegalArgumentException("Decimal column " + id + " needs precision and scale");
    }
  }
}
