package io.aifocus.jobs;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;

/** Reconciliation of one source and billing period in one run, as recorded in pipeline_runs. */
record SourceRun(
    String sourceKind,
    String sourcePath,
    List<String> files,
    Timestamp billingPeriodStart,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    BigDecimal inputTotal,
    BigDecimal outputTotal,
    BigDecimal quarantinedTotal,
    long unparsableAmountRows) {

  boolean reconciled() {
    return rowsIn == rowsOut + rowsQuarantined && inputTotal.compareTo(outputTotal.add(quarantinedTotal)) == 0;
  }
}
