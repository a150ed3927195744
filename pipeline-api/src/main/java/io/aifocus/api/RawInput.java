package io.aifocus.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a reader loaded for one source: the raw rows plus the two expressions the reconciliation needs,
 * computed on raw rows, independent of the normalizer.
 *
 * @param rows raw rows in the source's canonical column names, plus {@link RawColumns}
 * @param files every input file read (empty files included)
 * @param billedAmount the source's own billed amount per raw row, as DECIMAL(38,12); null when unparsable
 * @param billingPeriodStart the billing period a raw row belongs to (TIMESTAMP); null when unparsable
 * @param unknownColumns per file (as in {@code files}), the names of its columns that are not in the source's known
 *     schema, sorted; files without any are left out ({@link SourceExtras}). Empty for sources that do not check
 */
public record RawInput(
    SourceKind kind, Dataset<Row> rows, List<String> files, Column billedAmount, Column billingPeriodStart,
    Map<String, List<String>> unknownColumns) {
  public RawInput {
    requireNonNull(kind, "kind is null");
    requireNonNull(rows, "rows is null");
    files = List.copyOf(files);
    requireNonNull(billedAmount, "billedAmount is null");
    requireNonNull(billingPeriodStart, "billingPeriodStart is null");
    TreeMap<String, List<String>> copy = new TreeMap<>();
    (unknownColumns == null ? Map.<String, List<String>>of() : unknownColumns)
        .forEach((file, names) -> copy.put(file, names.stream().sorted().toList()));
    unknownColumns = java.util.Collections.unmodifiableSortedMap(copy);
  }

  /** A raw input of a source that does not report unknown columns. */
  public RawInput(SourceKind kind, Dataset<Row> rows, List<String> files, Column billedAmount, Column billingPeriodStart) {
    this(kind, rows, files, billedAmount, billingPeriodStart, Map.of());
  }
}
