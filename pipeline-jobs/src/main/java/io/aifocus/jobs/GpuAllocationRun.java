package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.allocate.gpu.GpuAllocation;
import io.aifocus.allocate.gpu.GpuUtilization;
import io.aifocus.allocate.gpu.InferenceTokens;
import io.aifocus.allocate.gpu.NodePricing;
import io.aifocus.api.GpuUtilizationTable;
import io.aifocus.api.InferenceTokensTable;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawColumns;
import io.aifocus.ingest.k8s.OpenCostPricingReader;
import io.aifocus.ingest.k8s.PrometheusReader;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.OpenCostPricingColumns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the allocation of one {@code gpu-clusters} entry: read kube-state-metrics, DCGM and node prices →
 * {@link GpuAllocation} → write the allocated rows into focus_cost_and_usage (replacing the cluster's rows of the
 * same billing periods), the unparsable metric lines into quarantine, the gpu_utilization rows, and return one
 * reconciliation per billing period: Σ origin charges = Σ allocated rows, and every origin charge allocated.
 */
final class GpuAllocationRun {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;

  GpuAllocationRun(SparkSession spark, Warehouse warehouse, Progress progress) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
  }

  List<SourceRun> run(GpuClusterConfig config, NormalizeContext context) {
    return run(config, context, RunScope.ALL);
  }

  /**
   * One cluster, limited to the billing periods of {@code scope}: the whole metrics input is read and allocated
   * (sample intervals, hour cuts and labels are the same as in an unscoped run), then only the origin charges,
   * allocated rows and gpu_utilization hours of in-scope periods are reconciled and written; rows of other periods
   * stay as they are. Unparsable metric lines have no period: a scoped run counts them and leaves the quarantine alone.
   */
  List<SourceRun> run(GpuClusterConfig config, NormalizeContext context, RunScope scope) {
    String cluster = config.settings().cluster();
    PrometheusReader.Result ksm = PrometheusReader.read(spark, config.kubeStateMetrics(), config.scrapeTime());
    Optional<PrometheusReader.Result> dcgm = config.dcgm().map(p -> PrometheusReader.read(spark, p, config.scrapeTime()));
    Optional<PrometheusReader.Result> vllm = config.vllmMetrics().map(p -> PrometheusReader.read(spark, p, config.scrapeTime()));
    List<String> files = new ArrayList<>(ksm.files());
    dcgm.ifPresent(d -> files.addAll(d.files()));
    vllm.ifPresent(v -> files.addAll(v.files()));
    config.nodePrices().ifPresent(files::add);
    progress.stage("gpu cluster %s: %d metrics file(s), method %s", cluster, files.size(), config.settings().allocatedMethodId());

    Dataset<Row> ksmRows = ksm.rows().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> dcgmRows = dcgm.map(d -> d.rows().persist(StorageLevel.MEMORY_AND_DISK())).orElse(null);
    Dataset<Row> vllmRows = vllm.map(v -> v.rows().persist(StorageLevel.MEMORY_AND_DISK())).orElse(null);
    try {
      NodePricing pricing = new NodePricing(config.nodePrices().map(this::priceRows).orElse(List.of()), config.costModel());
      GpuAllocation.Result result = GpuAllocation.allocate(ksmRows, Optional.ofNullable(dcgmRows), pricing,
          config.settings(), context, config.kubeStateMetrics());
      Dataset<Row> origins = scoped(result.origins(), FocusColumns.BILLING_PERIOD_START, scope).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> allocated = scoped(result.allocated(), FocusColumns.BILLING_PERIOD_START, scope).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        List<SourceRun> runs = reconcile(config, files, origins, allocated);
        if (scope.isAll()) {
          long quarantined = writeQuarantine(context, ksmRows, metrics(dcgmRows, vllmRows), files);
          if (quarantined > 0) {
            progress.stage("gpu cluster %s: %d unparsable metric line(s) quarantined", cluster, quarantined);
          }
        } else {
          long unparsable = corrupt(ksmRows, metrics(dcgmRows, vllmRows)).count();
          progress.stage("gpu cluster %s: %s; %d unparsable metric line(s) have no billing period, left out (an unscoped run quarantines them)",
              cluster, scope.label(), unparsable);
        }
        writeFocus(config, allocated, runs);
        if (dcgmRows != null) {
          Dataset<Row> utilization = GpuUtilization.rows(GpuAllocation.dcgmPieces(dcgmRows, config.settings()), ksmRows, result,
              config.settings(), context.runId());
          writeUtilization(config, scoped(utilization, GpuUtilizationTable.HOUR_START, scope), runs);
        }
        if (vllmRows != null) {
          Dataset<Row> tokens = InferenceTokens.rows(vllmRows, ksmRows, allocated, config.settings(), context.priceBook(), context.runId());
          writeTokens(config, scoped(tokens, InferenceTokensTable.HOUR_START, scope), runs);
        }
        return runs;
      } finally {
        origins.unpersist();
        allocated.unpersist();
      }
    } finally {
      ksmRows.unpersist();
      if (dcgmRows != null) {
        dcgmRows.unpersist();
      }
      if (vllmRows != null) {
        vllmRows.unpersist();
      }
    }
  }

  /** The rows whose billing period (of the hour in {@code timeColumn}) is in scope; all rows for an unscoped run. */
  static Dataset<Row> scoped(Dataset<Row> rows, String timeColumn, RunScope scope) {
    if (scope.isAll()) {
      return rows;
    }
    return rows.where(scope.condition(date_trunc("month", col(timeColumn))));
  }

  /** DCGM and vLLM samples together (either may be null). */
  private static Dataset<Row> metrics(Dataset<Row> dcgm, Dataset<Row> vllm) {
    return dcgm == null ? vllm : vllm == null ? dcgm : dcgm.unionAll(vllm);
  }

  private static Dataset<Row> corrupt(Dataset<Row> ksm, Dataset<Row> dcgm) {
    Dataset<Row> bad = ksm.where(col(RawColumns.CORRUPT_RECORD).isNotNull());
    return dcgm == null ? bad : bad.unionAll(dcgm.where(col(RawColumns.CORRUPT_RECORD).isNotNull()));
  }

  private List<NodePricing.PriceRow> priceRows(String path) {
    List<NodePricing.PriceRow> rows = new ArrayList<>();
    for (Row r : OpenCostPricingReader.read(spark, path).collectAsList()) {
      String file = r.getAs(RawColumns.SOURCE_FILE);
      String cls = r.getAs(OpenCostPricingColumns.ASSET_CLASS);
      String id = r.getAs(OpenCostPricingColumns.INSTANCE_ID);
      String field = r.getAs(OpenCostPricingColumns.INSTANCE_ID_FIELD);
      String price = r.getAs(OpenCostPricingColumns.MARKET_PRICE_HOURLY);
      if (r.getAs(RawColumns.CORRUPT_RECORD) != null) {
        throw new PipelineException(PipelineErrorCode.MALFORMED_RECORD, file + ": malformed pricing row: " + r.getAs(RawColumns.CORRUPT_RECORD));
      }
      if (cls == null || !(cls.strip().toLowerCase(Locale.ROOT).equals("node") || cls.strip().toLowerCase(Locale.ROOT).equals("gpu"))) {
        continue; // pv and other asset classes price nothing of a GPU node
      }
      if (id == null || field == null) {
        throw new PipelineException(PipelineErrorCode.MISSING_REQUIRED_VALUE,
            file + ": pricing row of asset class " + cls + " needs InstanceID and InstanceIDField");
      }
      BigDecimal hourly;
      try {
        hourly = new BigDecimal(price == null ? "" : price.strip());
      } catch (NumberFormatException e) {
        throw new PipelineException(PipelineErrorCode.UNPARSABLE_NUMBER,
            file + ": column MarketPriceHourly of InstanceID '" + id + "' is not a number: '" + price + "'");
      }
      rows.add(new NodePricing.PriceRow(id, cls, field, hourly));
    }
    return rows;
  }

  /** Per billing period: origin charges and their total; allocated rows, their total and the origins they cover. */
  private List<SourceRun> reconcile(GpuClusterConfig config, List<String> files, Dataset<Row> origins, Dataset<Row> allocated) {
    Map<Instant, Object[]> in = new LinkedHashMap<>();
    for (Row r : origins.groupBy(col(FocusColumns.BILLING_PERIOD_START))
        .agg(count(lit(1)), sum(col(FocusColumns.BILLED_COST))).orderBy(col(FocusColumns.BILLING_PERIOD_START)).collectAsList()) {
      in.put((Instant) r.get(0), new Object[] {r.getLong(1), r.getDecimal(2).setScale(12)});
    }
    Map<Instant, Object[]> out = new LinkedHashMap<>();
    for (Row r : allocated.groupBy(col(FocusColumns.BILLING_PERIOD_START))
        .agg(count(lit(1)), sum(col(FocusColumns.BILLED_COST)), countDistinct(col(FocusColumns.RESOURCE_ID), col(FocusColumns.CHARGE_PERIOD_START))).collectAsList()) {
      out.put((Instant) r.get(0), new Object[] {r.getLong(1), r.getDecimal(2).setScale(12), r.getLong(3)});
    }
    List<SourceRun> runs = new ArrayList<>();
    for (Map.Entry<Instant, Object[]> e : in.entrySet()) {
      Object[] o = out.getOrDefault(e.getKey(), new Object[] {0L, BigDecimal.ZERO.setScale(12), 0L});
      long origins0 = (long) e.getValue()[0];
      long covered = (long) o[2];
      runs.add(SourceRun.allocation(GpuAllocation.SOURCE_KIND, config.settings().cluster(), files, Timestamp.from(e.getKey()),
          origins0, (long) o[0], (BigDecimal) e.getValue()[1], (BigDecimal) o[1], covered));
    }
    for (SourceRun run : runs) {
      progress.stage("%s %s %s: %d origin charge(s) → %d allocated row(s); total %s = %s%s",
          GpuAllocation.SOURCE_KIND, config.settings().cluster(), run.billingPeriodStart().toInstant(), run.rowsIn(), run.rowsOut(),
          run.inputTotal().toPlainString(), run.outputTotal().toPlainString(), run.reconciled() ? " (reconciled)" : " (NOT RECONCILED)");
    }
    return runs;
  }

  private String scope(GpuClusterConfig config, List<SourceRun> runs, String periodColumn) {
    return runs.stream().map(r -> periodColumn + " = TIMESTAMP '" + r.billingPeriodStart().toInstant().toString().replace("T", " ").replace("Z", "") + "'")
        .sorted().collect(Collectors.joining(" OR ", "(", ")"));
  }

  /** Replaces the cluster's allocated rows of the run's billing periods in one commit. */
  private void writeFocus(GpuClusterConfig config, Dataset<Row> allocated, List<SourceRun> runs) {
    if (runs.isEmpty()) {
      progress.stage("gpu cluster %s: no GPU node charges, nothing to write", config.settings().cluster());
      return;
    }
    String predicate = ExtensionColumns.SOURCE_KIND + " = " + PipelineRunner.sqlString(GpuAllocation.SOURCE_KIND)
        + " AND " + FocusColumns.BILLING_ACCOUNT_ID + " = " + PipelineRunner.sqlString(config.settings().billingAccountId())
        + " AND " + FocusColumns.SUB_ACCOUNT_ID + " = " + PipelineRunner.sqlString(config.settings().cluster())
        + " AND " + scope(config, runs, FocusColumns.BILLING_PERIOD_START);
    String path = warehouse.path(CostAndUsageTable.TABLE_NAME);
    DeltaRetry.write(CostAndUsageTable.TABLE_NAME, progress, () -> {
      warehouse.createFocusTableIfAbsent(allocated.schema());
      allocated.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate)
          .option("mergeSchema", "true").save(path);
    });
    progress.stage("gpu cluster %s: wrote %s", config.settings().cluster(), CostAndUsageTable.TABLE_NAME);
  }

  /** Unparsable metric lines (AIF-1005 with file and line); replaces earlier quarantine rows of the same files. */
  private long writeQuarantine(NormalizeContext context, Dataset<Row> ksm, Dataset<Row> dcgm, List<String> files) {
    Dataset<Row> rows = corrupt(ksm, dcgm).select(
        lit(context.runId()).as(QuarantineTable.RUN_ID),
        lit(GpuAllocation.SOURCE_KIND).as(QuarantineTable.SOURCE_KIND),
        col(RawColumns.SOURCE_FILE).as(QuarantineTable.SOURCE_FILE),
        col(RawColumns.SOURCE_LINE).as(QuarantineTable.SOURCE_LINE),
        lit(null).cast(DataTypes.StringType).as(QuarantineTable.SOURCE_FIELD),
        lit(PipelineErrorCode.MALFORMED_RECORD.label()).as(QuarantineTable.ERROR_CODE),
        lit("not a valid Prometheus sample line").as(QuarantineTable.ERROR_MESSAGE),
        col(RawColumns.CORRUPT_RECORD).substr(0, 4000).as(QuarantineTable.RAW_RECORD),
        lit(null).cast(DataTypes.TimestampType).as(QuarantineTable.BILLING_PERIOD_START),
        lit(null).cast(DataTypes.createDecimalType(38, 12)).as(QuarantineTable.BILLED_AMOUNT),
        lit(Timestamp.from(context.ingestedAt())).as(QuarantineTable.QUARANTINED_AT));
    String path = warehouse.path(QuarantineTable.TABLE_NAME);
    DeltaRetry.write(QuarantineTable.TABLE_NAME, progress, () -> {
      if (!warehouse.exists(QuarantineTable.TABLE_NAME)) {
        spark.createDataFrame(List.of(), QuarantineTable.schema()).write().format("delta").mode(SaveMode.Append).save(path);
      }
    });
    String predicate = QuarantineTable.SOURCE_KIND + " = " + PipelineRunner.sqlString(GpuAllocation.SOURCE_KIND) + " AND "
        + QuarantineTable.SOURCE_FILE + " IN (" + files.stream().map(PipelineRunner::sqlString).collect(Collectors.joining(", ")) + ")";
    Dataset<Row> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      DeltaRetry.write(QuarantineTable.TABLE_NAME, progress,
          () -> persisted.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate).save(path));
      return persisted.count();
    } finally {
      persisted.unpersist();
    }
  }

  /** Replaces the cluster's gpu_utilization rows of the run's billing periods. */
  private void writeUtilization(GpuClusterConfig config, Dataset<Row> rows, List<SourceRun> runs) {
    if (runs.isEmpty()) {
      return;
    }
    String periods = periodHours(runs, GpuUtilizationTable.HOUR_START);
    String predicate = GpuUtilizationTable.CLUSTER + " = " + PipelineRunner.sqlString(config.settings().cluster()) + " AND " + periods;
    String path = warehouse.path(GpuUtilizationTable.TABLE_NAME);
    DeltaRetry.write(GpuUtilizationTable.TABLE_NAME, progress, () -> {
      if (!warehouse.exists(GpuUtilizationTable.TABLE_NAME)) {
        spark.createDataFrame(List.of(), GpuUtilizationTable.schema()).write().format("delta").mode(SaveMode.Append)
            .partitionBy(GpuUtilizationTable.CLUSTER).save(path);
      }
    });
    DeltaRetry.write(GpuUtilizationTable.TABLE_NAME, progress,
        () -> rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate).save(path));
    progress.stage("gpu cluster %s: wrote %s", config.settings().cluster(), GpuUtilizationTable.TABLE_NAME);
  }

  /** The hours of the run's billing periods, as a SQL condition on {@code column}. */
  private static String periodHours(List<SourceRun> runs, String column) {
    return runs.stream().map(r -> {
      Instant start = r.billingPeriodStart().toInstant();
      Instant end = start.atZone(java.time.ZoneOffset.UTC).plusMonths(1).toInstant();
      return "(" + column + " >= TIMESTAMP '" + sql(start) + "' AND " + column + " < TIMESTAMP '" + sql(end) + "')";
    }).sorted().collect(Collectors.joining(" OR ", "(", ")"));
  }

  /** Replaces the cluster's inference_tokens rows of the run's billing periods. */
  private void writeTokens(GpuClusterConfig config, Dataset<Row> rows, List<SourceRun> runs) {
    if (runs.isEmpty()) {
      return;
    }
    String predicate = InferenceTokensTable.CLUSTER + " = " + PipelineRunner.sqlString(config.settings().cluster()) + " AND "
        + periodHours(runs, InferenceTokensTable.HOUR_START);
    String path = warehouse.path(InferenceTokensTable.TABLE_NAME);
    Dataset<Row> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      DeltaRetry.write(InferenceTokensTable.TABLE_NAME, progress, () -> {
        if (!warehouse.exists(InferenceTokensTable.TABLE_NAME)) {
          spark.createDataFrame(List.of(), InferenceTokensTable.schema()).write().format("delta").mode(SaveMode.Append)
              .partitionBy(InferenceTokensTable.CLUSTER).save(path);
        }
      });
      DeltaRetry.write(InferenceTokensTable.TABLE_NAME, progress,
          () -> persisted.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate).save(path));
      Row t = persisted.agg(count(lit(1)), sum(col(InferenceTokensTable.PROMPT_TOKENS)), sum(col(InferenceTokensTable.GENERATION_TOKENS)),
          sum(col(InferenceTokensTable.COUNTER_RESETS))).first();
      progress.stage("gpu cluster %s: wrote %s (%d row(s): %s prompt + %s generation token(s), %d counter reset(s))",
          config.settings().cluster(), InferenceTokensTable.TABLE_NAME, t.getLong(0), t.isNullAt(1) ? "0" : t.getDecimal(1).toPlainString(),
          t.isNullAt(2) ? "0" : t.getDecimal(2).toPlainString(), t.isNullAt(3) ? 0L : t.getLong(3));
    } finally {
      persisted.unpersist();
    }
  }

  private static String sql(Instant t) {
    return t.toString().replace("T", " ").replace("Z", "");
  }
}
