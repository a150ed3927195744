package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.aifocus.allocate.BilledCostDistribution;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.delta.tables.DeltaTable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Step 3 of {@link UsageCostReconciler} (provider cost report over usage) across runs (docs/reconciliation.md,
 * "Across runs"). The keys (ServiceProviderName, UTC charge day, BillingCurrency) are those this run wrote usage
 * or cost rows for, plus the keys of superseded cost rows of the billing periods it wrote (a restated usage
 * source may have dropped a day). For those keys:
 *
 * <ul>
 *   <li>the cost side is every cost row of the key still in focus_cost_and_usage (any run) plus the cost rows an
 *       earlier run superseded, kept in {@value #TABLE}, unless focus holds a newer delivery of their scope
 *       (source kind, billing account, billing period: a re-delivered cost report replaces them, so a restatement
 *       wins) or the same rows (a run that died between the two commits);
 *   <li>a key with usage rows (any run) gets the cost amount distributed over all of them (penny-exact,
 *       {@link BilledCostDistribution}); its cost rows are copied to {@value #TABLE}, then removed from focus in
 *       one Delta commit that also rewrites the usage rows (replaceWhere over the keys, not the run);
 *   <li>a key whose usage rows are all gone gets its superseded cost rows back into focus (money is never lost).
 * </ul>
 *
 * <p>Rewritten rows keep their x_RunId (the run that read their source file): the run-level check counts the
 * rows of this run, less this run's cost rows superseded. A usage row an earlier credits stage covered is taken
 * back to its on-demand view first (the credits stage of the run recomputes the grants from it).
 */
final class CrossRunCostReports {
  /** Cost rows superseded by a precedence step, kept so a later run can still find the provider's amount. */
  static final String TABLE = "focus_superseded";
  static final String SUPERSEDED_BY_RUN_ID = "superseded_by_run_id";
  static final String SUPERSEDED_STEP = "superseded_step";
  static final String SUPERSEDED_AT = "superseded_at";
  /** pipeline_runs status of a key whose superseded cost rows went back to focus (no usage rows left). */
  static final String RESTORED = "RESTORED";

  private static final String FROM_COPY = "_aif_from_superseded";
  private static final String WHAT = "cost report";
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** One distribution key. */
  record DayKey(String provider, Instant day, String currency) {
    static final Comparator<DayKey> ORDER =
        Comparator.comparing(DayKey::provider).thenComparing(DayKey::currency).thenComparing(DayKey::day);

    static DayKey of(Row r, int first) {
      if (r.isNullAt(first) || r.isNullAt(first + 1) || r.isNullAt(first + 2)) {
        return null;
      }
      return new DayKey(r.getString(first), (Instant) r.get(first + 1), r.getString(first + 2));
    }
  }

  /** A cost report's restatement scope: what PipelineRunner replaces when the source is written again. */
  private record Scope(String kind, String account, Instant period) {}

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;
  private final UsageCostReconciler owner;

  CrossRunCostReports(SparkSession spark, Warehouse warehouse, Progress progress, UsageCostReconciler owner) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
    this.owner = owner;
  }

  List<UsageCostReconciler.Key> apply(String runId, Instant startedAt) {
    long t0 = System.currentTimeMillis();
    Column provider = col(FocusColumns.SERVICE_PROVIDER_NAME);
    Set<SourceKind> both = EnumSet.copyOf(UsageCostReconciler.USAGE_KINDS);
    both.addAll(UsageCostReconciler.COST_KINDS);
    String usageWhere = UsageCostReconciler.kindIn(UsageCostReconciler.USAGE_KINDS);
    String costWhere = UsageCostReconciler.kindIn(UsageCostReconciler.COST_KINDS);
    Dataset<Row> table = warehouse.read(CostAndUsageTable.TABLE_NAME);

    // what this run wrote: its keys, billing periods and cost-report scopes (small: per provider, day and file scope)
    Set<DayKey> keys = new TreeSet<>(DayKey.ORDER);
    Set<Instant> periods = new TreeSet<>();
    Set<Scope> costScopes = new LinkedHashSet<>();
    for (Row r : UsageCostReconciler.keyed(table.where(col(ExtensionColumns.RUN_ID).equalTo(lit(runId))
            .and(expr(UsageCostReconciler.kindIn(both)))), provider)
        .select(col(BilledCostDistribution.PROVIDER), col(BilledCostDistribution.CHARGE_DAY),
            col(BilledCostDistribution.CURRENCY), col(FocusColumns.BILLING_PERIOD_START), col(ExtensionColumns.SOURCE_KIND),
            col(FocusColumns.BILLING_ACCOUNT_ID))
        .distinct().collectAsList()) {
      DayKey k = DayKey.of(r, 0);
      if (k != null) {
        keys.add(k);
      }
      if (!r.isNullAt(3)) {
        periods.add((Instant) r.get(3));
      }
      if (UsageCostReconciler.COST_KINDS.contains(SourceKind.fromId(r.getString(4)))) {
        costScopes.add(new Scope(r.getString(4), r.getString(5), r.isNullAt(3) ? null : (Instant) r.get(3)));
      }
    }
    boolean haveCopies = warehouse.exists(TABLE);
    String ofStep = SUPERSEDED_STEP + " = " + PipelineRunner.sqlString(UsageCostReconciler.RUNS_KIND);
    if (haveCopies && !periods.isEmpty()) {
      // superseded cost rows of the periods this run wrote: a restated usage source may have dropped their day
      String inPeriods = FocusColumns.BILLING_PERIOD_START + " IN (" + periods.stream()
          .map(p -> "TIMESTAMP '" + SQL_TIMESTAMP.format(p) + "'").collect(Collectors.joining(", ")) + ")";
      for (Row r : UsageCostReconciler.keyed(warehouse.read(TABLE).where(expr(ofStep + " AND " + inPeriods)), provider)
          .select(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY)
          .distinct().collectAsList()) {
        DayKey k = DayKey.of(r, 0);
        if (k != null) {
          keys.add(k);
        }
      }
    }
    if (keys.isEmpty()) {
      progress.stage("%s: no provider day with usage or cost rows in this run", UsageCostReconciler.RUNS_KIND);
      return List.of();
    }

    String inKeys = keySql(keys);
    Dataset<Row> focusCost = table.where(expr("(" + costWhere + ") AND (" + inKeys + ")")).withColumn(FROM_COPY, lit(false));
    Dataset<Row> cost = focusCost;
    if (haveCopies) {
      cost = focusCost.unionByName(current(table, provider, costWhere, ofStep, inKeys), true)
          .select(UsageCostReconciler.columns(focusCost.columns()));
    }
    Dataset<Row> keyedCost = UsageCostReconciler.keyed(cost, provider).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> rewritten = null;
    Dataset<Row> copiesOut = null;
    try {
      Column[] key = {col(BilledCostDistribution.PROVIDER), col(BilledCostDistribution.CHARGE_DAY),
          col(BilledCostDistribution.CURRENCY)};
      List<Row> billed = keyedCost.groupBy(key)
          .agg(sum(col(FocusColumns.BILLED_COST)).cast(BilledCostDistribution.billedSchema().apply(3).dataType())
                  .as(BilledCostDistribution.BILLED_AMOUNT),
              count(lit(1)).as("cost_rows"),
              sum(when(col(FROM_COPY).equalTo(lit(false)).and(col(ExtensionColumns.RUN_ID).equalTo(lit(runId))), 1).otherwise(0))
                  .cast("long").as(UsageCostReconciler.RUN_ROWS),
              sum(when(col(FROM_COPY), 1).otherwise(0)).cast("long").as(UsageCostReconciler.EARLIER_ROWS))
          .where(col(BilledCostDistribution.BILLED_AMOUNT).isNotNull())
          .collectAsList();
      if (billed.isEmpty() && costScopes.isEmpty()) {
        // no cost report amount for these days, none delivered by this run: nothing to distribute or restore
        progress.stage("%s: no provider day has both usage rows and cost report rows", UsageCostReconciler.RUNS_KIND);
        return List.of();
      }
      Set<DayKey> withUsage = new TreeSet<>(DayKey.ORDER);
      for (Row r : UsageCostReconciler.keyed(table.where(expr("(" + usageWhere + ") AND (" + inKeys + ")")), provider)
          .select(key).distinct().collectAsList()) {
        DayKey k = DayKey.of(r, 0);
        if (k != null) {
          withUsage.add(k);
        }
      }
      List<Row> matched = new ArrayList<>();
      Map<DayKey, Row> restore = new TreeMap<>(DayKey.ORDER);
      for (Row r : billed) {
        DayKey k = DayKey.of(r, 0);
        if (withUsage.contains(k)) {
          matched.add(r);
        } else if (r.getLong(r.fieldIndex(UsageCostReconciler.EARLIER_ROWS)) > 0) {
          restore.put(k, r);
        }
      }
      Set<DayKey> distributed = new TreeSet<>(DayKey.ORDER);
      matched.forEach(r -> distributed.add(DayKey.of(r, 0)));
      if (distributed.isEmpty() && restore.isEmpty() && costScopes.isEmpty()) {
        progress.stage("%s: no provider day has both usage rows and cost report rows", UsageCostReconciler.RUNS_KIND);
        return List.of();
      }

      String[] focusColumns = table.columns();
      List<Row> billedRows = matched.stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3))).toList();
      BilledCostDistribution.Result result = BilledCostDistribution.distribute(
          onDemand(table.where(expr("(" + usageWhere + ") AND (" + keySql(distributed) + ")"))),
          spark.createDataFrame(billedRows, BilledCostDistribution.billedSchema()), UsageCostReconciler.SCALE, provider);
      Dataset<Row> out = result.usage();
      if (!restore.isEmpty()) {
        out = out.unionByName(keyedCost.where(expr(keySql(restore.keySet()))).select(UsageCostReconciler.columns(focusColumns)));
      }
      rewritten = out.persist(StorageLevel.MEMORY_AND_DISK());
      long rows = rewritten.count(); // materialized before the tables it was read from are replaced
      copiesOut = keyedCost.where(expr(keySql(distributed))).select(UsageCostReconciler.columns(focusColumns))
          .withColumn(SUPERSEDED_BY_RUN_ID, lit(runId))
          .withColumn(SUPERSEDED_STEP, lit(UsageCostReconciler.RUNS_KIND))
          .withColumn(SUPERSEDED_AT, lit(Timestamp.from(startedAt)))
          .persist(StorageLevel.MEMORY_AND_DISK());
      long copies = copiesOut.count();
      List<UsageCostReconciler.Key> done = UsageCostReconciler.keys(result, matched,
          UsageCostReconciler.keyed(rewritten.where(expr(usageWhere)), provider));

      // 1. the superseded copies first: a run dying before the focus commit leaves both, and the rule in
      // current() reads such a copy as the same rows as the cost rows still in focus (counted once)
      Set<DayKey> replacedCopies = new TreeSet<>(DayKey.ORDER);
      replacedCopies.addAll(keys);
      replacedCopies.removeAll(restore.keySet()); // removed only after they are back in focus (step 3)
      writeCopies(copiesOut, copies, ofStep, replacedCopies, costScopes);
      // 2. focus: the keys' usage rows with the amounts, their cost rows gone (restored keys: cost rows back)
      List<String> replaced = new ArrayList<>();
      if (!distributed.isEmpty()) {
        replaced.add("(" + usageWhere + ") AND (" + keySql(distributed) + ")");
      }
      Set<DayKey> costKeys = new TreeSet<>(DayKey.ORDER);
      costKeys.addAll(distributed);
      costKeys.addAll(restore.keySet());
      if (!costKeys.isEmpty()) {
        replaced.add("(" + costWhere + ") AND (" + keySql(costKeys) + ")");
        Dataset<Row> written = owner.converted(rewritten);
        String predicate = replaced.stream().map(p -> "(" + p + ")").collect(Collectors.joining(" OR "));
        DeltaRetry.write(CostAndUsageTable.TABLE_NAME, progress, () -> written.write().format("delta")
            .mode(SaveMode.Overwrite).option("replaceWhere", predicate).save(warehouse.path(CostAndUsageTable.TABLE_NAME)));
      }
      // 3. copies of restored keys: back in focus now
      if (!restore.isEmpty()) {
        DeltaRetry.write(TABLE, progress, () -> DeltaTable.forPath(spark, warehouse.path(TABLE))
            .delete(ofStep + " AND (" + keySql(restore.keySet()) + ")"));
      }
      long durationMs = System.currentTimeMillis() - t0;
      if (!done.isEmpty()) {
        owner.appendRuns(runId, startedAt, UsageCostReconciler.RUNS_KIND, WHAT, done, durationMs);
      }
      appendRestored(runId, startedAt, restore, durationMs);
      for (UsageCostReconciler.Key k : done) {
        progress.stage("%s %s %s %s: cost report amount %s distributed over %d usage row(s) of any run (priced %s,"
                + " drift %s); %d cost report row(s) superseded (%d superseded earlier, from %s)%s",
            UsageCostReconciler.RUNS_KIND, k.provider(), k.chargeDay().atOffset(ZoneOffset.UTC).toLocalDate(), k.currency(),
            k.billedAmount().toPlainString(), k.usageRows(), k.pricedUsage().toPlainString(), k.drift().toPlainString(),
            k.supersededRows(), k.fromEarlierRuns(), TABLE, k.exact() ? "" : " (NOT EXACT)");
      }
      for (DayKey k : restore.keySet()) {
        progress.stage("%s %s %s %s: no usage rows left; the superseded cost report rows are back in %s",
            UsageCostReconciler.RUNS_KIND, k.provider(), k.day().atOffset(ZoneOffset.UTC).toLocalDate(), k.currency(),
            CostAndUsageTable.TABLE_NAME);
      }
      progress.stage("%s: rewrote %d row(s) of %d provider day(s); %d cost row(s) kept in %s", UsageCostReconciler.RUNS_KIND,
          rows, costKeys.size(), copies, TABLE);
      if (!done.stream().allMatch(UsageCostReconciler.Key::exact)) {
        throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED,
            "distributed amounts differ from the cost report rows they supersede; see pipeline_runs where run_id = '"
                + runId + "' and source_kind = '" + UsageCostReconciler.RUNS_KIND + "'");
      }
      return done;
    } finally {
      keyedCost.unpersist();
      if (rewritten != null) {
        rewritten.unpersist();
      }
      if (copiesOut != null) {
        copiesOut.unpersist();
      }
    }
  }

  /**
   * The superseded cost rows of the keys that still count: a copy does not count when focus holds a cost row of
   * its scope (source kind, billing account, billing period) from another run (the source was written again: the
   * newer delivery wins) or of its key from the same run (the same rows: a run died between the two commits).
   */
  private Dataset<Row> current(Dataset<Row> table, Column provider, String costWhere, String ofStep, String inKeys) {
    Dataset<Row> scopes = UsageCostReconciler.keyed(table.where(expr(costWhere)), provider)
        .select(col(ExtensionColumns.SOURCE_KIND).as("_s_kind"), col(FocusColumns.BILLING_ACCOUNT_ID).as("_s_account"),
            col(FocusColumns.BILLING_PERIOD_START).as("_s_period"), col(ExtensionColumns.RUN_ID).as("_s_run"),
            col(BilledCostDistribution.PROVIDER).as("_s_provider"), col(BilledCostDistribution.CHARGE_DAY).as("_s_day"),
            col(BilledCostDistribution.CURRENCY).as("_s_currency"))
        .distinct();
    Dataset<Row> copies = UsageCostReconciler.keyed(warehouse.read(TABLE).where(expr(ofStep + " AND (" + inKeys + ")")), provider);
    Column sameKey = col(BilledCostDistribution.PROVIDER).equalTo(col("_s_provider"))
        .and(col(BilledCostDistribution.CHARGE_DAY).equalTo(col("_s_day")))
        .and(col(BilledCostDistribution.CURRENCY).equalTo(col("_s_currency")));
    Column replacedBy = col(ExtensionColumns.SOURCE_KIND).equalTo(col("_s_kind"))
        .and(col(FocusColumns.BILLING_ACCOUNT_ID).eqNullSafe(col("_s_account")))
        .and(col(FocusColumns.BILLING_PERIOD_START).eqNullSafe(col("_s_period")))
        .and(col(ExtensionColumns.RUN_ID).notEqual(col("_s_run")).or(sameKey));
    return copies.join(scopes, replacedBy, "left_anti")
        .drop(BilledCostDistribution.PROVIDER, BilledCostDistribution.CHARGE_DAY, BilledCostDistribution.CURRENCY,
            SUPERSEDED_BY_RUN_ID, SUPERSEDED_STEP, SUPERSEDED_AT)
        .withColumn(FROM_COPY, lit(true));
  }

  /**
   * Replaces the copies of {@code keys} (and every copy of a scope this run delivered again: all older) with
   * {@code copies}; creates the table on the first copy.
   */
  private void writeCopies(Dataset<Row> copies, long count, String ofStep, Set<DayKey> keys, Set<Scope> costScopes) {
    String path = warehouse.path(TABLE);
    if (!warehouse.exists(TABLE)) {
      if (count > 0) {
        DeltaRetry.write(TABLE, progress, () -> copies.write().format("delta").mode(SaveMode.Append).save(path));
      }
      return;
    }
    List<String> parts = new ArrayList<>();
    if (!keys.isEmpty()) {
      parts.add("(" + keySql(keys) + ")");
    }
    for (Scope s : costScopes) {
      parts.add("(" + ExtensionColumns.SOURCE_KIND + " = " + PipelineRunner.sqlString(s.kind()) + " AND "
          + (s.account() == null ? FocusColumns.BILLING_ACCOUNT_ID + " IS NULL"
              : FocusColumns.BILLING_ACCOUNT_ID + " = " + PipelineRunner.sqlString(s.account())) + " AND "
          + (s.period() == null ? FocusColumns.BILLING_PERIOD_START + " IS NULL"
              : FocusColumns.BILLING_PERIOD_START + " = TIMESTAMP '" + SQL_TIMESTAMP.format(s.period()) + "'") + ")");
    }
    if (parts.isEmpty()) {
      return;
    }
    String predicate = ofStep + " AND (" + String.join(" OR ", parts) + ")";
    DeltaRetry.write(TABLE, progress, () -> copies.write().format("delta").mode(SaveMode.Overwrite)
        .option("replaceWhere", predicate).option("mergeSchema", "true").save(path));
  }

  /** One pipeline_runs row per restored key: no usage explains the amount (priced usage 0, drift = −amount). */
  private void appendRestored(String runId, Instant startedAt, Map<DayKey, Row> restore, long durationMs) {
    if (restore.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    BigDecimal zero = BigDecimal.ZERO.setScale(12);
    for (Map.Entry<DayKey, Row> e : restore.entrySet()) {
      DayKey k = e.getKey();
      BigDecimal amount = e.getValue().getDecimal(3);
      long n = e.getValue().getLong(e.getValue().fieldIndex("cost_rows"));
      Instant month = k.day().atOffset(ZoneOffset.UTC).withDayOfMonth(1).toInstant();
      rows.add(RowFactory.create(runId, UsageCostReconciler.RUNS_KIND, null, null, month, n, n, 0L, amount, amount,
          zero, 0L, true, startedAt, durationMs, RESTORED,
          "no usage rows of " + k.provider() + " for " + k.day().atOffset(ZoneOffset.UTC).toLocalDate() + " left; " + n
              + " superseded cost report row(s) back in " + CostAndUsageTable.TABLE_NAME, n,
          k.provider(), k.day(), k.currency(), zero, amount, zero.subtract(amount), 0L));
    }
    DeltaRetry.write(PipelineRunsTable.TABLE_NAME, progress, () -> spark.createDataFrame(rows, PipelineRunsTable.schemaWithDrift())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(warehouse.path(PipelineRunsTable.TABLE_NAME)));
  }

  /**
   * Usage rows as their source wrote them where an earlier credits stage applied grants (ContractApplied set):
   * commitment columns cleared, pricing-currency columns back to the billing currency (the distribution then sets
   * BilledCost, EffectiveCost, ContractedCost and PricingCurrencyEffectiveCost). Mirrors CreditsRun.withoutGrants.
   */
  static Dataset<Row> onDemand(Dataset<Row> usage) {
    Column covered = col(FocusColumns.CONTRACT_APPLIED).isNotNull();
    Dataset<Row> out = usage;
    for (String c : List.of(FocusColumns.COMMITMENT_DISCOUNT_ID, FocusColumns.COMMITMENT_DISCOUNT_CATEGORY,
        FocusColumns.COMMITMENT_DISCOUNT_NAME, FocusColumns.COMMITMENT_DISCOUNT_TYPE, FocusColumns.COMMITMENT_DISCOUNT_UNIT,
        FocusColumns.COMMITMENT_DISCOUNT_STATUS, FocusColumns.COMMITMENT_DISCOUNT_QUANTITY)) {
      out = out.withColumn(c, when(covered, lit(null).cast(usage.schema().apply(c).dataType())).otherwise(col(c)));
    }
    out = out.withColumn(FocusColumns.PRICING_CURRENCY,
            when(covered, col(FocusColumns.BILLING_CURRENCY)).otherwise(col(FocusColumns.PRICING_CURRENCY)))
        .withColumn(FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE,
            when(covered, col(FocusColumns.LIST_UNIT_PRICE)).otherwise(col(FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE)))
        .withColumn(FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE,
            when(covered, col(FocusColumns.CONTRACTED_UNIT_PRICE))
                .otherwise(col(FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE)));
    // last: the conditions above read it
    return out.withColumn(FocusColumns.CONTRACT_APPLIED,
        lit(null).cast(usage.schema().apply(FocusColumns.CONTRACT_APPLIED).dataType()));
  }

  /**
   * The keys as a predicate on ServiceProviderName, ChargePeriodStart and BillingCurrency (consecutive days of a
   * provider and currency as one range, so file statistics on ChargePeriodStart skip the other days).
   */
  static String keySql(Set<DayKey> keys) {
    if (keys.isEmpty()) {
      return "FALSE";
    }
    Map<String, List<DayKey>> byProvider = new TreeMap<>();
    for (DayKey k : keys) {
      byProvider.computeIfAbsent(k.provider() + "\u0001" + k.currency(), x -> new ArrayList<>()).add(k);
    }
    List<String> out = new ArrayList<>();
    for (List<DayKey> group : byProvider.values()) {
      List<Instant> days = group.stream().map(DayKey::day).sorted().distinct().toList();
      List<String> ranges = new ArrayList<>();
      Instant from = days.get(0);
      Instant to = from.plus(Duration.ofDays(1));
      for (Instant d : days.subList(1, days.size())) {
        if (d.equals(to)) {
          to = d.plus(Duration.ofDays(1));
          continue;
        }
        ranges.add(range(from, to));
        from = d;
        to = d.plus(Duration.ofDays(1));
      }
      ranges.add(range(from, to));
      out.add("(" + FocusColumns.SERVICE_PROVIDER_NAME + " = " + PipelineRunner.sqlString(group.get(0).provider()) + " AND "
          + FocusColumns.BILLING_CURRENCY + " = " + PipelineRunner.sqlString(group.get(0).currency()) + " AND ("
          + String.join(" OR ", ranges) + "))");
    }
    return String.join(" OR ", out);
  }

  private static String range(Instant from, Instant to) {
    return "(" + FocusColumns.CHARGE_PERIOD_START + " >= TIMESTAMP '" + SQL_TIMESTAMP.format(from) + "' AND "
        + FocusColumns.CHARGE_PERIOD_START + " < TIMESTAMP '" + SQL_TIMESTAMP.format(to) + "')";
  }
}
