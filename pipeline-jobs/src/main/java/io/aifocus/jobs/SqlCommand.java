package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run Spark SQL with every aifocus table registered by name",
        "(focus_cost_and_usage, quarantine, pipeline_runs, the analytics tables) and the analyst views",
        "(v_cost_per_token, v_daily_spend, v_gpu_utilization, v_spend_concentration, v_cost_per_task,",
        "v_savings_opportunities, v_self_hosted_cost_per_token; docs/analytics.md).",
        "Decimal arithmetic is exact: a result that does not fit DECIMAL(38) fails instead of being",
        "rounded (spark.sql.decimalOperations.allowPrecisionLoss=false unless set with -D)."},
    footer = {"", "Example:",
        "  aifocus sql \"SELECT x_Team, x_Model, SUM(BilledCost) FROM focus_cost_and_usage GROUP BY 1, 2\""})
final class SqlCommand implements Callable<Integer> {
  static final String PRECISION_LOSS = "spark.sql.decimalOperations.allowPrecisionLoss";

  @Mixin SparkOptions spark;

  static final class Query {
    @Parameters(paramLabel = "QUERY", description = "The SQL statement.") String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the SQL statement from FILE.") Path file;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") Query query;

  @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  TablePrinter.Format format;

  @Option(names = "--max-rows", defaultValue = "1000", description = "At most this many rows (0 = all; default ${DEFAULT-VALUE}).")
  int maxRows;

  @Override
  public Integer call() throws IOException {
    String sql = query.text != null ? query.text : Files.readString(query.file);
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, spark.warehouse);
    if (warehouse.registerViews().isEmpty()) {
      throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND,
          "no aifocus tables under " + spark.warehouse + " (run 'aifocus run' or 'aifocus demo' first, or pass --warehouse)");
    }
    AnalystViews.register(session).notes().forEach(note -> System.err.println("aifocus: note: " + note));
    // Spark's default rounds decimal results to 6 digits whenever precision would exceed 38 (a per-token price
    // divided by a DECIMAL(38,12) keeps 6 decimals; a sum of two DECIMAL(38,18) ratios becomes DECIMAL(38,17)).
    // Analyst queries on money get exact types instead; ANSI mode makes a true overflow an error, never a silent null.
    String previous = session.conf().get(PRECISION_LOSS, null);
    if (!new SparkConf(true).contains(PRECISION_LOSS)) {
      session.conf().set(PRECISION_LOSS, "false");
    }
    try {
      TablePrinter.print(session.sql(sql), format, maxRows, System.out);
    } finally {
      if (previous == null) {
        session.conf().unset(PRECISION_LOSS);
      } else {
        session.conf().set(PRECISION_LOSS, previous);
      }
    }
    return 0;
  }
}
