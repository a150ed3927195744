package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.allocate.BilledCostDistribution;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
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
 * The usage-vs-cost step of a run (docs/reconciliation.md): when the rows a run wrote hold both usage rows
 * ({@link #USAGE_KINDS}) and provider cost rows ({@link #COST_KINDS}) for the same provider
 * (ServiceProviderName), UTC charge day and currency, the cost rows' billed amount is the truth: it is
 * distributed over the usage rows with {@link BilledCostDistribution} (penny-exact), and the cost rows of that
 * key are superseded (removed from focus_cost_and_usage), so the spend is counted once. One Delta commit
 * replaces the run's usage and cost rows; one pipeline_runs row per key records priced usage, billed amount
 * and drift. Keys with only usage or only cost rows are left as written.
 */
final class UsageCostReconciler {
  /** Sources whose rows carry tokens and attribution (priced usage). */
  static final Set<SourceKind> USAGE_KINDS =
      EnumSet.of(SourceKind.GATEWAY_LOG, SourceKind.OPENAI_USAGE, SourceKind.ANTHROPIC_USAGE, SourceKind.LITELLM_SPEND);
  /** Sources whose rows carry the provider's billed amounts. */
  static final Set<SourceKind> COST_KINDS = EnumSet.of(SourceKind.OPENAI_COSTS, SourceKind.ANTHROPIC_COST);
  /** source_kind of the pipeline_runs rows this step writes. */
  static final String RUNS_KIND = "usage-cost";
  /** Whole cents: the scale of the distributed parts (amounts with more decimals split at their own scale). */
  static final int SCALE = 2;

  /** One reconciled key. drift = priced usage − billed amount. */
  record Key(String provider, Instant chargeDay, String currency, BigDecimal pricedUsage, BigDecimal billedAmount,
      BigDecimal distributed, long usageRows, long supersededRows) {
    BigDecimal drift() {
      return pricedUsage.subtract(billedAmount);
    }

    boolean exact() {
      return distributed.compareTo(billedAmount) == 0;
    }
  }

  /** What the step did: the reconciled keys and the cost rows it removed. */
  record Outcome(List<Key> keys) {
    long supersededRows() {
      return keys.stream().mapToLong(Key::supersededRows).sum();
    }
  }

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;

  UsageCostReconciler(SparkSession spark, Warehouse warehouse, Progress progress) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
  }

  /** Reconciles the rows of run {@code runId} whose sources were {@code kinds}. */
  Outcome apply(String runId, Set<SourceKind> kinds, Instant startedAt) {
    if (kinds.stream().noneMatch(USAGE_KINDS::contains) || kinds.stream().noneMatch(COST_KINDS::contains)
        || !warehouse.exists(CostAndUsageTable.TABLE_NAME)) {
      return new Outcome(List.of());
    }
    long t0 = System.currentTimeMillis();
    Dataset<Row> run = warehouse.read(CostAndUsageTable.TABLE_NAME).where(col(ExtensionColumns.RUN_ID).equalTo(lit(runId)));
    Dataset<Row> usage = run.where(col(ExtensionColumns.SOURCE_KIND).isin(ids(USAGE_KINDS).toArray()));
    Dataset<Row> cost = run.where(col(ExtensionColumns.SOURCE_KIND).isin(ids(COST_KINDS).toArray()));
    Column[] key = {col(BilledCostDistribution.PROVIDER), col(BilledCostDistribution.CHARGE_DAY), col(BilledCostDistribution.CURRENCY)};
    Dataset<Row> usageKeys = keyed(usage).select(key).distinct();
    Dataset<Row> billed = keyed(cost).groupBy(key)
        .agg(sum(col(FocusColumns.BILLED_COST)).cast(BilledCostDistribution.billedSchema().apply(3).dataType())
            .as(BilledCostDistribution.BILLED_AMOUNT), count(lit(1)).as("cost_rows"))
        .join(usageKeys, seq(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY),
            "left_semi")
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Row> matched = billed.collectAsList();
      if (matched.isEmpty()) {
        progress.stage("usage-cost: no provider day has both usage and a cost report in this run");
        return new Outcome(List.of());
      }
      BilledCostDistribution.Result result = BilledCostDistribution.distribute(usage,
          billed.select(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY,
              BilledCostDistribution.BILLED_AMOUNT), SCALE);
      Dataset<Row> keptCost = keyed(cost)
          .join(billed, seq(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY),
              "left_anti")
          .select(columns(usage.columns()));
      Dataset<Row> rewritten = result.usage().unionByName(keptCost).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long rows = rewritten.count(); // materialized before the table it was read from is replaced
        List<Key> keys = keys(result, matched, rewritten);
        List<String> replaced = new ArrayList<>(ids(USAGE_KINDS));
        replaced.addAll(ids(COST_KINDS));
        rewritten.write().format("delta").mode(SaveMode.Overwrite)
            .option("replaceWhere", ExtensionColumns.RUN_ID + " = " + PipelineRunner.sqlString(runId) + " AND "
                + ExtensionColumns.SOURCE_KIND + " IN (" + replaced.stream().map(PipelineRunner::sqlString)
                    .collect(Collectors.joining(", ")) + ")")
            .save(warehouse.path(CostAndUsageTable.TABLE_NAME));
        Outcome outcome = new Outcome(keys);
        appendRuns(runId, startedAt, keys, System.currentTimeMillis() - t0);
        for (Key k : keys) {
          progress.stage("usage-cost %s %s %s: billed %s distributed over %d usage row(s) (priced %s, drift %s); %d cost row(s) superseded%s",
              k.provider(), k.chargeDay().atOffset(ZoneOffset.UTC).toLocalDate(), k.currency(),
              k.billedAmount().toPlainString(), k.usageRows(), k.pricedUsage().toPlainString(), k.drift().toPlainString(),
              k.supersededRows(), k.exact() ? "" : " (NOT EXACT)");
        }
        progress.stage("usage-cost: rewrote %d row(s) of this run", rows);
        if (!keys.stream().allMatch(Key::exact)) {
          throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED,
              "distributed billed amounts differ from the cost reports; see pipeline_runs where run_id = '" + runId
                  + "' and source_kind = '" + RUNS_KIND + "'");
        }
        return outcome;
      } finally {
        rewritten.unpersist();
      }
    } finally {
      billed.unpersist();
    }
  }

  /** Per matched key: priced usage and rows from the drift report, the distributed total from the new rows. */
  private static List<Key> keys(BilledCostDistribution.Result result, List<Row> matched, Dataset<Row> rewritten) {
    List<Row> drift = result.drift().where(col(BilledCostDistribution.BILLED_AMOUNT).isNotNull()).collectAsList();
    List<Row> distributed = keyed(rewritten.where(col(ExtensionColumns.SOURCE_KIND).isin(ids(USAGE_KINDS).toArray())))
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
      out.add(new Key(provider, day, currency, d.getAs(BilledCostDistribution.PRICED_USAGE),
          d.getAs(BilledCostDistribution.BILLED_AMOUNT), total, d.getAs(BilledCostDistribution.USAGE_ROWS), costRows));
    }
    out.sort(java.util.Comparator.comparing(Key::provider).thenComparing(Key::chargeDay).thenComparing(Key::currency));
    return out;
  }

  private static boolean same(Row r, String provider, Instant day, String currency) {
    return provider.equals(r.getString(0)) && day.equals(r.get(1)) && currency.equals(r.getString(2));
  }

  private void appendRuns(String runId, Instant startedAt, List<Key> keys, long durationMs) {
    List<Row> rows = new ArrayList<>();
    for (Key k : keys) {
      Instant month = k.chargeDay().atOffset(ZoneOffset.UTC).withDayOfMonth(1).toInstant();
      rows.add(RowFactory.create(runId, RUNS_KIND, null, null, month, k.usageRows(), k.usageRows(), 0L,
          k.billedAmount(), k.distributed(), BigDecimal.ZERO.setScale(12), 0L, k.exact(), startedAt, durationMs,
          k.exact() ? "DISTRIBUTED" : "NOT_RECONCILED",
          "billed amount of " + k.provider() + " for " + k.chargeDay().atOffset(ZoneOffset.UTC).toLocalDate()
              + " distributed over priced usage; " + k.supersededRows() + " cost row(s) superseded",
          k.provider(), k.chargeDay(), k.currency(), k.pricedUsage(), k.billedAmount(), k.drift(), k.supersededRows()));
    }
    spark.createDataFrame(rows, PipelineRunsTable.schemaWithDrift())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(warehouse.path(PipelineRunsTable.TABLE_NAME));
  }

  /** Usage or cost rows with the distribution key columns. */
  private static Dataset<Row> keyed(Dataset<Row> rows) {
    return rows.withColumn(BilledCostDistribution.PROVIDER, col(FocusColumns.SERVICE_PROVIDER_NAME))
        .withColumn(BilledCostDistribution.CHARGE_DAY, date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START)))
        .withColumn(BilledCostDistribution.CURRENCY, col(FocusColumns.BILLING_CURRENCY));
  }

  private static Column[] columns(String[] names) {
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col("`" + names[i] + "`");
    }
    return out;
  }

  private static List<String> ids(Set<SourceKind> kinds) {
    return kinds.stream().map(SourceKind::id).sorted().toList();
  }

  private static scala.collection.immutable.Seq<String> seq(String... names) {
    return CollectionConverters.asScala(List.of(names)).toSeq();
  }
}
