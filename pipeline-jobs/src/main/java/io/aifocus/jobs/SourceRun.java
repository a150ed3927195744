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
    long unparsableAmountRows,
    long originsAllocated,
    boolean allocation,
    long rowsWritten,
    String notes) {

  /**
   * A source run; rows in/out/quarantined count source records, {@code rowsWritten} the FOCUS rows they
   * became (fewer for token sources, which aggregate records: x_SourceRecords).
   */
  SourceRun(String sourceKind, String sourcePath, List<String> files, Timestamp billingPeriodStart, long rowsIn, long rowsOut,
      long rowsQuarantined, BigDecimal inputTotal, BigDecimal outputTotal, BigDecimal quarantinedTotal, long unparsableAmountRows,
      long rowsWritten) {
    this(sourceKind, sourcePath, files, billingPeriodStart, rowsIn, rowsOut, rowsQuarantined, inputTotal, outputTotal,
        quarantinedTotal, unparsableAmountRows, 0, false, rowsWritten, null);
  }

  /**
   * The same reconciliation with one more note for pipeline_runs.message (rows left without an FX rate, unknown
   * columns of the input files, a GPU cluster's claimed aws-cur rows); null adds nothing.
   */
  SourceRun withNote(String note) {
    String all = note == null ? notes : notes == null ? note : notes + "; " + note;
    return new SourceRun(sourceKind, sourcePath, files, billingPeriodStart, rowsIn, rowsOut, rowsQuarantined, inputTotal,
        outputTotal, quarantinedTotal, unparsableAmountRows, originsAllocated, allocation, rowsWritten, all);
  }

  /**
   * A split cost allocation: {@code rowsIn} origin charges became {@code rowsOut} allocated rows; reconciled when
   * every origin charge was allocated and the totals are equal.
   */
  static SourceRun allocation(String sourceKind, String sourcePath, List<String> files, Timestamp billingPeriodStart,
      long origins, long allocatedRows, BigDecimal originTotal, BigDecimal allocatedTotal, long originsAllocated) {
    return new SourceRun(sourceKind, sourcePath, files, billingPeriodStart, origins, allocatedRows, 0, originTotal,
        allocatedTotal, BigDecimal.ZERO.setScale(12), 0, originsAllocated, true, allocatedRows, null);
  }

  boolean reconciled() {
    if (allocation) {
      return originsAllocated == rowsIn && inputTotal.compareTo(outputTotal) == 0;
    }
    return rowsIn == rowsOut + rowsQuarantined && inputTotal.compareTo(outputTotal.add(quarantinedTotal)) == 0;
  }

  /** What pipeline_runs.message says for a successful run of this kind. */
  String note() {
    if (allocation) {
      return "split allocation: " + rowsIn + " origin charge(s), " + originsAllocated + " allocated into "
          + rowsOut + " row(s); input_total = origin charges, output_total = allocated rows" + (notes == null ? "" : "; " + notes);
    }
    String aggregated = rowsWritten == rowsOut ? null : rowsOut + " accepted source record(s) aggregated into "
        + rowsWritten + " FOCUS row(s) (rows_in/out/quarantined count source records, one per record and token type)";
    if (aggregated == null || notes == null) {
      return aggregated == null ? notes : aggregated;
    }
    return aggregated + "; " + notes;
  }
}
