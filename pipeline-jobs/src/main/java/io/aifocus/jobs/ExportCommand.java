package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.FocusColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export the FOCUS table and the analyst summaries for BI tools (DuckDB, pandas, Power BI):",
        "Parquet (the FOCUS table partitioned by billing month, directory billing_period=yyyy-MM) or Arrow IPC",
        "files (one <name>.arrow per table). Existing outputs of the same names are replaced."},
    footer = {"", "Example:", "  aifocus export --out ./bi --format parquet"})
final class ExportCommand implements Callable<Integer> {
  enum Format {
    parquet,
    arrow
  }

  /** Partition column of the Parquet export of the FOCUS table (a directory level, not a FOCUS column). */
  static final String BILLING_PERIOD_PARTITION = "billing_period";

  /** What is exported besides the FOCUS table, when present. */
  static final List<String> SUMMARIES = List.of("v_cost_per_token", "v_daily_spend", "v_gpu_utilization",
      "v_self_hosted_cost_per_token", "v_spend_concentration", "v_cost_per_task", "v_savings_opportunities", Analytics.BUDGET_STATUS, Analytics.ALERTS,
      Analytics.ANOMALIES, Analytics.FORECASTS);

  @Mixin SparkOptions spark;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (local or s3a://).")
  String out;

  @Option(names = "--format", defaultValue = "parquet", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, spark.warehouse);
    if (!warehouse.registerViews().contains(CostAndUsageTable.TABLE_NAME)) {
      throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND, "no " + CostAndUsageTable.TABLE_NAME + " under "
          + spark.warehouse + " (run 'aifocus run' or 'aifocus demo' first, or pass --warehouse)");
    }
    AnalystViews.register(session).notes().forEach(note -> System.err.println("aifocus: note: " + note));
    List<String> written = export(session, out.endsWith("/") ? out.substring(0, out.length() - 1) : out, format);
    written.forEach(System.out::println);
    return 0;
  }

  /** Exports every existing table of {@link #SUMMARIES} and the FOCUS table; returns one line per output. */
  static List<String> export(SparkSession session, String dir, Format format) {
    List<String> names = new ArrayList<>();
    names.add(CostAndUsageTable.TABLE_NAME);
    SUMMARIES.stream().filter(session.catalog()::tableExists).forEach(names::add);
    List<String> lines = new ArrayList<>();
    // BI readers expect the standard Parquet timestamp (INT64 microseconds, UTC), not Spark's legacy INT96
    session.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    for (String name : names) {
      Dataset<Row> table = session.table(name);
      if (format == Format.arrow) {
        String file = dir + "/" + name + ".arrow";
        long rows = ArrowExport.write(table, file);
        lines.add(String.format("%-24s %8d rows  %s", name, rows, file));
        continue;
      }
      String path = dir + "/" + name;
      if (name.equals(CostAndUsageTable.TABLE_NAME)) {
        table.withColumn(BILLING_PERIOD_PARTITION, functions.date_format(functions.col(FocusColumns.BILLING_PERIOD_START), "yyyy-MM"))
            .write().mode(SaveMode.Overwrite).partitionBy(BILLING_PERIOD_PARTITION).parquet(path);
      } else {
        table.coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
      }
      lines.add(String.format("%-24s %8d rows  %s/", name, session.read().parquet(path).count(), path));
    }
    return lines;
  }
}
