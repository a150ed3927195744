package io.aifocus.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
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
 */
public record RawInput(
    SourceKind kind, Dataset<Row> rows, List<String> files, Column billedAmount, Column billingPeriodStart) {
  public RawInput {
    requireNonNull(kind, "kind is null");
    requireNonNull(rows, "rows is null");
    files = List.copyOf(files);
    requireNonNull(billedAmount, "billedAmount is null");
    requireNonNull(billingPeriodStart, "billingPeriodStart is null");
  }
}
