package io.aifocus.api;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One input declared by the user: its kind, a path (file, directory or glob; local or s3a://) and
 * kind-specific options.
 */
public record SourceSpec(SourceKind kind, String path, Map<String, String> options) {
  public SourceSpec {
    requireNonNull(kind, "kind is null");
    requireNonNull(path, "path is null");
    if (path.isBlank()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "Source " + kind.id() + " has an empty path");
    }
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  public static SourceSpec of(SourceKind kind, String path) {
    return new SourceSpec(kind, path, Map.of());
  }

  public String option(String key, String defaultValue) {
    return options.getOrDefault(key, defaultValue);
  }
}
