package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;

import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import java.util.List;
import java.util.Set;

/**
 * What a warehouse holds, as sorted JSON lines per table, without what differs between two runs of the
 * same input (run ids, ingestion times, directories of the input files), so two warehouses can be compared.
 */
record TableContents(List<String> focus, List<String> quarantine, List<String> runs) {
  /** Every row of focus and quarantine; the pipeline_runs rows of {@code runId} (all runs when null). */
  static TableContents of(Warehouse warehouse, String runId) {
    List<String> focus = GoldenFiles.lines(warehouse.read(CostAndUsageTable.TABLE_NAME),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE));
    List<String> quarantine = warehouse.exists(QuarantineTable.TABLE_NAME)
        ? GoldenFiles.lines(warehouse.read(QuarantineTable.TABLE_NAME),
            Set.of(QuarantineTable.RUN_ID, QuarantineTable.QUARANTINED_AT), Set.of(QuarantineTable.SOURCE_FILE))
        : List.of();
    var runs = warehouse.read(PipelineRunsTable.TABLE_NAME);
    if (runId != null) {
      runs = runs.where(col(PipelineRunsTable.RUN_ID).equalTo(runId));
    }
    List<String> runLines = GoldenFiles.lines(runs.select(PipelineRunsTable.SOURCE_KIND,
            PipelineRunsTable.BILLING_PERIOD_START, PipelineRunsTable.ROWS_IN, PipelineRunsTable.ROWS_OUT,
            PipelineRunsTable.ROWS_QUARANTINED, PipelineRunsTable.INPUT_TOTAL, PipelineRunsTable.OUTPUT_TOTAL,
            PipelineRunsTable.QUARANTINED_TOTAL, PipelineRunsTable.RECONCILED, PipelineRunsTable.STATUS),
        Set.of(), Set.of());
    return new TableContents(focus, quarantine, runLines);
  }
}
