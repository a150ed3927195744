package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.allocate.gpu.GpuAllocation;
import io.aifocus.allocate.gpu.GpuMetrics;
import io.aifocus.allocate.gpu.GpuUtilization;
import io.aifocus.allocate.gpu.InferenceTokens;
import io.aifocus.allocate.gpu.NodePricing;
import io.aifocus.api.GpuUtilizationTable;
import io.aifocus.api.InferenceTokensTable;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawColumns;
import io.aifocus.api.SourceKind;
import io.aifocus.ingest.k8s.OpenCostPricingReader;
import io.aifocus.ingest.k8s.PrometheusReader;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.OpenCostPricingColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the allocation of one {@code gpu-clusters} entry: read kube-state-metrics, DCGM and node prices →
 * {@link GpuAllocation} → write the allocated rows into focus_cost_and_usage (replacing the cluster's rows of the
 * same billing periods), the unparsable metric lines into quarantine, the gpu_utilization rows, and return one
 * reconciliation per billing period: Σ origin charges = Σ allocated rows, and every origin charge allocated.
 */
final class GpuAllocationRun {
  /** source_kind of the pipeline_runs rows recording the aws-cur rows a cluster claimed as its origins. */
  static final String CLAIMED_KIND = "gpu-node-cost";
  /** Line item types of an instance-hour: on demand/spot, RI-covered, Savings Plan covered and its negation. */
  static final List<String> INSTANCE_HOUR_LINE_TYPES = List.of("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation");
  /** Usage types of instance-hours (region prefix optional): BoxUsage, SpotUsage, DedicatedUsage, HostBoxUsage. */
  static final String INSTANCE_HOUR_USAGE_TYPE = "^([A-Z0-9]+-)?(BoxUsage|SpotUsage|DedicatedUsage|HostBoxUsage)(:.*)?$";
  /** Metrics text per task after {@link #spread} (default), and the most tasks it makes. */
  static final long SPREAD_BYTES = 64L << 20;
  static final long MAX_SPREAD_TASKS = 200;

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;
  private long spreadBytes = SPREAD_BYTES;
  private long claimedRows;
  private FxRates fx = FxRates.NONE;

