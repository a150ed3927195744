package io.aifocus.api;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Output of a normalizer.
 *
 * @param focus rows with exactly the columns of focus_cost_and_usage (FOCUS 1.3 then x_ columns)
 * @param quarantine rejected rows with the columns of {@link QuarantineTable#normalizerSchema()}
 */
public record NormalizeResult(Dataset<Row> focus, Dataset<Row> quarantine) {
  public NormalizeResult {
    requireNonNull(focus, "focus is null");
    requireNonNull(quarantine, "quarantine is null");
  }
}
