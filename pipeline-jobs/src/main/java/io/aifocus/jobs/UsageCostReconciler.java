package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.allocate.BilledCostDistribution;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The precedence steps of a run (docs/reconciliation.md). Steps 1 and 2 (opt-in {@value #SAME_TRAFFIC_OPTION}) work
 * on the rows this run wrote. Step 3: when the warehouse holds both usage rows ({@link #USAGE_KINDS}) and provider
 * cost rows ({@link #COST_KINDS}) for a provider (ServiceProviderName), UTC charge day and currency this run wrote
 * rows for, the cost rows' billed amount is the truth: it is distributed over the usage rows of any run with
 * {@link BilledCostDistribution} (penny-exact), and the cost rows of that key are superseded (moved to
 * focus_superseded), so the spend is counted once ({@link CrossRunCostReports}). One pipeline_runs row per key
 * records priced usage, billed amount and drift. Keys with only usage or only cost rows are left as written.
 */
final class UsageCostReconciler {
  /** Sources whose rows carry tokens and attribution (priced usage). */
  static final Set<SourceKind> USAGE_KINDS =
      EnumSet.of(SourceKind.GATEWAY_LOG, SourceKind.OPENAI_USAGE, SourceKind.ANTHROPIC_USAGE, SourceKind.LITELLM_SPEND);
  /** Provider usage exports: the provider's own count of the traffic a gateway log may also hold. */
  static final Set<SourceKind> EXPORT_KINDS = EnumSet.of(SourceKind.OPENAI_USAGE, SourceKind.ANTHROPIC_USAGE);
  /** source_kind of the pipeline_runs rows of gateway rows reconciled against a provider usage export. */
  static final String GATEWAY_EXPORT_KIND = "gateway-usage-export";
  /** source_kind of the pipeline_runs rows of gateway Bedrock rows reconciled against the CUR's Bedrock lines. */
  static final String GATEWAY_CUR_KIND = "gateway-cur-bedrock";
  /** x_ServiceCode of gateway rows of Bedrock (the OpenTelemetry provider id) and of the CUR's Bedrock lines. */
  static final String GATEWAY_BEDROCK = "aws.bedrock";
  static final String CUR_BEDROCK = "AmazonBedrock";
  /** The provider key of the Bedrock step (one key per day and currency: CUR usage types do not name model ids). */
  static final String BEDROCK_KEY = "AWS Bedrock";
  /**
   * Option of a gateway-log source: the sources of the run that count the same traffic as the gateway log
   * (comma-separated kinds among {@link #EXPORT_KINDS} and aws-cur). Without it both are kept: a gateway often sees
   * only part of an organization's traffic, and only the user knows whether it is the same spend.
   */
  static final String SAME_TRAFFIC_OPTION = "same-traffic-as";

  /** The kinds the run's gateway-log sources declared as the same traffic ({@link #SAME_TRAFFIC_OPTION}). */
  static Set<SourceKind> sameTraffic(List<SourceSpec> specs) {
    Set<SourceKind> out = EnumSet.noneOf(SourceKind.class);
    for (SourceSpec spec : specs) {
      String declared = spec.option(SAME_TRAFFIC_OPTION, "").trim();
      if (declared.isEmpty()) {
        continue;
      }
      if (spec.kind() != SourceKind.GATEWAY_LOG) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "source " + spec.kind().id() + "=" + spec.path()
            + ": option " + SAME_TRAFFIC_OPTION + " applies to gateway-log sources only");
      }
      for (String id : declared.split(",")) {
        SourceKind kind = SourceKind.fromId(id.trim());
        if (!EXPORT_KINDS.contains(kind) && kind != SourceKind.AWS_CUR) {
          throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "source gateway-log=" + spec.path() + ": option "
              + SAME_TRAFFIC_OPTION + " names '" + kind.id() + "'; allowed: " + String.join(", ", ids(EXPORT_KINDS))
              + ", " + SourceKind.AWS_CUR.id());
        }
        out.add(kind);
      }
    }
    return out;
  }

  /** Sources whose rows carry the provider's billed amounts. */
  static final Set<SourceKind> COST_KINDS = EnumSet.of(SourceKind.OPENAI_COSTS, SourceKind.ANTHROPIC_COST);
  /** source_kind of the pipeline_runs rows this step writes. */
  static final String RUNS_KIND = "usage-cost";
  /** Whole cents: the scale of the distributed parts (amounts with more decimals split at their own scale). */
  static final int SCALE = 2;

  /**
   * One reconciled key. drift = priced usage − billed amount. {@code supersededRows}: the overlapping rows whose
   * amount was distributed; {@code removedOfRun}: those of them this run had written to focus_cost_and_usage
   * (what the run-level written-rows check subtracts; rows of earlier runs keep their x_RunId); {@code
   * fromEarlierRuns}: superseded rows read back from {@value CrossRunCostReports#TABLE} (step 3 only).
   */
  record Key(String provider, Instant chargeDay, String currency, BigDecimal pricedUsage, BigDecimal billedAmount,
      BigDecimal distributed, long usageRows, long supersededRows, long removedOfRun, long fromEarlierRuns) {
    BigDecimal drift() {
      return pricedUsage.subtract(billedAmount);
    }

    boolean exact() {
      return distributed.compareTo(billedAmount) == 0;
    }
  }

  /** What the steps did: the reconciled keys and the rows they removed. */
  record Outcome(List<Key> keys) {
    /** Rows of this run (x_RunId) the steps removed from focus_cost_and_usage. */
    long supersededRows() {
      return keys.stream().mapToLong(Key::removedOfRun).sum();
    }
  }

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;

  private FxRates fx = FxRates.NONE;

  UsageCostReconciler(SparkSession spark, Warehouse warehouse, Progress progress) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
  }

  /** The run's FX rates: rewritten rows get their reporting-currency amounts again (docs/config.md). */
  UsageCostReconciler withFx(FxRates rates) {
    this.fx = rates;
    return this;
  }

  /** The rows as written to focus_cost_and_usage: reporting-currency amounts recomputed from the new costs. */
  Dataset<Row> converted(Dataset<Row> rows) {
    return fx.apply(rows);
  }

  /**
   * Reconciles the rows of run {@code runId} whose sources were {@code kinds}, in precedence order
   * (docs/reconciliation.md): gateway rows over the provider's usage export of the same provider, model and
   * day, and gateway Bedrock rows over the CUR's Bedrock usage lines of the day, both only where the gateway-log
   * source declared that those sources count the same traffic ({@code sameTraffic}, option
   * {@value #SAME_TRAFFIC_OPTION}); then the provider's cost report over all usage rows of the provider and day.
   */
  Outcome apply(String runId, Set<SourceKind> kinds, Set<SourceKind> sameTraffic, Instant startedAt) {
    if (!warehouse.exists(CostAndUsageTable.TABLE_NAME)) {
      return new Outcome(List.of());
    }
    List<Key> keys = new ArrayList<>();
    String ofRun = ExtensionColumns.RUN_ID + " = " + PipelineRunner.sqlString(runId) + " AND ";
    String gateway = kindIn(EnumSet.of(SourceKind.GATEWAY_LOG));
    Set<SourceKind> exports = EnumSet.noneOf(SourceKind.class);
    kinds.stream().filter(EXPORT_KINDS::contains).filter(sameTraffic::contains).forEach(exports::add);
    if (kinds.contains(SourceKind.GATEWAY_LOG) && !exports.isEmpty()) {
      Column providerModel = concat_ws(" ", col(FocusColumns.SERVICE_PROVIDER_NAME), col(ExtensionColumns.MODEL));
      keys.addAll(supersede(runId, startedAt, GATEWAY_EXPORT_KIND, "usage export", ofRun + gateway,
          ofRun + kindIn(exports), providerModel, providerModel));
    }
    if (kinds.contains(SourceKind.GATEWAY_LOG) && kinds.contains(SourceKind.AWS_CUR) && sameTraffic.contains(SourceKind.AWS_CUR)) {
      String gatewayBedrock = gateway + " AND " + ExtensionColumns.SERVICE_CODE + " = " + PipelineRunner.sqlString(GATEWAY_BEDROCK);
      String curBedrock = kindIn(EnumSet.of(SourceKind.AWS_CUR)) + " AND " + ExtensionColumns.SERVICE_CODE + " = "
          + PipelineRunner.sqlString(CUR_BEDROCK) + " AND " + FocusColumns.CHARGE_CATEGORY + " = 'Usage'";
      Column bedrock = lit(BEDROCK_KEY);
      keys.addAll(supersede(runId, startedAt, GATEWAY_CUR_KIND, "CUR Bedrock usage", ofRun + gatewayBedrock,
          ofRun + curBedrock, bedrock, bedrock));
    }
    if (kinds.stream().anyMatch(k -> USAGE_KINDS.contains(k) || COST_KINDS.contains(k))) {
      keys.addAll(new CrossRunCostReports(spark, warehouse, progress, this).apply(runId, startedAt));
    }
    return new Outcome(keys);
  }

  /**
   * One precedence step: for every key (provider key, UTC charge day, currency) that has both {@code usageWhere}
   * rows and {@code billedWhere} rows, the billed rows' Σ BilledCost is distributed over the usage rows and the
   * billed rows are superseded; one Delta commit rewrites both sets; one pipeline_runs row per key.
   */
  private List<Key> supersede(String runId, Instant startedAt, String runsKind, String what, String usageWhere,
      String billedWhere, Column usageKey, Column billedKey) {
    long t0 = System.currentTimeMillis();
    Dataset<Row> table = warehouse.read(CostAndUsageTable.TABLE_NAME);
    Dataset<Row> usage = table.where(expr(usageWhere));
    Dataset<Row> cost = table.where(expr(billedWhere));
    Column[] key = {col(BilledCostDistribution.PROVIDER), col(BilledCostDistribution.CHARGE_DAY), col(BilledCostDistribution.CURRENCY)};
    Dataset<Row> usageKeys = keyed(usage, usageKey).select(key).distinct();
    Dataset<Row> billed = keyed(cost, billedKey).groupBy(key)
        .agg(sum(col(FocusColumns.BILLED_COST)).cast(BilledCostDistribution.billedSchema().apply(3).dataType())
            .as(BilledCostDistribution.BILLED_AMOUNT), count(lit(1)).as("cost_rows"), count(lit(1)).as(RUN_ROWS),
            lit(0L).as(EARLIER_ROWS)) // steps 1 and 2 read the rows of this run only
        .where(col(BilledCostDistribution.BILLED_AMOUNT).isNotNull())
        .join(usageKeys, seq(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY),
            "left_semi")
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> matched = billed.collectAsList();
      if (matched.isEmpty()) {
        progress.stage("%s: no key has both usage rows and %s rows in this run", runsKind, what);
        return List.of();
      }
      BilledCostDistribution.Result result = BilledCostDistribution.distribute(usage,
          billed.select(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY,
              BilledCostDistribution.BILLED_AMOUNT), SCALE, usageKey);
      Dataset<Row> keptCost = keyed(cost, billedKey)
          .join(billed, seq(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY),
              "left_anti")
          .select(columns(usage.columns()));
      Dataset<Row> rewritten = result.usage().unionByName(keptCost).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long rows = rewritten.count(); // materialized before the table it was read from is replaced
        List<Key> keys = keys(result, matched, keyed(rewritten.where(expr(usageWhere)), usageKey));
        DeltaRetry.write(CostAndUsageTable.TABLE_NAME, progress, () -> converted(rewritten).write().format("delta").mode(SaveMode.Overwrite)
            .option("replaceWhere", "(" + usageWhere + ") OR (" + billedWhere + ")")
            .save(warehouse.path(CostAndUsageTable.TABLE_NAME)));
        appendRuns(runId, startedAt, runsKind, what, keys, System.currentTimeMillis() - t0);
        for (Key k : keys) {
          progress.stage("%s %s %s %s: %s amount %s distributed over %d usage row(s) (priced %s, drift %s); %d %s row(s) superseded%s",
              runsKind, k.provider(), k.chargeDay().atOffset(ZoneOffset.UTC).toLocalDate(), k.currency(), what,
              k.billedAmount().toPlainString(), k.usageRows(), k.pricedUsage().toPlainString(), k.drift().toPlainString(),
              k.supersededRows(), what, k.exact() ? "" : " (NOT EXACT)");
        }
        progress.stage("%s: rewrote %d row(s) of this run", runsKind, rows);
        if (!keys.stream().allMatch(Key::exact)) {
          throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED,
              "distributed amounts differ from the " + what + " rows they supersede; see pipeline_runs where run_id = '"
                  + runId + "' and source_kind = '" + runsKind + "'");
        }
        return keys;
      } finally {
        rewritten.unpersist();
      }
    } finally {
      billed.unpersist();
    }
  }

  /** Columns of the matched-keys rows besides the key, the billed amount and cost_rows. */
  static final String RUN_ROWS = "run_rows";
  static final String EARLIER_ROWS = "earlier_rows";

  /**
   * Per matched key: priced usage and rows from the drift report, the distributed total from the new rows.
   * {@code matched}: key, billed amount, cost_rows, {@value #RUN_ROWS}, {@value #EARLIER_ROWS}.
   */
  static List<Key> keys(BilledCostDistribution.Result result, List<Row> matched, Dataset<Row> keyedUsage) {
    List<Row> drift = result.drift().where(col(BilledCostDistribution.BILLED_AMOUNT).isNotNull()).collectAsList();
    List<Row> distributed = keyedUsage
        .groupBy(col(BilledCostDistribution.PROVIDER), col(BilledCostDistribution.CHARGE_DAY), col(BilledCostDistribution.CURRENCY))
        .agg(sum(col(FocusColumns.BILLED_COST))).collectAsList();
    List<Key> out = new ArrayList<>();
    for (Row d : drift) {
      String provider = d.getAs(BilledCostDistribution.PROVIDER);
      Instant day = d.getAs(BilledCostDistribution.CHARGE_DAY);
      String currency = d.getAs(BilledCostDistribution.CURRENCY);
      long costRows = matched.stream().filter(m -> same(m, provider, day, currency))
          .mapToLong(m -> m.getLong(m.fieldIndex("cost_rows"))).sum();
      BigDecimal total = distributed.stream().filter(m -> same(m, provider, day, currency))
          .map(m -> m.getDecimal(3)).findFirst().orElse(BigDecimal.ZERO);
      long ofRun = matched.stream().filter(m -> same(m, provider, day, currency))
          .mapToLong(m -> m.getLong(m.fieldIndex(RUN_ROWS))).sum();
      long earlier = matched.stream().filter(m -> same(m, provider, day, currency))
          .mapToLong(m -> m.getLong(m.fieldIndex(EARLIER_ROWS))).sum();
      out.add(new Key(provider, day, currency, d.getAs(BilledCostDistribution.PRICED_USAGE),
          d.getAs(BilledCostDistribution.BILLED_AMOUNT), total, d.getAs(BilledCostDistribution.USAGE_ROWS), costRows,
          ofRun, earlier));
    }
    out.sort(java.util.Comparator.comparing(Key::provider).thenComparing(Key::chargeDay).thenComparing(Key::currency));
    return out;
  }

  static boolean same(Row r, String provider, Instant day, String currency) {
    return provider.equals(r.getString(0)) && day.equals(r.get(1)) && currency.equals(r.getString(2));
  }

  void appendRuns(String runId, Instant startedAt, String runsKind, String what, List<Key> keys, long durationMs) {
    List<Row> rows = new ArrayList<>();
    for (Key k : keys) {
      Instant month = k.chargeDay().atOffset(ZoneOffset.UTC).withDayOfMonth(1).toInstant();
      rows.add(RowFactory.create(runId, runsKind, null, null, month, k.usageRows(), k.usageRows(), 0L,
          k.billedAmount(), k.distributed(), BigDecimal.ZERO.setScale(12), 0L, k.exact(), startedAt, durationMs,
          k.exact() ? "DISTRIBUTED" : "NOT_RECONCILED",
          what + " amount of " + k.provider() + " for " + k.chargeDay().atOffset(ZoneOffset.UTC).toLocalDate()
              + " distributed over priced usage; " + k.supersededRows() + " " + what + " row(s) superseded"
              + (k.fromEarlierRuns() == 0 ? "" : " (" + k.fromEarlierRuns() + " of them superseded by an earlier run, read from "
                  + CrossRunCostReports.TABLE + ")"), k.usageRows(),
          k.provider(), k.chargeDay(), k.currency(), k.pricedUsage(), k.billedAmount(), k.drift(), k.supersededRows()));
    }
    DeltaRetry.write(PipelineRunsTable.TABLE_NAME, progress, () -> spark.createDataFrame(rows, PipelineRunsTable.schemaWithDrift())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(warehouse.path(PipelineRunsTable.TABLE_NAME)));
  }

  /** Usage or cost rows with the distribution key columns. */
  static Dataset<Row> keyed(Dataset<Row> rows, Column providerKey) {
    return rows.withColumn(BilledCostDistribution.PROVIDER, providerKey)
        .withColumn(BilledCostDistribution.CHARGE_DAY, date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START)))
        .withColumn(BilledCostDistribution.CURRENCY, col(FocusColumns.BILLING_CURRENCY));
  }

  static Column[] columns(String[] names) {
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col("`" + names[i] + "`");
    }
    return out;
  }

  /** {@code x_SourceKind IN (...)} of {@code kinds}. */
  static String kindIn(Set<SourceKind> kinds) {
    return ExtensionColumns.SOURCE_KIND + " IN (" + ids(kinds).stream().map(PipelineRunner::sqlString)
        .collect(Collectors.joining(", ")) + ")";
  }

  private static List<String> ids(Set<SourceKind> kinds) {
    return kinds.stream().map(SourceKind::id).sorted().toList();
  }

  static scala.collection.immutable.Seq<String> seq(String... names) {
    return CollectionConverters.asScala(List.of(names)).toSeq();
  }
}
