package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on sample-data/ (as declared in sample-data/demo.yaml) into the",
        "warehouse (default ./warehouse), then print what was written and a few analyst queries."})
final class DemoCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  /** Analyst questions the demo answers, each a plain SQL query over the tables. */
  static final List<String[]> QUERIES = List.of(
      new String[] {"Spend by team and model (billed vs amortized)",
          "SELECT x_Team AS team, x_Model AS model, CAST(SUM(BilledCost) AS DECIMAL(20,2)) AS billed_cost,"
              + " CAST(SUM(EffectiveCost) AS DECIMAL(20,2)) AS effective_cost, COUNT(*) AS line_items"
              + " FROM focus_cost_and_usage GROUP BY 1, 2 ORDER BY billed_cost DESC"},
      new String[] {"Top services by billed cost",
          "SELECT ServiceProviderName AS provider, ServiceCategory AS category, ServiceName AS service,"
              + " CAST(SUM(BilledCost) AS DECIMAL(20,4)) AS billed_cost FROM focus_cost_and_usage"
              + " GROUP BY 1, 2, 3 ORDER BY billed_cost DESC LIMIT 8"},
      new String[] {"Monthly spend by charge category and billing currency",
          "SELECT date_format(BillingPeriodStart, 'yyyy-MM') AS billing_period, ChargeCategory AS charge_category,"
              + " BillingCurrency AS currency, CAST(SUM(BilledCost) AS DECIMAL(20,2)) AS billed_cost,"
              + " CAST(SUM(EffectiveCost) AS DECIMAL(20,2)) AS effective_cost"
              + " FROM focus_cost_and_usage GROUP BY 1, 2, 3 ORDER BY 1, 2"},
      new String[] {"LLM cost per 1M tokens by model and team",
          "SELECT x_Model AS model, x_Team AS team, CAST(SUM(ConsumedQuantity) AS BIGINT) AS tokens,"
              + " CAST(SUM(x_Requests) AS BIGINT) AS requests, CAST(SUM(BilledCost) AS DECIMAL(20,6)) AS billed_cost,"
              + " CAST(SUM(BilledCost) * 1000000 / SUM(ConsumedQuantity) AS DECIMAL(20,4)) AS cost_per_1m_tokens"
              + " FROM focus_cost_and_usage WHERE ConsumedUnit = 'Tokens' GROUP BY 1, 2 ORDER BY billed_cost DESC"},
      new String[] {"Top customers by LLM spend",
          "SELECT x_Customer AS customer, CAST(SUM(BilledCost) AS DECIMAL(20,6)) AS billed_cost,"
              + " CAST(SUM(x_Requests) AS BIGINT) AS requests, CAST(SUM(ConsumedQuantity) AS BIGINT) AS tokens"
              + " FROM focus_cost_and_usage WHERE x_Customer IS NOT NULL GROUP BY 1 ORDER BY billed_cost DESC LIMIT 10"});

  @Override
  public Integer call() {
    Path config = demoConfig();
    JobConfig base = JobConfig.fromYaml(config);
    JobConfig job = base.withWarehouse(spark.warehouse);
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, job.warehouse());
    Progress progress = new Progress(System.err, spark.quiet);
    PipelineRunner.Result result = new PipelineRunner(session, warehouse, progress).run(job);

    System.out.println();
    System.out.println("== aifocus demo: run " + result.runId() + " into " + warehouse.root());
    System.out.println();
    System.out.println("Per source and billing period (input = output + quarantined):");
    warehouse.registerViews();
    TablePrinter.print(session.sql(
        "SELECT source_kind, date_format(billing_period_start, 'yyyy-MM') AS billing_period, rows_in, rows_out,"
            + " rows_quarantined, input_total, output_total, quarantined_total, reconciled FROM pipeline_runs"
            + " WHERE run_id = '" + result.runId() + "' ORDER BY source_kind, billing_period"),
        TablePrinter.Format.table, 0, System.out);
    System.out.println();
    System.out.println("Tables written (Delta):");
    for (String table : Warehouse.TABLES) {
      if (warehouse.exists(table)) {
        long rows = warehouse.read(table).count();
        System.out.printf("  %-22s %8d rows  %s%n", table, rows, warehouse.path(table));
      }
    }
    System.out.println("  focus_cost_and_usage is partitioned by x_Team, x_Model.");
    for (String[] query : QUERIES) {
      System.out.println();
      System.out.println("-- " + query[0]);
      System.out.println(query[1]);
      TablePrinter.print(session.sql(query[1]), TablePrinter.Format.table, 20, System.out);
    }
    printCreditLedger(session, warehouse);
    System.out.println();
    System.out.println("Next: bin/aifocus sql --warehouse " + warehouse.root() + " \"SELECT ...\"   |   bin/aifocus validate --warehouse "
        + warehouse.root());
    return 0;
  }

  /** The credit burn-down query: the days a grant burned, and the last day, with the exhaustion forecast. */
  static final String CREDIT_LEDGER_QUERY =
      "SELECT grant_id, day, unit, opening_balance, burned, expired, closing_balance,"
          + " CAST(burned_billing_currency AS DECIMAL(20,6)) AS burned_usd, projected_exhaustion_date,"
          + " runs_out_before_term, expires_unused FROM credit_ledger l"
          + " WHERE burned > 0 OR expired > 0 OR day = (SELECT max(day) FROM credit_ledger m WHERE m.grant_id = l.grant_id)"
          + " ORDER BY grant_id, day";

  private static void printCreditLedger(SparkSession session, Warehouse warehouse) {
    if (!warehouse.exists(CreditsRun.LEDGER_TABLE)) {
      return;
    }
    System.out.println();
    System.out.println("-- Prepaid credits burning down, with the forecast exhaustion date (trailing 7-day burn rate)");
    System.out.println(CREDIT_LEDGER_QUERY);
    TablePrinter.print(session.sql(CREDIT_LEDGER_QUERY), TablePrinter.Format.table, 20, System.out);
  }

  /** sample-data/demo.yaml under $AIFOCUS_HOME (set by bin/aifocus) or the current directory or a parent. */
  static Path demoConfig() {
    String home = System.getenv("AIFOCUS_HOME");
    Path dir = home != null ? Path.of(home).toAbsolutePath() : Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolve("sample-data").resolve("demo.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
        "cannot find sample-data/demo.yaml (run the demo from the aifocus checkout or set AIFOCUS_HOME)");
  }
}
