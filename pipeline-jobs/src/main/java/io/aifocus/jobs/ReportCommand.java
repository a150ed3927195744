package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.schema.CostAndUsageTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write a self-contained static HTML report (inline SVG charts, no scripts, no external files)",
        "from the warehouse: spend by team and model per month, cost per 1M tokens by model, GPU utilization",
        "heatmap, budget status, anomalies, month-end forecasts, savings opportunities."},
    footer = {"", "Example:", "  aifocus report --out report.html"})
final class ReportCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write.")
  Path out;

  private static final int BAR_WIDTH = 520;

  @Override
  public Integer call() throws IOException {
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, spark.warehouse);
    if (!warehouse.registerViews().contains(CostAndUsageTable.TABLE_NAME)) {
      throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND, "no " + CostAndUsageTable.TABLE_NAME + " under "
          + spark.warehouse + " (run 'aifocus run' or 'aifocus demo' first, or pass --warehouse)");
    }
    AnalystViews.register(session);
    Files.writeString(out, html(session), StandardCharsets.UTF_8);
    System.out.println("report written to " + out.toAbsolutePath());
    return 0;
  }

  static String html(SparkSession s) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>aifocus report</title>\n<style>")
        .append("body{font-family:sans-serif;margin:2em;color:#222}h2{margin-top:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}td.n{text-align:right}")
        .append("svg text{font-size:12px}</style></head><body>\n<h1>aifocus report</h1>\n");
    if (exists(s, Analytics.FORECASTS)) {
      // every row carries the same as-of day (a MAX over the Delta table would take a metadata-only path that
      // fails on java.time dates in Delta 4.4)
      List<Row> asOf = s.sql("SELECT CAST(as_of AS STRING) FROM " + Analytics.FORECASTS + " LIMIT 1").collectAsList();
      if (!asOf.isEmpty()) {
        h.append("<p>Data as of <b>").append(esc(asOf.get(0).getString(0))).append("</b> (latest usage day).</p>\n");
      }
    }
    h.append("<h2>Spend by team and model, per billing month (effective cost)</h2>\n");
    List<Row> months = s.sql("SELECT date_format(day, 'yyyy-MM') AS month, concat(team, ' / ', model, ' (', currency, ')'),"
        + " SUM(effective_cost) AS cost FROM v_daily_spend GROUP BY 1, 2 HAVING SUM(effective_cost) <> 0"
        + " ORDER BY 1 DESC, 3 DESC").collectAsList();
    String current = null;
    List<Row> group = new ArrayList<>();
    for (Row r : months) {
      if (!r.getString(0).equals(current)) {
        if (current != null) {
          h.append("<h3>").append(esc(current)).append("</h3>").append(bars(group, 12));
        }
        current = r.getString(0);
        group = new ArrayList<>();
      }
      group.add(r);
    }
    if (current != null) {
      h.append("<h3>").append(esc(current)).append("</h3>").append(bars(group, 12));
    }
    h.append("<h2>LLM cost per 1M tokens by model</h2>\n");
    h.append(bars(s.sql("SELECT '', concat(provider, ' / ', model, ' (', currency, ')'),"
        + " SUM(total_cost) * 1000000 / SUM(total_tokens) FROM v_cost_per_token GROUP BY 2 ORDER BY 3 DESC").collectAsList(), 20));
    h.append("<h2>GPU utilization by endpoint and hour</h2>\n");
    if (exists(s, "v_gpu_utilization")) {
      h.append(heatmap(s.sql("SELECT coalesce(endpoint, '(idle)'), date_format(hour_start, 'MM-dd HH'),"
          + " SUM(avg_utilization * gpu_hours) / SUM(gpu_hours) FROM v_gpu_utilization GROUP BY 1, 2 ORDER BY 1, 2")
          .collectAsList()));
    } else {
      h.append("<p>No <code>gpu_utilization</code> table in the warehouse yet.</p>\n");
    }
    h.append("<h2>Self-hosted LLM cost per 1M tokens</h2>\n");
    if (exists(s, "v_self_hosted_cost_per_token")) {
      h.append(table(s.sql("SELECT billing_period, cluster, model, currency, total_tokens AS tokens,"
          + " CAST(gpu_cost AS DECIMAL(20,2)) AS gpu_cost, self_hosted_cost_per_1m, api_provider, api_list_cost_per_1m,"
          + " api_billed_cost_per_1m FROM v_self_hosted_cost_per_token ORDER BY billing_period, cluster, model, currency")));
    } else {
      h.append("<p>No <code>inference_tokens</code> table: no GPU cluster with <code>vllm-metrics</code> (docs/sources/vllm-metrics.md).</p>\n");
    }
    h.append("<h2>Credit burn-down (closing balance per day, grant's unit)</h2>\n");
    if (exists(s, CreditsRun.LEDGER_TABLE)) {
      // the latest projection there is (none on days without burn in the trailing window), with its day
      List<Row> grants = s.sql("SELECT grant_id, unit, CAST(max_by(projected_exhaustion_date, CASE WHEN"
          + " projected_exhaustion_date IS NOT NULL THEN day END) AS STRING), CAST(max(CASE WHEN"
          + " projected_exhaustion_date IS NOT NULL THEN day END) AS STRING)"
          + " FROM " + CreditsRun.LEDGER_TABLE + " GROUP BY 1, 2 ORDER BY 1").collectAsList();
      for (Row g : grants) {
        h.append("<h3>").append(esc(g.getString(0))).append(" (").append(esc(g.getString(1))).append(")")
            .append(g.isNullAt(2) ? "" : ", projected exhaustion " + esc(g.getString(2)) + " (as of " + esc(g.getString(3)) + ")")
            .append("</h3>")
            .append(bars(s.sql("SELECT '', CAST(day AS STRING), closing_balance FROM " + CreditsRun.LEDGER_TABLE
                + " WHERE grant_id = '" + g.getString(0).replace("'", "''") + "' ORDER BY day").collectAsList(), 62));
      }
    } else {
      h.append("<p>No <code>credit_ledger</code> table: no prepaid grants configured (docs/credits.md).</p>\n");
    }
    if (exists(s, Analytics.BUDGET_STATUS)) {
      h.append("<h2>Budget status</h2>\n").append(table(s.sql("SELECT budget, scope, match, period, period_start,"
          + " CAST(amount AS DECIMAL(20,2)) AS amount, CAST(actual_cost AS DECIMAL(20,2)) AS actual, actual_pct,"
          + " CAST(forecast_cost AS DECIMAL(20,2)) AS forecast, threshold_crossed, cap_exceeded FROM budget_status"
          + " ORDER BY budget")));
    }
    if (exists(s, Analytics.ANOMALIES)) {
      h.append("<h2>Anomalies</h2>\n").append(table(s.sql("SELECT day, dimension, coalesce(endpoint, concat(team, ' / ', model))"
          + " AS series, CAST(actual_cost AS DECIMAL(20,2)) AS actual, CAST(expected_cost AS DECIMAL(20,2)) AS expected,"
          + " ratio, reason FROM anomalies ORDER BY day DESC")));
    }
    if (exists(s, Analytics.FORECASTS)) {
      h.append("<h2>Month-end forecast (80% interval)</h2>\n").append(table(s.sql("SELECT team, model, currency,"
          + " CAST(actual_to_date AS DECIMAL(20,2)) AS to_date, CAST(forecast_month_end AS DECIMAL(20,2)) AS month_end,"
          + " CAST(lower_80 AS DECIMAL(20,2)) AS low, CAST(upper_80 AS DECIMAL(20,2)) AS high FROM forecasts"
          + " ORDER BY forecast_month_end DESC LIMIT 20")));
    }
    if (exists(s, "v_savings_opportunities")) {
      h.append("<h2>Savings opportunities</h2>\n").append(table(s.sql("SELECT kind, status, team, model, alternative,"
          + " currency, CAST(savings AS DECIMAL(20,6)) AS savings FROM v_savings_opportunities ORDER BY savings DESC LIMIT 20")));
    }
    return h.append("</body></html>\n").toString();
  }

  private static boolean exists(SparkSession s, String name) {
    return s.catalog().tableExists(name);
  }

  /** Horizontal bars of (_, label, value) rows, the longest BAR_WIDTH px; negative values drawn as 0 wide. */
  static String bars(List<Row> rows, int max) {
    List<Row> shown = rows.subList(0, Math.min(max, rows.size()));
    BigDecimal top = BigDecimal.ZERO;
    for (Row r : shown) {
      top = r.isNullAt(2) ? top : top.max(((BigDecimal) r.get(2)).abs());
    }
    int rowHeight = 20;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">", 320 + BAR_WIDTH + 120,
        rowHeight * shown.size() + 4));
    for (int i = 0; i < shown.size(); i++) {
      Row r = shown.get(i);
      BigDecimal v = r.isNullAt(2) ? BigDecimal.ZERO : (BigDecimal) r.get(2);
      int w = top.signum() == 0 || v.signum() <= 0 ? 0
          : v.multiply(BigDecimal.valueOf(BAR_WIDTH)).divide(top, 0, RoundingMode.HALF_UP).intValue();
      int y = i * rowHeight + 2;
      svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", y + 14, esc(r.getString(1))))
          .append(String.format(Locale.ROOT, "<rect x=\"320\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#4a7fb5\"/>", y, w))
          .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", 324 + w, y + 14,
              v.setScale(v.abs().compareTo(BigDecimal.ONE) < 0 ? 6 : 2, RoundingMode.HALF_UP).toPlainString()));
    }
    return svg.append("</svg>\n").toString();
  }

  /** A heatmap of (row label, column label, ratio 0..1) cells: darker red = lower utilization. */
  static String heatmap(List<Row> cells) {
    List<String> rowsLabels = cells.stream().map(r -> r.getString(0)).distinct().toList();
    List<String> cols = cells.stream().map(r -> r.getString(1)).distinct().sorted().toList();
    int cw = 64;
    int ch = 20;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">", 200 + cw * cols.size(),
        ch * (rowsLabels.size() + 1) + 4));
    for (int c = 0; c < cols.size(); c++) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"14\">%s</text>", 200 + c * cw, esc(cols.get(c))));
    }
    for (Row r : cells) {
      int y = ch * (rowsLabels.indexOf(r.getString(0)) + 1);
      int x = 200 + cw * cols.indexOf(r.getString(1));
      BigDecimal u = r.isNullAt(2) ? BigDecimal.ZERO : (BigDecimal) r.get(2);
      int pct = u.multiply(BigDecimal.valueOf(100)).setScale(0, RoundingMode.HALF_UP).intValue();
      int red = 255;
      int green = Math.max(0, Math.min(255, pct * 255 / 100));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,90)\"><title>%s %s: %d%%</title></rect>",
          x, y, cw - 2, ch - 2, red, green, esc(r.getString(0)), esc(r.getString(1)), pct))
          .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d%%</text>", x + 4, y + 14, pct));
    }
    for (int i = 0; i < rowsLabels.size(); i++) {
      svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", ch * (i + 1) + 14, esc(rowsLabels.get(i))));
    }
    return svg.append("</svg>\n").toString();
  }

  private static String table(org.apache.spark.sql.Dataset<Row> result) {
    StringBuilder t = new StringBuilder("<table><tr>");
    for (String c : result.columns()) {
      t.append("<th>").append(esc(c)).append("</th>");
    }
    t.append("</tr>\n");
    for (Row r : result.collectAsList()) {
      t.append("<tr>");
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        t.append(v instanceof Number ? "<td class=\"n\">" : "<td>").append(esc(v == null ? "" : TablePrinter.cell(v))).append("</td>");
      }
      t.append("</tr>\n");
    }
    return t.append("</table>\n").toString();
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
