package io.aifocus.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.schema.CostAndUsageTable;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"FOCUS 1.3 conformance report for focus_cost_and_usage: column presence, data types,",
        "nullability and allowed values. Exits 1 when a mandatory rule fails."})
final class ValidateCommand implements Callable<Integer> {
  enum Format {
    table,
    json
  }

  @Mixin SparkOptions spark;

  @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--all", description = "List passed rules too (default: only failed and skipped ones).")
  boolean all;

  @Override
  public Integer call() {
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, spark.warehouse);
    if (!warehouse.exists(CostAndUsageTable.TABLE_NAME)) {
      throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND,
          warehouse.path(CostAndUsageTable.TABLE_NAME) + " is not a Delta table (run 'aifocus run' or 'aifocus demo' first)");
    }
    List<ConformanceCheck.Outcome> outcomes = ConformanceCheck.run(warehouse.read(CostAndUsageTable.TABLE_NAME));
    long failed = outcomes.stream().filter(o -> o.mandatory() && o.status() == ConformanceCheck.Status.failed).count();
    long passed = outcomes.stream().filter(o -> o.status() == ConformanceCheck.Status.passed).count();
    long skipped = outcomes.stream().filter(o -> o.status() == ConformanceCheck.Status.skipped).count();
    if (format == Format.json) {
      ObjectMapper mapper = new ObjectMapper();
      ArrayNode array = mapper.createArrayNode();
      for (ConformanceCheck.Outcome o : outcomes) {
        ObjectNode node = array.addObject();
        node.put("rule_id", o.ruleId());
        node.put("column", o.column());
        node.put("check", o.check());
        node.put("mandatory", o.mandatory());
        node.put("status", o.status().name());
        node.put("violations", o.violations());
        node.put("detail", o.detail());
      }
      System.out.println(array.toPrettyString());
    } else {
      System.out.printf("FOCUS 1.3 conformance of %s%n", warehouse.path(CostAndUsageTable.TABLE_NAME));
      for (ConformanceCheck.Outcome o : outcomes) {
        if (all || o.status() != ConformanceCheck.Status.passed) {
          System.out.printf("  %-7s %-48s %8d  %s%n", o.status().name().toUpperCase(java.util.Locale.ROOT), o.ruleId(),
              o.violations(), o.detail());
        }
      }
      System.out.printf("%d rules: %d passed, %d failed, %d skipped%n", outcomes.size(), passed, failed, skipped);
    }
    return failed == 0 ? 0 : AifocusCli.EXIT_FAILED;
  }
}
