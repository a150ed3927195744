package io.aifocus.api;

import io.aifocus.schema.ExtensionColumns;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Schema drift of file-based bill sources: columns of a file that are not in its source's known schema (data
 * dictionary). With the source option {@value #OPTION} {@code keep} (the default) the reader puts them into the raw
 * column {@link RawColumns#SOURCE_EXTRAS} as one JSON object per record, which the normalizer writes to {@code
 * x_SourceExtras}; with {@code ignore} they are dropped. Either way the run names them per file in {@code
 * pipeline_runs.message} ({@link #note}), so drift is visible. Never an error.
 */
public final class SourceExtras {
  /** Source option: {@code keep} (default) or {@code ignore}. */
  public static final String OPTION = "source-extras";

  /** What a source does with unknown columns. */
  public enum Mode {
    KEEP,
    IGNORE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The source kinds whose readers check their columns against a known schema. */
  private static final Set<SourceKind> KINDS = EnumSet.of(SourceKind.AWS_CUR, SourceKind.FOCUS, SourceKind.AZURE_FOCUS,
      SourceKind.AWS_FOCUS, SourceKind.GCP_FOCUS, SourceKind.AZURE_COST, SourceKind.GCP_BILLING);

  private SourceExtras() {}

  /** Whether {@code kind}'s reader keeps unknown columns (and so accepts the option). */
  public static boolean supports(SourceKind kind) {
    return KINDS.contains(kind);
  }

  /**
   * The source's mode, {@code keep} without the option.
   *
   * @throws PipelineException AIF-9001 naming the source and the allowed values when the value is neither {@code keep}
   *     nor {@code ignore}, or when the source's kind does not check its columns
   */
  public static Mode mode(SourceSpec spec) {
    String value = spec.options().get(OPTION);
    if (value == null) {
      return Mode.KEEP;
    }
    String source = "source " + spec.kind().id() + " (" + spec.path() + ")";
    if (!supports(spec.kind())) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, source + ": option " + OPTION
          + " applies to the source kinds " + String.join(", ", KINDS.stream().map(SourceKind::id).toList()) + " only");
    }
    for (Mode mode : Mode.values()) {
      if (mode.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
        source + ": option " + OPTION + "='" + value + "' is not allowed; use keep or ignore");
  }

  /**
   * What a run says about the unknown columns of its files, for {@code pipeline_runs.message} and the progress line;
   * null when there are none. One part per file: {@code 2 unknown column(s) kept in x_SourceExtras: foo, bar
   * (cur-2026-11.csv)}.
   *
   * @param byFile per file, its unknown column names (sorted), as in {@link RawInput#unknownColumns()}
   */
  public static String note(Map<String, List<String>> byFile, Mode mode) {
    if (byFile.isEmpty()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    byFile.forEach((file, names) -> parts.add(names.size() + " unknown column(s) "
        + (mode == Mode.KEEP ? "kept in " + ExtensionColumns.SOURCE_EXTRAS : "ignored (" + OPTION + ": ignore)") + ": "
        + String.join(", ", names) + " (" + file + ")"));
    return String.join("; ", parts);
  }
}
