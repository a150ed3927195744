package io.aifocus.schema.source;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** One column of a source's raw schema. {@code type} is string, decimal, timestamp or map. */
public record RawColumn(String name, String type, boolean required, Optional<String> note) {
  public RawColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    note = note == null ? Optional.empty() : note;
  }

  public boolean isMap() {
    return type.equals("map");
  }
}
