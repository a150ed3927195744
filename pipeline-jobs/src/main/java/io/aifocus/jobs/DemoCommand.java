package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
      new String[] {"LLM cost per 1M tokens by model and team (v_cost_per_token)",
          "SELECT model, team, CAST(SUM(total_tokens) AS BIGINT) AS tokens, CAST(SUM(requests) AS BIGINT) AS requests,"
              + " CAST(SUM(total_cost) AS DECIMAL(20,6)) AS cost,"
              + " CAST(SUM(total_cost) * 1000000 / SUM(total_tokens) AS DECIMAL(20,4)) AS cost_per_1m_tokens,"
              + " CAST(SUM(total_cost) / SUM(requests) AS DECIMAL(20,6)) AS cost_per_request"
              + " FROM v_cost_per_token GROUP BY 1, 2 ORDER BY cost DESC"},
      new String[] {"Top 5 customers by LLM spend and their revenue share (v_spend_concentration)",
          "SELECT billing_period, customer, CAST(llm_spend AS DECIMAL(20,6)) AS llm_spend,"
              + " CAST(spend_share * 100 AS DECIMAL(6,2)) AS spend_pct, CAST(revenue AS DECIMAL(20,2)) AS revenue,"
              + " CAST(revenue_share * 100 AS DECIMAL(6,2)) AS revenue_pct FROM v_spend_concentration"
              + " ORDER BY billing_period DESC, llm_spend DESC, customer LIMIT 5"},
      new String[] {"GPU endpoints under 50% utilization (v_gpu_utilization)",
          "SELECT cluster, endpoint, team, CAST(SUM(gpu_hours) AS DECIMAL(20,2)) AS gpu_hours,"
              + " CAST(SUM(idle_gpu_hours) AS DECIMAL(20,2)) AS idle_gpu_hours,"
              + " CAST(SUM(avg_utilization * gpu_hours) / SUM(gpu_hours) AS DECIMAL(6,4)) AS avg_utilization,"
              + " CAST(SUM(idle_cost) AS DECIMAL(20,2)) AS idle_cost FROM v_gpu_utilization WHERE endpoint IS NOT NULL"
              + " GROUP BY 1, 2, 3 HAVING SUM(avg_utilization * gpu_hours) / SUM(gpu_hours) < 0.5 ORDER BY idle_cost DESC"},
      new String[] {"GPU cost and utilization by team (shared GPU clusters; idle = unused capacity)",
          "SELECT cluster, coalesce(team, '(idle)') AS team, CAST(SUM(gpu_hours) AS DECIMAL(20,2)) AS gpu_hours,"
              + " CAST(SUM(idle_gpu_hours) AS DECIMAL(20,2)) AS idle_gpu_hours,"
              + " CAST(SUM(gpu_hours * avg_utilization) / NULLIF(SUM(gpu_hours), 0) AS DECIMAL(5,3)) AS avg_utilization,"
              + " CAST(SUM(allocated_cost) AS DECIMAL(20,2)) AS allocated_cost, CAST(SUM(idle_cost) AS DECIMAL(20,2)) AS idle_cost"
              + " FROM gpu_utilization GROUP BY 1, 2 ORDER BY allocated_cost DESC, team"},
      new String[] {"Self-hosted vs API cost per 1M tokens, same model family (v_self_hosted_cost_per_token)",
          "SELECT billing_period, cluster, model, CAST(total_tokens AS BIGINT) AS tokens, CAST(gpu_cost AS DECIMAL(20,2)) AS gpu_cost,"
              + " CAST(self_hosted_cost_per_1m AS DECIMAL(20,4)) AS self_hosted_per_1m, api_provider,"
              + " CAST(api_list_cost_per_1m AS DECIMAL(20,4)) AS api_list_per_1m,"
              + " CAST(api_billed_cost_per_1m AS DECIMAL(20,4)) AS api_billed_per_1m"
              + " FROM v_self_hosted_cost_per_token ORDER BY billing_period, cluster, model"},
      new String[] {"Budgets (budget_status)",
          "SELECT budget, scope, match, period, period_start, CAST(amount AS DECIMAL(20,2)) AS amount,"
              + " CAST(actual_cost AS DECIMAL(20,2)) AS actual, actual_pct, CAST(forecast_cost AS DECIMAL(20,2)) AS forecast,"
              + " threshold_crossed, cap_exceeded FROM budget_status ORDER BY budget"},
      new String[] {"Anomalies found (anomalies)",
          "SELECT day, dimension, coalesce(endpoint, concat(team, ' / ', model)) AS series,"
              + " CAST(actual_cost AS DECIMAL(20,2)) AS actual, CAST(expected_cost AS DECIMAL(20,2)) AS expected, ratio"
              + " FROM anomalies ORDER BY day, dimension, series"},
      new String[] {"Month-end forecast by team and model (forecasts, top 8)",
          "SELECT team, model, currency, CAST(actual_to_date AS DECIMAL(20,2)) AS to_date,"
              + " CAST(forecast_month_end AS DECIMAL(20,2)) AS month_end, CAST(lower_80 AS DECIMAL(20,2)) AS low_80,"
              + " CAST(upper_80 AS DECIMAL(20,2)) AS high_80 FROM forecasts ORDER BY forecast_month_end DESC LIMIT 8"},
      new String[] {"Savings opportunities (v_savings_opportunities)",
          "SELECT kind, status, team, model, alternative, CAST(baseline_cost AS DECIMAL(20,6)) AS baseline,"
              + " CAST(lever_cost AS DECIMAL(20,6)) AS with_lever, CAST(savings AS DECIMAL(20,6)) AS savings"
              + " FROM v_savings_opportunities ORDER BY savings DESC LIMIT 10"});

  @Override
  public Integer call() {
    Path config = demoConfig();
    JobConfig base = JobConfig.fromYaml(config);
    JobConfig job = base.withWarehouse(spark.warehouse);
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, job.warehouse());
    Progress progress = new Progress(System.err, spark.quiet);
    // the demo always runs the whole pipeline, even over a warehouse an identical demo run left (no unchanged skip)
    PipelineRunner.Result result = new PipelineRunner(session, warehouse, progress).rewriteUnchanged(true).run(job);

    System.out.println();
    System.out.println("== aifocus demo: run " + result.runId() + " into " + warehouse.root());
    System.out.println();
    System.out.println("Per source and billing period (input = output + quarantined):");
    Analytics.afterRun(session, warehouse, Optional.of(config), job, result.runId());
    List<String> views = AnalystViews.register(session).registered();
    TablePrinter.print(session.sql(
        "SELECT source_kind, date_format(billing_period_start, 'yyyy-MM') AS billing_period, rows_in, rows_out,"
            + " rows_quarantined, rows_written, input_total, output_total, quarantined_total, reconciled FROM pipeline_runs"
            + " WHERE run_id = '" + result.runId() + "' ORDER BY source_kind, billing_period"),
        TablePrinter.Format.table, 0, System.out);
    System.out.println();
    System.out.println("Tables written (Delta):");
    for (String table : new java.util.LinkedHashSet<>(concat(Warehouse.TABLES, Analytics.TABLES))) {
      if (warehouse.exists(table)) {
        long rows = warehouse.read(table).count();
        System.out.printf("  %-22s %8d rows  %s%n", table, rows, warehouse.path(table));
      }
    }
    System.out.println("  focus_cost_and_usage is partitioned by x_Team, x_Model.");
    for (String[] query : QUERIES) {
      if (query[1].contains(" FROM v_") && views.stream().noneMatch(v -> query[1].contains(" FROM " + v + " "))) {
        System.out.println();
        System.out.println("-- " + query[0] + ": skipped, its table does not exist in the warehouse yet");
        continue;
      }
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

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
