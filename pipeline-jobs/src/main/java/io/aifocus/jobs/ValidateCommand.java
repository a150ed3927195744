package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.jobs.validate.Applicability;
import io.aifocus.jobs.validate.ConformanceEngine;
import io.aifocus.jobs.validate.FocusFiles;
import io.aifocus.jobs.validate.ModelFixes;
import io.aifocus.jobs.validate.RequirementsModel;
import io.aifocus.jobs.validate.ValidationReport;
import io.aifocus.schema.CostAndUsageTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"FOCUS conformance: runs the FOCUS requirements model (every Static rule, as Spark SQL) over",
        "focus_cost_and_usage in the warehouse, or over any FOCUS CSV/Parquet file given with --input.",
        "Exits 1 when a mandatory (MUST) applicable rule fails. See docs/validation.md."})
final class ValidateCommand implements Callable<Integer> {
  enum Format {
    table,
    json,
    junit
  }

  @Mixin SparkOptions spark;

  @Option(names = "--input", paramLabel = "FILE",
      description = "Validate this FOCUS file (CSV, CSV.gz or Parquet) directly instead of the warehouse table.")
  String input;

  @Option(names = "--dataset", defaultValue = "CostAndUsage",
      description = "FOCUS dataset of the input: CostAndUsage or ContractCommitment (1.3). Default: ${DEFAULT-VALUE}.")
  String dataset;

  @Option(names = "--focus-version", defaultValue = "1.3",
      description = "FOCUS version whose requirements model is used: 1.2 or 1.3. Default: ${DEFAULT-VALUE}.")
  String focusVersion;

  @Option(names = "--applicability", paramLabel = "CRITERIA",
      description = "Applicability criteria the data generator declares: ALL, NONE, AIFOCUS or a comma-separated list"
          + " (default: AIFOCUS for the warehouse, ALL for --input).")
  String applicability;

  @Option(names = "--format", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write the report as JUnit XML to FILE.")
  Path junitFile;

  @Option(names = "--all", description = "List passed and skipped rules too (table format; default: only failed ones).")
  boolean all;

  @Override
  public Integer call() {
    RequirementsModel model = RequirementsModel.load(focusVersion);
    String profile = applicability != null ? applicability : input == null ? "AIFOCUS" : "ALL";
    Set<String> declared = Applicability.parse(profile, model);
    Map<String, String> waivers = profile.strip().equalsIgnoreCase("AIFOCUS") ? ModelFixes.aifocusWaivers() : Map.of();
    SparkSession session = SparkSessions.create(spark.master);
    Dataset<Row> data;
    String subject;
    if (input != null) {
      data = FocusFiles.read(session, input);
      subject = input;
    } else {
      Warehouse warehouse = new Warehouse(session, spark.warehouse);
      String table = warehouseTable(dataset);
      if (!warehouse.exists(table)) {
        throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND, warehouse.path(table)
            + " is not a Delta table (run 'aifocus run' or 'aifocus demo' first)");
      }
      data = warehouse.read(table);
      subject = warehouse.path(table);
    }
    ConformanceEngine engine = new ConformanceEngine(model, dataset, declared, input != null && FocusFiles.isText(input),
        waivers);
    ValidationReport report = new ValidationReport(subject, model.focusVersion(), model.modelVersion(), dataset,
        engine.run(data));
    switch (format) {
      case table -> System.out.print(report.table(all));
      case json -> System.out.println(report.json());
      case junit -> System.out.print(report.junit());
    }
    if (junitFile != null) {
      try {
        Files.writeString(junitFile, report.junit(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + junitFile, e);
      }
    }
    return report.mandatoryFailures() == 0 ? 0 : AifocusCli.EXIT_FAILED;
  }

  /** The warehouse table holding a FOCUS dataset. */
  static String warehouseTable(String dataset) {
    return "ContractCommitment".equals(dataset) ? CreditsRun.CONTRACT_COMMITMENT_TABLE : CostAndUsageTable.TABLE_NAME;
  }
}