  GpuAllocationRun(SparkSession spark, Warehouse warehouse, Progress progress) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
  }

  /** Tests: spread metrics inputs over one task per {@code bytes} (default {@link #SPREAD_BYTES}). */
  GpuAllocationRun spreadBytes(long bytes) {
    this.spreadBytes = bytes;
    return this;
  }

  /** The run's FX rates: allocated rows get the reporting-currency amounts like every source's rows. */
  GpuAllocationRun withFx(FxRates rates) {
    this.fx = rates;
    return this;
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
  /** aws-cur rows this object's runs claimed as origins (removed from focus_cost_and_usage by their commits). */
  long claimedRows() {
    return claimedRows;
  }

  /**
   * A cluster whose node cost comes from the cloud bill needs that source in the same run: its commit replaces the
   * run's own CUR rows, and a rerun finds its origins only by reading the CUR again. AIF-9001 otherwise, before
   * anything is read.
   */
  static void checkNodeCostSources(JobConfig config) {
    for (GpuClusterConfig c : config.gpuClusters()) {
      if (c.nodeCost().isPresent() && config.sources().stream().noneMatch(s -> s.kind() == c.nodeCost().get())) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "gpu-clusters " + c.settings().cluster() + ": node-cost "
            + c.nodeCost().get().id() + " needs an " + c.nodeCost().get().id() + " source in the same run (the cluster's origins"
            + " are that run's " + c.nodeCost().get().id() + " rows of its GPU instances)");
      }
    }
  }

  /**
   * An aws-cur run must include every cluster that claimed aws-cur rows of the periods it may rewrite: the CUR write
   * brings those rows back, and only the cluster's commit takes them out again (else they would count twice next
   * to the allocated rows). AIF-9001 before anything is read.
   */
  static void checkClaimingClusters(JobConfig config, Warehouse warehouse) {
    if (config.sources().stream().noneMatch(s -> s.kind() == SourceKind.AWS_CUR) || !warehouse.exists(CostAndUsageTable.TABLE_NAME)) {
      return;
    }
    List<String> claiming = new ArrayList<>();
    for (GpuClusterConfig c : config.gpuClusters()) {
      if (c.nodeCost().isPresent()) {
        claiming.add(c.settings().cluster());
      }
    }
    Dataset<Row> rows = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(col(ExtensionColumns.SOURCE_KIND).equalTo(GpuAllocation.SOURCE_KIND)
            .and(col(ExtensionColumns.SOURCE_RECORD_ID).contains(GpuAllocation.CLOUD_ORIGIN_INFIX)));
    if (!config.scope().isAll()) {
      rows = rows.where(config.scope().condition(col(FocusColumns.BILLING_PERIOD_START)));
    }
    List<String> others = rows.select(regexp_extract(col(ExtensionColumns.SOURCE_RECORD_ID),
            "^(.*)/[^/@]+" + java.util.regex.Pattern.quote(GpuAllocation.CLOUD_ORIGIN_INFIX), 1).as("c")).distinct()
        .collectAsList().stream().map(r -> r.getString(0)).filter(c -> !claiming.contains(c)).sorted().toList();
    if (!others.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "focus_cost_and_usage holds rows of gpu-clusters "
          + String.join(", ", others) + " allocated from aws-cur rows (node-cost aws-cur): an aws-cur run must include "
          + (others.size() == 1 ? "that cluster" : "those clusters") + ", else the rewritten CUR rows would count twice next to their allocations");
    }
  }

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

    // kept with the labels the allocation reads as columns (read out of each sample's label map once, not per pass)
    Dataset<Row> ksmRows = GpuAllocation.kubeStateToKeep(spread(ksm)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> dcgmRows = dcgm.map(d -> GpuAllocation.dcgmToKeep(spread(d)).persist(StorageLevel.MEMORY_AND_DISK())).orElse(null);
    Dataset<Row> vllmRows = vllm.map(v -> spread(v).persist(StorageLevel.MEMORY_AND_DISK())).orElse(null);
    Dataset<Row> dcgmPieces = null;
    Dataset<Row> dcgmUnparsable = null;
    CloudOrigins bill = config.nodeCost().isPresent() ? cloudOrigins(context.runId()) : null;
    try {
      stage("read prices");
      NodePricing pricing = new NodePricing(config.nodePrices().map(this::priceRows).orElse(List.of()), config.costModel());
      if (dcgmRows != null) {
        // The split and gpu_utilization both read the DCGM pieces (GPU time per sample, cut at hours): computed once
        // from the parsed samples and kept, with the few unparsable lines for the quarantine; then the samples,
        // the largest input, are released (docs/benchmarks.md, change 15).
        stage("parse DCGM + pieces");
        dcgmPieces = GpuAllocation.dcgmPieces(dcgmRows, config.settings()).persist(StorageLevel.MEMORY_AND_DISK());
        dcgmUnparsable = unparsable(dcgmRows).persist(StorageLevel.MEMORY_AND_DISK());
        dcgmPieces.count();
        dcgmUnparsable.count();
        dcgmRows.unpersist();
      }
      stage("parse metrics + split");
      GpuAllocation.Result result = GpuAllocation.allocate(ksmRows, Optional.ofNullable(dcgmPieces), pricing,
          config.settings(), context, config.kubeStateMetrics(),
          Optional.ofNullable(bill).map(b -> new GpuAllocation.CloudBill(b.candidates(), config.instanceIdLabel())));
      // the split's parts (cost per workload and node-hour) and the hourly origins feed the allocated rows and then
      // gpu_utilization: kept, so that the utilization does not compute the split a second time (docs/benchmarks.md, change 13)
      Dataset<Row> parts = result.parts().persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> originKeys = result.originKeys().persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> origins = gated(scoped(result.origins(), FocusColumns.BILLING_PERIOD_START, scope), bill).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> allocated = gated(scoped(result.allocated(), FocusColumns.BILLING_PERIOD_START, scope), bill).persist(StorageLevel.MEMORY_AND_DISK());
      Claim claim = bill == null ? null : claim(config, result, bill, scope, allocated);
      try {
        List<SourceRun> runs = reconcile(config, files, origins, allocated);
        if (claim != null) {
          runs = runs.stream().map(r -> r.withNote(claim.notes().get(r.billingPeriodStart().toInstant()))).toList();
        }
        stage("write quarantine");
        if (scope.isAll()) {
          long quarantined = writeQuarantine(context, ksmRows, dcgmUnparsable, vllmRows, files);
          if (quarantined > 0) {
            progress.stage("gpu cluster %s: %d unparsable metric line(s) quarantined", cluster, quarantined);
          }
        } else {
          long unparsable = corrupt(ksmRows, dcgmUnparsable, vllmRows).count();
          progress.stage("gpu cluster %s: %s; %d unparsable metric line(s) have no billing period, left out (an unscoped run quarantines them)",
              cluster, scope.label(), unparsable);
        }
        stage("write focus");
        writeFocus(config, allocated, runs, claim, context.runId());
        if (claim != null) {
          appendClaims(config, context, claim, files);
          claimedRows += claim.rows();
        }
        if (dcgmPieces != null) {
          stage("write gpu_utilization");
          Dataset<Row> utilization = GpuUtilization.rows(dcgmPieces, ksmRows, result,
              config.settings(), context.runId());
          writeUtilization(config, scoped(utilization, GpuUtilizationTable.HOUR_START, scope), runs);
        }
        if (vllmRows != null) {
          stage("write inference_tokens");
          Dataset<Row> tokens = InferenceTokens.rows(vllmRows, ksmRows, allocated, config.settings(), context.priceBook(), context.runId());
          writeTokens(config, scoped(tokens, InferenceTokensTable.HOUR_START, scope), runs);
        }
        return runs;
      } finally {
        origins.unpersist();
        allocated.unpersist();
        parts.unpersist();
        originKeys.unpersist();
        if (claim != null) {
          claim.claimed().unpersist();
        }
      }
    } finally {
      if (bill != null) {
        bill.candidates().unpersist();
      }
      ksmRows.unpersist();
      if (dcgmRows != null) {
        dcgmRows.unpersist();
      }
      if (dcgmPieces != null) {
        dcgmPieces.unpersist();
      }
      if (dcgmUnparsable != null) {
        dcgmUnparsable.unpersist();
      }
      if (vllmRows != null) {
        vllmRows.unpersist();
      }
    }
  }

  /**
   * The parsed rows of a metrics input, spread over one task per 64 MiB ({@link #SPREAD_BYTES}) of its files when
   * that is more tasks than files. A file is parsed by one task (streamed line by line), and without the spread every step
   * until the allocation's first shuffle ran in that task, on one core, and its cached block was larger than the
   * memory for caches, so each of the allocation's reads of the samples went to disk (64 GPUs × 30 days: 522.8 s
   * without, 425.7 s with the spread; docs/benchmarks.md, change 13). The rows are hashed on file and line: the
   * spread needs no sort, and each row stays where it is from run to run. Small inputs are left as they are (a
   * shuffle costs more there).
   */
  private Dataset<Row> spread(PrometheusReader.Result parsed) {
    long bytes = 0;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (String file : parsed.files()) {
      Path p = new Path(file);
      try {
        bytes += p.getFileSystem(hadoop).getFileStatus(p).getLen();
      } catch (IOException e) {
        // gone since it was listed: the parse reports it
      }
    }
    long tasks = Math.min(MAX_SPREAD_TASKS, bytes / spreadBytes);
    if (tasks <= parsed.files().size()) {
      return parsed.rows();
    }
    return parsed.rows().repartition((int) tasks, col(RawColumns.SOURCE_FILE), col(RawColumns.SOURCE_LINE));
  }

  /** Labels the Spark jobs that follow ({@code aifocus k8s-gpu: <stage>}, as the runner labels its source stages). */
  private void stage(String name) {
    spark.sparkContext().setJobDescription("aifocus " + GpuAllocation.SOURCE_KIND + ": " + name);
  }

  /** The rows whose billing period (of the hour in {@code timeColumn}) is in scope; all rows for an unscoped run. */
  static Dataset<Row> scoped(Dataset<Row> rows, String timeColumn, RunScope scope) {
    if (scope.isAll()) {
      return rows;
    }
    return rows.where(scope.condition(date_trunc("month", col(timeColumn))));
  }

  /**
   * The unparsable lines of kube-state-metrics and of the DCGM and vLLM inputs (either may be null): file, line and
   * record, by name (the inputs keep different columns).
   */
  private static Dataset<Row> corrupt(Dataset<Row> ksm, Dataset<Row> dcgm, Dataset<Row> vllm) {
    Dataset<Row> bad = unparsable(ksm);
    for (Dataset<Row> other : Arrays.asList(dcgm, vllm)) {
      if (other != null) {
        bad = bad.unionAll(unparsable(other));
      }
    }
    return bad;
  }

  private static Dataset<Row> unparsable(Dataset<Row> rows) {
    return rows.where(col(RawColumns.CORRUPT_RECORD).isNotNull())
        .select(col(RawColumns.SOURCE_FILE), col(RawColumns.SOURCE_LINE), col(RawColumns.CORRUPT_RECORD));
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
        .agg(count(lit(1)), sum(col(FocusColumns.BILLED_COST)), countDistinct(regexp_replace(col(ExtensionColumns.SOURCE_RECORD_ID), "#[0-9]+$", ""))).collectAsList()) {
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

  /**
   * Replaces the cluster's allocated rows of the run's billing periods in one commit; with node cost from the cloud
   * bill the same commit removes the claimed aws-cur rows (the origins the allocated rows replace) and replaces the
   * cluster's rows allocated from the bill's (billing account, period) scopes this run read.
   */
  private void writeFocus(GpuClusterConfig config, Dataset<Row> allocated, List<SourceRun> runs, Claim claim, String runId) {
    if (runs.isEmpty() && (claim == null || claim.scopes().isEmpty())) {
      progress.stage("gpu cluster %s: no GPU node charges, nothing to write", config.settings().cluster());
      return;
    }
    String own = FocusColumns.BILLING_ACCOUNT_ID + " = " + PipelineRunner.sqlString(config.settings().billingAccountId())
        + " AND " + FocusColumns.SUB_ACCOUNT_ID + " = " + PipelineRunner.sqlString(config.settings().cluster());
    String predicate;
    if (claim == null) {
      predicate = ExtensionColumns.SOURCE_KIND + " = " + PipelineRunner.sqlString(GpuAllocation.SOURCE_KIND) + " AND " + own
          + " AND " + scope(config, runs, FocusColumns.BILLING_PERIOD_START);
    } else {
      String fromBill = ExtensionColumns.SOURCE_RECORD_ID + " RLIKE " + PipelineRunner.sqlString(
          "^" + java.util.regex.Pattern.quote(config.settings().cluster() + "/") + "[^/@]+" + java.util.regex.Pattern.quote(GpuAllocation.CLOUD_ORIGIN_INFIX));
      String periods = claim.scopes().stream().map(sc -> "TIMESTAMP '" + sql(sc.period()) + "'").distinct().sorted()
          .collect(Collectors.joining(", ", FocusColumns.BILLING_PERIOD_START + " IN (", ")"));
      String billScopes = claim.scopes().stream().map(sc -> "(" + FocusColumns.BILLING_ACCOUNT_ID + " = " + PipelineRunner.sqlString(sc.account())
          + " AND " + FocusColumns.BILLING_PERIOD_START + " = TIMESTAMP '" + sql(sc.period()) + "')").sorted()
          .collect(Collectors.joining(" OR ", "(", ")"));
      predicate = "(" + ExtensionColumns.SOURCE_KIND + " = " + PipelineRunner.sqlString(GpuAllocation.SOURCE_KIND)
          + " AND ((" + own + " AND " + periods + ") OR (" + fromBill + " AND " + billScopes + ")))";
      if (!claim.instances().isEmpty()) {
        predicate += " OR (" + candidatePredicate(runId) + " AND " + FocusColumns.RESOURCE_ID + " IN ("
            + claim.instances().stream().map(PipelineRunner::sqlString).collect(Collectors.joining(", ")) + "))";
      }
    }
    String replace = predicate;
    String path = warehouse.path(CostAndUsageTable.TABLE_NAME);
    Dataset<Row> converted = fx.apply(allocated);
    DeltaRetry.write(CostAndUsageTable.TABLE_NAME, progress, () -> {
      warehouse.createFocusTableIfAbsent(converted.schema());
      converted.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", replace)
          .option("mergeSchema", "true").save(path);
    });
    progress.stage("gpu cluster %s: wrote %s", config.settings().cluster(), CostAndUsageTable.TABLE_NAME);
  }

  /** This run's candidate origin rows of the cloud bill and the (billing account, period) scopes its aws-cur rows cover. */
  record CloudOrigins(Dataset<Row> candidates, List<BillScope> scopes) {}

  /** One (BillingAccountId, BillingPeriodStart) scope of the run's aws-cur rows. */
  record BillScope(String account, Instant period) {}

  /** What a cluster claimed: the aws-cur rows (persisted), their instances, in-scope bill scopes, per-period notes. */
  record Claim(Dataset<Row> claimed, List<String> instances, List<BillScope> scopes, Map<Instant, String> notes,
      List<Row> perPeriod, long rows) {}

  /** aws-cur rows of this run that are instance-hours of some instance (the allocation picks those of its nodes). */
  static String candidatePredicate(String runId) {
    return "(" + ExtensionColumns.SOURCE_KIND + " = " + PipelineRunner.sqlString(SourceKind.AWS_CUR.id())
        + " AND " + ExtensionColumns.RUN_ID + " = " + PipelineRunner.sqlString(runId)
        + " AND " + ExtensionColumns.LINE_ITEM_TYPE + " IN (" + INSTANCE_HOUR_LINE_TYPES.stream().map(PipelineRunner::sqlString)
            .collect(Collectors.joining(", ")) + ")"
        + " AND " + ExtensionColumns.USAGE_TYPE + " RLIKE " + PipelineRunner.sqlString(INSTANCE_HOUR_USAGE_TYPE)
        + " AND " + FocusColumns.RESOURCE_ID + " IS NOT NULL)";
  }

  /** Reads (and materializes: the commit below replaces them) this run's candidate aws-cur rows. */
  private CloudOrigins cloudOrigins(String runId) {
    if (!warehouse.exists(CostAndUsageTable.TABLE_NAME)) {
      return new CloudOrigins(spark.createDataFrame(List.of(), CostAndUsageTable.schema()), List.of());
    }
    Dataset<Row> table = warehouse.read(CostAndUsageTable.TABLE_NAME);
    List<BillScope> scopes = new ArrayList<>();
    for (Row r : table.where(col(ExtensionColumns.SOURCE_KIND).equalTo(SourceKind.AWS_CUR.id()).and(col(ExtensionColumns.RUN_ID).equalTo(runId)))
        .select(col(FocusColumns.BILLING_ACCOUNT_ID), col(FocusColumns.BILLING_PERIOD_START)).distinct().collectAsList()) {
      if (!r.isNullAt(0) && !r.isNullAt(1)) {
        scopes.add(new BillScope(r.getString(0), (Instant) r.get(1)));
      }
    }
    Dataset<Row> candidates = table.where(expr(candidatePredicate(runId)))
        .select(java.util.Arrays.stream(CostAndUsageTable.schema().fieldNames()).map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long n = candidates.count();
    progress.stage("aws-cur rows of this run: %d instance-hour row(s) are candidate GPU node origins", n);
    return new CloudOrigins(candidates, scopes);
  }

  /** Keeps only the billing periods the run's aws-cur rows cover (the other periods' rows stay as they are). */
  private static Dataset<Row> gated(Dataset<Row> rows, CloudOrigins bill) {
    if (bill == null) {
      return rows;
    }
    if (bill.scopes().isEmpty()) {
      return rows.where(lit(false));
    }
    return rows.where(col(FocusColumns.BILLING_PERIOD_START).isin(bill.scopes().stream().map(sc -> Timestamp.from(sc.period())).distinct().toArray()));
  }

  /** The aws-cur rows the cluster claimed and what the run reports about them and about node-hours without cost. */
  private Claim claim(GpuClusterConfig config, GpuAllocation.Result result, CloudOrigins bill, RunScope scope, Dataset<Row> allocated) {
    String cluster = config.settings().cluster();
    Dataset<Row> claimed = gated(scoped(result.claimed(), FocusColumns.BILLING_PERIOD_START, scope), bill).persist(StorageLevel.MEMORY_AND_DISK());
    List<String> instances = claimed.select(col(FocusColumns.RESOURCE_ID)).distinct().collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
    Map<Instant, BigDecimal> allocatedFromBill = new LinkedHashMap<>();
    for (Row r : allocated.where(col(ExtensionColumns.SOURCE_RECORD_ID).contains(GpuAllocation.CLOUD_ORIGIN_INFIX))
        .groupBy(col(FocusColumns.BILLING_PERIOD_START)).agg(sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      allocatedFromBill.put((Instant) r.get(0), r.getDecimal(1).setScale(12));
    }
    List<Row> perPeriod = new ArrayList<>();
    Map<Instant, String> notes = new LinkedHashMap<>();
    long rows = 0;
    for (Row r : claimed.groupBy(col(FocusColumns.BILLING_PERIOD_START))
        .agg(count(lit(1)), sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST)), countDistinct(col(FocusColumns.RESOURCE_ID)))
        .orderBy(col(FocusColumns.BILLING_PERIOD_START)).collectAsList()) {
      Instant period = (Instant) r.get(0);
      BigDecimal billed = r.isNullAt(2) ? BigDecimal.ZERO.setScale(12) : r.getDecimal(2).setScale(12);
      BigDecimal effective = r.isNullAt(3) ? BigDecimal.ZERO.setScale(12) : r.getDecimal(3).setScale(12);
      perPeriod.add(RowFactory.create(period, r.getLong(1), billed, effective, r.getLong(4),
          allocatedFromBill.getOrDefault(period, BigDecimal.ZERO.setScale(12))));
      notes.put(period, r.getLong(1) + " aws-cur row(s) of " + r.getLong(4) + " instance(s) claimed as origins (BilledCost "
          + billed.toPlainString() + ", EffectiveCost " + effective.toPlainString() + ")");
      rows += r.getLong(1);
    }
    Dataset<Row> unpriced = gated(scoped(result.unpriced().withColumn(FocusColumns.BILLING_PERIOD_START, date_trunc("month", col(GpuMetrics.HOUR_START))),
        FocusColumns.BILLING_PERIOD_START, scope), bill);
    for (Row r : unpriced.groupBy(col(FocusColumns.BILLING_PERIOD_START))
        .agg(count(lit(1)), functions.sort_array(functions.collect_set(col(GpuMetrics.NODE)))).collectAsList()) {
      Instant period = (Instant) r.get(0);
      String note = r.getLong(1) + " node-hour(s) with no aws-cur row and no node price have no cost (nodes " + String.join(", ",
          scala.jdk.javaapi.CollectionConverters.asJava(r.<String>getSeq(2))) + ")";
      progress.stage("gpu cluster %s %s: %s", cluster, period, note);
      notes.merge(period, note, (a, b) -> a + "; " + b);
    }
    long outside = scoped(result.origins(), FocusColumns.BILLING_PERIOD_START, scope).count()
        - gated(scoped(result.origins(), FocusColumns.BILLING_PERIOD_START, scope), bill).count();
    if (outside > 0) {
      progress.stage("gpu cluster %s: %d origin charge(s) in billing periods without aws-cur rows in this run left out (their rows stay as they are)",
          cluster, outside);
    }
    for (Map.Entry<Instant, String> e : notes.entrySet()) {
      progress.stage("gpu cluster %s %s: %s", cluster, e.getKey(), e.getValue());
    }
    List<BillScope> scopes = bill.scopes().stream().filter(sc -> scope.includes(Optional.of(sc.period()))).toList();
    return new Claim(claimed, instances, scopes, notes, perPeriod, rows);
  }

  /** One gpu-node-cost row per period: the aws-cur rows claimed (rows_superseded) and the allocated total they became. */
  private void appendClaims(GpuClusterConfig config, NormalizeContext context, Claim claim, List<String> files) {
    List<Row> rows = new ArrayList<>();
    for (Row p : claim.perPeriod()) {
      Instant period = (Instant) p.get(0);
      long n = p.getLong(1);
      BigDecimal billed = p.getDecimal(2);
      BigDecimal out = p.getDecimal(5);
      boolean exact = billed.compareTo(out) == 0;
      rows.add(RowFactory.create(context.runId(), CLAIMED_KIND, config.settings().cluster(),
          scala.jdk.javaapi.CollectionConverters.asScala(files).toSeq(), period, n, n, 0L, billed, out, BigDecimal.ZERO.setScale(12), 0L,
          exact, context.ingestedAt(), 0L, exact ? "CLAIMED" : "NOT_RECONCILED",
          n + " aws-cur row(s) of " + p.getLong(4) + " GPU instance(s) (BilledCost " + billed.toPlainString() + ", EffectiveCost "
              + p.getDecimal(3).toPlainString() + ") replaced by the cluster's allocated rows in the same commit: aws-cur output_total "
              + "= its rows in focus_cost_and_usage + this input_total", 0L,
          null, null, null, null, null, null, n));
    }
    if (rows.isEmpty()) {
      return;
    }
    DeltaRetry.write(PipelineRunsTable.TABLE_NAME, progress, () -> spark.createDataFrame(rows, PipelineRunsTable.schemaWithDrift())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true")
        .save(warehouse.path(PipelineRunsTable.TABLE_NAME)));
  }

  /** Unparsable metric lines (AIF-1005 with file and line); replaces earlier quarantine rows of the same files. */
  private long writeQuarantine(NormalizeContext context, Dataset<Row> ksm, Dataset<Row> dcgm, Dataset<Row> vllm, List<String> files) {
    Dataset<Row> rows = corrupt(ksm, dcgm, vllm).select(
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
