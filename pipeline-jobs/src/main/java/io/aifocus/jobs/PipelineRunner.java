package io.aifocus.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceExtras;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.ingest.InputFiles;
import java.nio.file.Path;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionOperation;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the pipeline for every source of a {@link JobConfig}: load → normalize → write focus_cost_and_usage
 * (replacing exactly the restated scope) → write quarantine → reconcile → append pipeline_runs.
 */
final class PipelineRunner {
  private static final DateTimeFormatter SQL_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  /**
   * What a run did: its id and one reconciliation per source and billing period; {@code unchangedSince} names the
   * earlier run whose inputs, configuration and tables were unchanged, when this run skipped (docs/operations.md).
   */
  record Result(String runId, List<SourceRun> sources, Optional<String> unchangedSince) {
    Result(String runId, List<SourceRun> sources) {
      this(runId, sources, Optional.empty());
    }

    boolean reconciled() {
      return sources.stream().allMatch(SourceRun::reconciled);
    }

    long rowsOut() {
      return sources.stream().mapToLong(SourceRun::rowsOut).sum();
    }

    long rowsWritten() {
      return sources.stream().mapToLong(SourceRun::rowsWritten).sum();
    }

    long rowsQuarantined() {
      return sources.stream().mapToLong(SourceRun::rowsQuarantined).sum();
    }
  }

  /** Below this many input rows a source's normalized rows are cached (docs/benchmarks.md, change 3). */
  static final long SMALL_INPUT_ROWS = 100_000;
  /** Below this many bytes a Parquet input's parsed rows are cached. */
  static final long SMALL_INPUT_BYTES = 1L << 20;
  /**
   * Below this many bytes a CSV input's parsed rows are cached (about 80,000 lines of the bench's CUR CSV; at
   * 5,000 lines the cache saved 2–3 s a run, at 1M lines reading again saved 39 s).
   */
  static final long SMALL_TEXT_INPUT_BYTES = 32L << 20;
  /** How many times its size a compressed text file is counted against {@link #SMALL_TEXT_INPUT_BYTES}. */
  static final int COMPRESSED_TEXT_FACTOR = 8;

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;

  private boolean rewriteUnchanged;
  private boolean cacheSmallInputs = true;
  private long spreadMetricsBytes = GpuAllocationRun.SPREAD_BYTES;

  PipelineRunner(SparkSession spark, Warehouse warehouse, Progress progress) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
  }

  /**
   * Whether a run whose inputs, configuration and tables are unchanged since an earlier run still rewrites its
   * tables (default false: it skips, recording SKIPPED rows; {@code run --force}).
   */
  PipelineRunner rewriteUnchanged(boolean rewrite) {
    this.rewriteUnchanged = rewrite;
    return this;
  }

  /** Tests: GPU metrics inputs spread over one task per {@code bytes} ({@link GpuAllocationRun#spreadBytes}). */
  PipelineRunner spreadMetricsBytes(long bytes) {
    this.spreadMetricsBytes = bytes;
    return this;
  }

  /**
   * Whether small inputs are cached whole (default true; tests turn it off to run a small input the way a large
   * one runs: CSV and Parquet read again by each query, normalized rows computed twice).
   */
  PipelineRunner cacheSmallInputs(boolean cache) {
    this.cacheSmallInputs = cache;
    return this;
  }

  Result run(JobConfig config) {
    try {
      return runLabelled(config);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  /**
   * Labels the Spark jobs that follow with the run's stage ({@code aifocus <source kind>: <stage>}), so Spark's
   * metrics (and its UI) tell where time goes; {@code aifocus bench} sums task metrics per label.
   */
  private void stage(String kind, String stage) {
    spark.sparkContext().setJobDescription("aifocus " + kind + ": " + stage);
  }

  private Result runLabelled(JobConfig config) {
    if (config.sources().isEmpty() && config.gpuClusters().isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "no sources given (use --source KIND=PATH or --config FILE)");
    }
    // a bad same-traffic-as declaration fails before any data is read
    Set<SourceKind> sameTraffic = UsageCostReconciler.sameTraffic(config.sources());
    // GPU node cost from the cloud bill: the bill's source runs with its clusters (docs/allocation.md)
    GpuAllocationRun.checkNodeCostSources(config);
    GpuAllocationRun.checkClaimingClusters(config, warehouse);
    // and so does a bad source-extras option
    config.sources().forEach(SourceExtras::mode);
    Instant startedAt = Instant.now();
    String runId = runId(startedAt);
    NormalizeContext context = new NormalizeContext(runId, startedAt, config.teamTagKeys());
    progress.stage("run %s: %d source(s), %d GPU cluster(s) into %s, %s", runId, config.sources().size(),
        config.gpuClusters().size(), warehouse.root(), config.scope().label());
    stage("run", "fingerprint");
    long tf = System.currentTimeMillis();
    Optional<RunFingerprint.Fingerprint> fingerprint = RunFingerprint.of(spark, config);
    fingerprint.ifPresentOrElse(
        f -> progress.stage("run %s: inputs fingerprinted: %d file(s), %d byte(s), sha256 %s… (%d ms)", runId, f.files(),
            f.bytes(), f.sha256().substring(0, 12), System.currentTimeMillis() - tf),
        () -> progress.stage("run %s: inputs not fingerprinted (s3:// or remote paths): the run is never skipped", runId));
    if (fingerprint.isPresent() && !rewriteUnchanged) {
      Optional<String> previous = UnchangedRuns.unchangedSince(spark, warehouse, fingerprint.get());
      if (previous.isPresent()) {
        List<SourceRun> none = List.of();
        UnchangedRuns.recordSkip(spark, warehouse, progress, runId, previous.get(), fingerprint.get(), startedAt);
        progress.stage("run %s: inputs, configuration and tables unchanged since run %s: nothing to rewrite (run --force rewrites)",
            runId, previous.get());
        return new Result(runId, none, previous);
      }
    }
    List<SourceRun> all = new ArrayList<>();
    try (S3Inputs s3 = new S3Inputs(config.s3(), stagingRoot())) {
      for (SourceSpec spec : config.sources()) {
        long t0 = System.currentTimeMillis();
        try {
          NormalizeContext sourceContext = contextFor(config, spec, context);
          List<SourceRun> runs = S3Inputs.isS3(spec.path())
              ? runS3Source(s3, spec, sourceContext, config.scope(), config.fx(), runId, startedAt, t0)
              : runSource(spec, null, sourceContext, config.scope(), config.fx());
          appendRuns(runId, startedAt, runs, System.currentTimeMillis() - t0, null);
          all.addAll(runs);
        } catch (Exception e) { // incl. SparkException, which Spark throws undeclared from jobs
          Optional<PipelineException> unreadable = InputFailures.unreadableFile(e);
          appendFailure(runId, startedAt, spec, System.currentTimeMillis() - t0, unreadable.isPresent() ? unreadable.get() : e);
          if (unreadable.isPresent()) {
            throw unreadable.get();
          }
          throw e;
        }
      }
    }
    // vLLM token counters are compared with the API prices of the run's price book (docs/sources/vllm-metrics.md)
    NormalizeContext gpuContext = config.priceBook().isPresent() && config.gpuClusters().stream().anyMatch(c -> c.vllmMetrics().isPresent())
        ? new NormalizeContext(runId, startedAt, context.teamTagKeys(), PriceBook.load(Path.of(config.priceBook().get())))
        : context;
    GpuAllocationRun gpu = new GpuAllocationRun(spark, warehouse, progress).withFx(config.fx()).spreadBytes(spreadMetricsBytes);
    for (GpuClusterConfig cluster : config.gpuClusters()) {
      long t0 = System.currentTimeMillis();
      try {
        stage(io.aifocus.allocate.gpu.GpuAllocation.SOURCE_KIND, "allocate");
        List<SourceRun> runs = gpu.run(cluster, gpuContext, config.scope());
        appendRuns(runId, startedAt, runs, System.currentTimeMillis() - t0, null);
        all.addAll(runs);
      } catch (RuntimeException e) {
        appendFailure(runId, startedAt, io.aifocus.allocate.gpu.GpuAllocation.SOURCE_KIND, cluster.settings().cluster(),
            System.currentTimeMillis() - t0, e);
        throw e;
      }
    }
    // precedence steps (docs/reconciliation.md): steps 1-2 over this run's rows; step 3 (usage vs provider cost
    // reports) over the provider days this run wrote, across runs (CrossRunCostReports)
    stage("run", "usage vs cost");
    UsageCostReconciler.Outcome distributed = new UsageCostReconciler(spark, warehouse, progress).withFx(config.fx())
        .apply(runId, config.sources().stream().map(SourceSpec::kind).collect(Collectors.toSet()),
            sameTraffic, startedAt);
    stage("run", "check written rows");
    checkWrittenRows(runId, all, distributed.supersededRows() + gpu.claimedRows()); // claimed aws-cur rows: replaced by allocations
    Result result = new Result(runId, all);
    if (!result.reconciled()) {
      throw new PipelineException(
          PipelineErrorCode.RECONCILIATION_FAILED,
          "input total != output total + quarantined total; see pipeline_runs where run_id = '" + runId + "'");
    }
    if (!config.commitments().isEmpty()) {
      stage("run", "credits");
      new CreditsRun(spark, warehouse, progress).withFx(config.fx()).run(config.commitments(), runId, startedAt);
    }
    fingerprint.ifPresent(f -> UnchangedRuns.record(spark, warehouse, progress, runId, f, startedAt));
    return result;
  }

  /**
   * The context of one source: the run's, with the source's price book (its own {@code price-book} option,
   * else the run's). The spec passed to the reader names the same file, so reader and normalizer price alike.
   */
  private static NormalizeContext contextFor(JobConfig config, SourceSpec spec, NormalizeContext run) {
    Optional<String> book = config.priceBookOf(spec);
    if (book.isEmpty()) {
      return run;
    }
    return new NormalizeContext(run.runId(), run.ingestedAt(), run.teamTagKeys(), PriceBook.load(Path.of(book.get())));
  }

  /** Where s3:// inputs are staged: {@code java.io.tmpdir/aifocus-staging} (deleted after the run). */
  private static Path stagingRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"), "aifocus-staging");
  }

  /**
   * An s3:// source: the latest delivery per billing period is staged and run like a local source; deliveries
   * whose manifest is unchanged since the last run are skipped (recorded as SKIPPED in pipeline_runs).
   */
  private List<SourceRun> runS3Source(
      S3Inputs s3, SourceSpec spec, NormalizeContext context, RunScope scope, FxRates fx, String runId,
      Instant startedAt, long t0) {
    String kind = spec.kind().id();
    S3Inputs.Staged staged =
        s3.stage(spec, SourceDeliveriesTable.lastChecksums(spark, warehouse, kind, spec.path()));
    for (S3Inputs.Delivery d : staged.deliveries()) {
      progress.stage("%s: %s: latest delivery of %s is %s (%d file(s))",
          kind, spec.path(), d.period(), d.manifest(), d.files().size());
    }
    for (S3Inputs.Delivery d : staged.unchanged()) {
      String message = "delivery of " + d.period() + " unchanged since the last run (manifest " + d.manifest()
          + ", sha256 " + d.sha256().substring(0, 12) + "…): skipped";
      progress.stage("%s: %s: %s", kind, spec.path(), message);
      append(List.of(RowFactory.create(runId, kind, spec.path(),
          scala.jdk.javaapi.CollectionConverters.asScala(d.files()).toSeq(), null, null, null, null,
          null, null, null, null, true, startedAt, System.currentTimeMillis() - t0, "SKIPPED", message, null)));
    }
    if (staged.nothingToRead()) {
      return List.of();
    }
    List<SourceRun> runs = runSource(spec, staged, context, scope, fx);
    SourceDeliveriesTable.record(spark, warehouse, runId, kind, spec.path(), staged.deliveries(), startedAt);
    return runs;
  }

  /** One source; {@code staged} is its local copy when it is an s3:// source, else null. */
  private List<SourceRun> runSource(
      SourceSpec spec, S3Inputs.Staged staged, NormalizeContext context, RunScope scope, FxRates fx) {
    String kind = spec.kind().id();
    SourceSpec read = staged == null ? spec : staged.localSpec();
    stage(kind, "read (list, header, schema)");
    RawInput loaded = Sources.reader(spec.kind()).load(spark, withPriceBook(read, context));
    // The raw rows feed three queries (input totals, the accepted rows, the quarantined rows). JSON inputs and
    // small inputs are parsed once and kept until the outputs are written. Larger CSV and Parquet inputs are read
    // again by each query instead, which costs less than building and reading the in-memory copy of every parsed
    // row (1M CUR CSV rows: 65 s instead of 104 s); a JSON line costs more to parse again. Below the size limits
    // compiling each query's own read costs more than the copy (docs/benchmarks.md, changes 1 and 12).
    List<String> files = loaded.files();
    boolean keepParsed = anyJson(files) || (cacheSmallInputs && (parquetOnly(files)
        ? bytes(files, 1) < SMALL_INPUT_BYTES : bytes(files, COMPRESSED_TEXT_FACTOR) < SMALL_TEXT_INPUT_BYTES));
    Dataset<Row> parsedInput = keepParsed ? loaded.rows().persist(StorageLevel.MEMORY_AND_DISK()) : loaded.rows();
    try {
      return runSource(spec, staged, context, scope, fx, loaded, keepParsed);
    } finally {
      if (keepParsed) {
        parsedInput.unpersist(false);
      }
    }
  }

  /**
   * Total size of the local input files (0 for files it cannot see), a compressed ({@code .gz}) file counted
   * {@code compressedFactor} times.
   */
  private static long bytes(List<String> files, int compressedFactor) {
    long total = 0;
    for (String file : files) {
      Optional<Path> local = RunFingerprint.localFileOrDirectory(file);
      int factor = file.toLowerCase(java.util.Locale.ROOT).endsWith(".gz") ? compressedFactor : 1;
      try {
        total += local.isPresent() ? factor * java.nio.file.Files.size(local.get()) : 0;
      } catch (java.io.IOException e) {
        // gone since it was listed: the read reports it
      }
    }
    return total;
  }

  private static boolean parquetOnly(List<String> files) {
    return !files.isEmpty() && files.stream().allMatch(f -> InputFiles.formatOf(f) == InputFiles.Format.PARQUET);
  }

  private static boolean anyJson(List<String> files) {
    return files.stream().anyMatch(f -> InputFiles.formatOf(f) == InputFiles.Format.JSON);
  }

  private List<SourceRun> runSource(SourceSpec spec, S3Inputs.Staged staged, NormalizeContext context, RunScope scope,
      FxRates fx, RawInput loaded, boolean keepParsed) {
    String kind = spec.kind().id();
    RawInput raw = scope.apply(staged == null ? loaded : staged.restore(loaded));
    progress.stage("%s: reading %d file(s) from %s", kind, raw.files().size(), spec.path());
    String extrasNote = SourceExtras.note(raw.unknownColumns(), SourceExtras.mode(spec));
    if (extrasNote != null) {
      progress.stage("%s: %s", kind, extrasNote);
    }

    // A large CSV or Parquet input of a bill source is read once before the write, not twice: the input totals
    // (the reader's own period and amount of every raw row) are carried into the normalizer's tally and summed
    // in the same pass as the normalizer's outcomes (docs/benchmarks.md, change 19). A run limited to billing
    // periods, a cached input, or a normalizer that makes several rows of one raw row keeps the separate read.
    io.aifocus.api.Normalizer normalizer = Sources.normalizer(spec.kind());
    boolean oneReadCandidate = !keepParsed && scope.isAll() && normalizer.oneTallyRowPerRawRow();
    NormalizeResult result = normalizer.normalize(oneReadCandidate ? withInputColumns(raw) : raw, context);
    // constant-currency conversion: one place for every source, after normalization, before the write.
    Dataset<Row> converted = fx.apply(result.focus());
    Optional<Dataset<Row>> inputTally = oneReadCandidate && !shuffles(converted)
        ? result.tally().filter(t -> Arrays.asList(t.columns()).contains(NormalizeResult.INPUT_PERIOD))
        : Optional.empty();

    Map<Optional<Instant>, long[]> inputCounts = new LinkedHashMap<>();
    Map<Optional<Instant>, BigDecimal> inputTotals = new LinkedHashMap<>();
    long outOfScope = 0;
    FocusTotals oneReadTotals = null;
    if (inputTally.isPresent()) {
      stage(kind, "input totals + normalize + output totals");
      oneReadTotals = FocusTotals.ofTallyWithInput(inputTally.get(), inputCounts, inputTotals);
    } else {
      stage(kind, keepParsed ? "input totals (read + parse + cache)" : "input totals (read + parse)");
      for (Row r : loaded.rows()
          .select(raw.billingPeriodStart().as("p"), raw.billedAmount().as("a"))
          .groupBy(col("p"))
          .agg(count(lit(1)), sum(col("a")))
          .collectAsList()) {
        Optional<Instant> period = Optional.ofNullable(r.isNullAt(0) ? null : (Instant) r.get(0));
        if (!scope.includes(period)) {
          outOfScope += r.getLong(1);
          continue;
        }
        inputCounts.put(period, new long[] {r.getLong(1)});
        inputTotals.put(period, r.isNullAt(2) ? BigDecimal.ZERO.setScale(12) : r.getDecimal(2).setScale(12));
      }
    }
    long rowsIn = inputCounts.values().stream().mapToLong(c -> c[0]).sum();
    progress.stage("%s: %d input row(s)%s", kind, rowsIn,
        inputTally.isPresent() ? " (input and output totals in one read)" : "");
    if (outOfScope > 0) {
      progress.stage("%s: %d row(s) outside %s left out (rows without a parsable billing period included)",
          kind, outOfScope, scope.label());
    }

    // A normalizer that projects row by row is computed twice (the totals read a few of its columns, the write
    // all of them), which costs less than keeping every normalized row; one that aggregates or joins is kept,
    // and so is a small input, where compiling the wide normalization a second time costs more than keeping it.
    boolean keepFocus = inputTally.isEmpty() && ((cacheSmallInputs && rowsIn < SMALL_INPUT_ROWS) || shuffles(converted));
    Dataset<Row> focus = keepFocus ? converted.persist(StorageLevel.MEMORY_AND_DISK()) : converted;
    // Without the kept copy, the normalizer's tally counts accepted and rejected rows in the same pass; when it
    // finds no rejected row, the quarantine is not computed at all (one read of the input less).
    FocusTotals totals = oneReadTotals;
    if (totals == null) {
      stage(kind, "normalize + output totals");
      Optional<Dataset<Row>> tally = keepFocus ? Optional.empty() : result.tally();
      totals = tally.map(FocusTotals::ofTally).orElseGet(() -> FocusTotals.of(focus));
    }
    // A kept copy is computed once; when the normalizer counted, in that pass, the rows its accept filter left out,
    // a count of zero also means an empty quarantine (docs/benchmarks.md, change 21).
    boolean noneRejected = (totals.rejectedRows().isPresent() && totals.rejectedRows().getAsLong() == 0)
        || (keepFocus
            && result.droppedRows().map(d -> d.afterFocusComputed().equals(OptionalLong.of(0))).orElse(false));
    Dataset<Row> quarantine = noneRejected
        ? spark.createDataFrame(List.of(), result.quarantine().schema())
        : result.quarantine().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<Optional<Instant>, Object[]> out = totals.perPeriod();
      stage(kind, keepFocus ? "write focus" : "normalize + write focus");
      writeFocus(spec, focus, totals.scopes());
      // rows left without an FX rate: counted in the kept rows, else in the rows just written (a few columns of
      // this run's files), not by normalizing the input once more
      Map<Optional<Instant>, String> withoutRate = Map.of();
      if (fx.enabled() && !totals.scopes().isEmpty()) {
        stage(kind, "rows without an FX rate");
        withoutRate = fx.missing(keepFocus ? focus : writtenRows(kind, context.runId(), raw.files()));
      }
      withoutRate.values().forEach(note -> progress.stage("%s: %s", kind, note));
      stage(kind, "write quarantine");
      Map<Optional<Instant>, Object[]> bad = noneRejected
          ? Map.of()
          : aggregate(quarantine, QuarantineTable.BILLING_PERIOD_START, QuarantineTable.BILLED_AMOUNT);
      writeQuarantine(spec, context, quarantine, raw.files(), scope);
      stage(kind, "reconcile");
      progress.stage("%s: wrote %s (%d row(s)%s)", kind, QuarantineTable.TABLE_NAME,
          bad.values().stream().mapToLong(q -> (long) q[0]).sum(),
          noneRejected ? ": none rejected in the normalization pass" : "");

      TreeSet<Optional<Instant>> periods = new TreeSet<>(
          Comparator.comparing((Optional<Instant> p) -> p.orElse(Instant.MIN)));
      periods.addAll(inputCounts.keySet());
      periods.addAll(out.keySet());
      periods.addAll(bad.keySet());
      if (periods.isEmpty()) {
        periods.add(Optional.empty()); // empty input: still one recorded row with its files and zero counts
      }
      List<SourceRun> runs = new ArrayList<>();
      for (Optional<Instant> period : periods) {
        Object[] o = out.getOrDefault(period, new Object[] {0L, BigDecimal.ZERO, 0L, 0L});
        Object[] q = bad.getOrDefault(period, new Object[] {0L, BigDecimal.ZERO, 0L});
        runs.add(new SourceRun(kind, spec.path(), raw.files(),
            period.map(Timestamp::from).orElse(null),
            inputCounts.getOrDefault(period, new long[] {0})[0],
            (long) o[0], (long) q[0],
            inputTotals.getOrDefault(period, BigDecimal.ZERO), (BigDecimal) o[1], (BigDecimal) q[1],
            (long) q[2], (long) o[3]).withNote(extrasNote).withNote(withoutRate.get(period)));
      }
      for (SourceRun run : runs) {
        progress.stage("%s %s: rows in %d = out %d + quarantined %d%s; total %s = %s + %s%s",
            kind, run.billingPeriodStart() == null ? "(no period)" : run.billingPeriodStart().toInstant(),
            run.rowsIn(), run.rowsOut(), run.rowsQuarantined(),
            run.rowsWritten() == run.rowsOut() ? "" : " (source records; written as " + run.rowsWritten() + " FOCUS rows)",
            run.inputTotal().toPlainString(), run.outputTotal().toPlainString(), run.quarantinedTotal().toPlainString(),
            run.reconciled() ? " (reconciled)" : " (NOT RECONCILED)");
      }
      return runs;
    } finally {
      if (keepFocus) {
        focus.unpersist();
      }
      quarantine.unpersist();
    }
  }

  /** The focus_cost_and_usage rows run {@code runId} wrote from {@code files} of source kind {@code kind}. */
  private Dataset<Row> writtenRows(String kind, String runId, List<String> files) {
    return warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(col(ExtensionColumns.RUN_ID).equalTo(lit(runId))
            .and(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(kind)))
            .and(col(ExtensionColumns.SOURCE_FILE).isin(files.toArray())));
  }

  /** {@code raw} with the reader's period and amount of each row as columns ({@link RawColumns#INPUT_PERIOD}). */
  private static RawInput withInputColumns(RawInput raw) {
    Dataset<Row> rows = raw.rows()
        .withColumn(RawColumns.INPUT_PERIOD, raw.billingPeriodStart())
        .withColumn(RawColumns.INPUT_AMOUNT, raw.billedAmount());
    return new RawInput(raw.kind(), rows, raw.files(), raw.billedAmount(), raw.billingPeriodStart(), raw.unknownColumns());
  }

  /** Whether computing {@code rows} needs a shuffle: an aggregation, window, join or sort in its plan. */
  private static boolean shuffles(Dataset<Row> rows) {
    return rows.queryExecution().optimizedPlan().find(node -> node instanceof Aggregate || node instanceof Window
        || node instanceof Join || node instanceof Sort || node instanceof RepartitionOperation).isDefined();
  }

  /** The spec with the {@code price-book} option the reader needs to price raw rows like the normalizer. */
  private static SourceSpec withPriceBook(SourceSpec spec, NormalizeContext context) {
    if (context.priceBook().prices().isEmpty() || spec.options().containsKey(JobConfig.PRICE_BOOK_OPTION)) {
      return spec;
    }
    Map<String, String> options = new LinkedHashMap<>(spec.options());
    options.put(JobConfig.PRICE_BOOK_OPTION, context.priceBook().source());
    return new SourceSpec(spec.kind(), spec.path(), options);
  }

  /**
   * The accepted rows' totals per billing account and billing period, in one pass that reads only the columns
   * it sums: the scopes the write replaces, and per period the source records (Σ x_SourceRecords; 1 for a row
   * without it), BilledCost total, rows whose BilledCost is null and FOCUS rows. The post-write check
   * ({@link #checkWrittenRows}) then counts what landed. From a normalizer's tally, the same pass also counts
   * the rejected rows (their totals still come from the quarantine rows, which are computed only when there are
   * any); from the FOCUS rows alone, {@code rejectedRows} is empty.
   */
  record FocusTotals(List<Row> scopes, Map<Optional<Instant>, Object[]> perPeriod, OptionalLong rejectedRows) {
    static FocusTotals of(Dataset<Row> focus) {
      Column[] sums = sums(col(ExtensionColumns.SOURCE_RECORDS), col(FocusColumns.BILLED_COST));
      List<Row> scopes = focus.groupBy(col(FocusColumns.BILLING_ACCOUNT_ID), col(FocusColumns.BILLING_PERIOD_START))
          .agg(sums[0], Arrays.copyOfRange(sums, 1, sums.length))
          .collectAsList();
      return new FocusTotals(List.copyOf(scopes), perPeriod(scopes), OptionalLong.empty());
    }

    /** From a {@link NormalizeResult#tally}: accepted and rejected rows in one pass. */
    static FocusTotals ofTally(Dataset<Row> tally) {
      List<Row> scopes = new ArrayList<>();
      long rejected = 0;
      Column[] sums = sums(col(NormalizeResult.SOURCE_RECORDS), col(NormalizeResult.AMOUNT));
      for (Row r : tally.groupBy(col(NormalizeResult.REJECTED), col(NormalizeResult.ACCOUNT), col(NormalizeResult.PERIOD))
          .agg(sums[0], Arrays.copyOfRange(sums, 1, sums.length))
          .collectAsList()) {
        if (!r.getBoolean(0)) {
          scopes.add(RowFactory.create(r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)));
          continue;
        }
        rejected += r.getLong(6);
      }
      return new FocusTotals(List.copyOf(scopes), perPeriod(scopes), OptionalLong.of(rejected));
    }

    /**
     * From a tally that carries the reader's period and amount of each raw row ({@link NormalizeResult#INPUT_PERIOD}):
     * one pass groups by the input period and the outcome. The input rows and totals per period go into
     * {@code inputCounts} and {@code inputTotals}, summed over the outcomes; the outcomes, summed over the input
     * periods, are returned as {@link #ofTally} returns them.
     */
    static FocusTotals ofTallyWithInput(Dataset<Row> tally, Map<Optional<Instant>, long[]> inputCounts,
        Map<Optional<Instant>, BigDecimal> inputTotals) {
      Column[] sums = sums(col(NormalizeResult.SOURCE_RECORDS), col(NormalizeResult.AMOUNT));
      Map<List<Object>, Object[]> outcomes = new LinkedHashMap<>();
      long rejected = 0;
      for (Row r : tally.groupBy(col(NormalizeResult.INPUT_PERIOD), col(NormalizeResult.REJECTED),
              col(NormalizeResult.ACCOUNT), col(NormalizeResult.PERIOD))
          .agg(sum(col(NormalizeResult.INPUT_AMOUNT)), sums)
          .collectAsList()) {
        // input side: rows (the group's row count) and the reader's amount, per the reader's period
        Optional<Instant> inputPeriod = Optional.ofNullable(r.isNullAt(0) ? null : (Instant) r.get(0));
        long rows = r.getLong(8);
        inputCounts.computeIfAbsent(inputPeriod, k -> new long[] {0})[0] += rows;
        inputTotals.merge(inputPeriod,
            r.isNullAt(4) ? BigDecimal.ZERO.setScale(12) : r.getDecimal(4).setScale(12), BigDecimal::add);
        // outcome side, as ofTally: accepted rows per billing account and period, rejected rows counted
        if (r.getBoolean(1)) {
          rejected += rows;
          continue;
        }
        Object[] o = outcomes.computeIfAbsent(Arrays.asList(r.get(2), r.get(3)),
            k -> new Object[] {0L, BigDecimal.ZERO.setScale(12), 0L, 0L});
        o[0] = (long) o[0] + r.getLong(5);
        o[1] = ((BigDecimal) o[1]).add(r.getDecimal(6)).setScale(12);
        o[2] = (long) o[2] + (r.isNullAt(7) ? 0L : r.getLong(7));
        o[3] = (long) o[3] + rows;
      }
      List<Row> scopes = new ArrayList<>();
      outcomes.forEach((key, o) -> scopes.add(RowFactory.create(key.get(0), key.get(1), o[0], o[1], o[2], o[3])));
      return new FocusTotals(List.copyOf(scopes), perPeriod(scopes), OptionalLong.of(rejected));
    }

    /**
     * The aggregates over rows of {@code records} (x_SourceRecords, null counted as 1) and {@code amount}: Σ
     * records, amount total (0 without any), records whose amount is null, rows.
     */
    private static Column[] sums(Column records, Column amount) {
      Column each = coalesce(records, lit(1));
      return new Column[] {
        sum(each.cast("long")),
        coalesce(sum(amount), lit(BigDecimal.ZERO)),
        sum(when(amount.isNull(), each).otherwise(0)).cast("long"),
        count(lit(1))
      };
    }

    /** Per period, from scope rows (account, period, Σ records, amount total, records without amount, rows). */
    private static Map<Optional<Instant>, Object[]> perPeriod(List<Row> scopes) {
      Map<Optional<Instant>, Object[]> out = new LinkedHashMap<>();
      for (Row r : scopes) {
        Optional<Instant> p = Optional.ofNullable(r.isNullAt(1) ? null : (Instant) r.get(1));
        Object[] sums = out.computeIfAbsent(p, k -> new Object[] {0L, BigDecimal.ZERO.setScale(12), 0L, 0L});
        sums[0] = (long) sums[0] + r.getLong(2);
        sums[1] = ((BigDecimal) sums[1]).add(r.getDecimal(3)).setScale(12);
        sums[2] = (long) sums[2] + (r.isNullAt(4) ? 0L : r.getLong(4));
        sums[3] = (long) sums[3] + r.getLong(5);
      }
      return out;
    }
  }

  /** Per billing period: row count, amount total, rows whose amount is null. */
  private static Map<Optional<Instant>, Object[]> aggregate(Dataset<Row> rows, String period, String amount) {
    Map<Optional<Instant>, Object[]> out = new LinkedHashMap<>();
    for (Row r : rows.groupBy(col(period))
        .agg(count(lit(1)), coalesce(sum(col(amount)), lit(BigDecimal.ZERO)),
            sum(when(col(amount).isNull(), 1).otherwise(0)))
        .collectAsList()) {
      Optional<Instant> p = Optional.ofNullable(r.isNullAt(0) ? null : (Instant) r.get(0));
      BigDecimal total = r.getDecimal(2).setScale(12);
      out.put(p, new Object[] {r.getLong(1), total, r.isNullAt(3) ? 0L : r.getLong(3)});
    }
    return out;
  }

  /**
   * Writes the accepted rows, atomically replacing every row of the same source kind, billing account
   * and billing period (a restated delivery replaces the old one; other sources and periods stay).
   */
  private void writeFocus(SourceSpec spec, Dataset<Row> focus, List<Row> scopes) {
    if (scopes.isEmpty()) {
      progress.stage("%s: no accepted rows, nothing to write", spec.kind().id());
      return;
    }
    String predicate = ExtensionColumns.SOURCE_KIND + " = " + sqlString(spec.kind().id()) + " AND ("
        + scopes.stream()
            .map(s -> "(" + FocusColumns.BILLING_ACCOUNT_ID + " = " + sqlString(s.getString(0)) + " AND "
                + FocusColumns.BILLING_PERIOD_START + " = TIMESTAMP '" + SQL_TIMESTAMP.format((Instant) s.get(1)) + "')")
            .sorted()
            .collect(Collectors.joining(" OR "))
        + ")";
    String path = warehouse.path(CostAndUsageTable.TABLE_NAME);
    DeltaRetry.write(CostAndUsageTable.TABLE_NAME, progress, () -> {
      warehouse.createFocusTableIfAbsent(focus.schema());
      focus.write().format("delta").mode(SaveMode.Overwrite)
          .option("replaceWhere", predicate)
          .option("mergeSchema", "true")
          .save(path);
    });
    progress.stage("%s: wrote %s (replacing %d billing account/period scope(s))",
        spec.kind().id(), CostAndUsageTable.TABLE_NAME, scopes.size());
  }

  /**
   * Writes rejected rows, replacing earlier quarantine rows of the same source kind and files (and, in a run
   * limited by --period/--since, of the same billing periods).
   */
  private void writeQuarantine(
      SourceSpec spec, NormalizeContext context, Dataset<Row> quarantine, List<String> files, RunScope scope) {
    Dataset<Row> rows = quarantine.select(
        lit(context.runId()).as(QuarantineTable.RUN_ID),
        col(QuarantineTable.SOURCE_KIND), col(QuarantineTable.SOURCE_FILE), col(QuarantineTable.SOURCE_LINE),
        col(QuarantineTable.SOURCE_FIELD), col(QuarantineTable.ERROR_CODE), col(QuarantineTable.ERROR_MESSAGE),
        col(QuarantineTable.RAW_RECORD), col(QuarantineTable.BILLING_PERIOD_START), col(QuarantineTable.BILLED_AMOUNT),
        lit(Timestamp.from(context.ingestedAt())).as(QuarantineTable.QUARANTINED_AT));
    String path = warehouse.path(QuarantineTable.TABLE_NAME);
    String inScope = scope.sqlCondition(QuarantineTable.BILLING_PERIOD_START);
    String predicate = QuarantineTable.SOURCE_KIND + " = " + sqlString(spec.kind().id()) + " AND "
        + QuarantineTable.SOURCE_FILE + " IN (" + files.stream().map(PipelineRunner::sqlString)
            .collect(Collectors.joining(", ")) + ")"
        + (inScope.isEmpty() ? "" : " AND " + inScope);
    DeltaRetry.write(QuarantineTable.TABLE_NAME, progress, () -> {
      if (!warehouse.exists(QuarantineTable.TABLE_NAME)) {
        spark.createDataFrame(List.of(), QuarantineTable.schema()).write().format("delta").mode(SaveMode.Append).save(path);
      }
    });
    DeltaRetry.write(QuarantineTable.TABLE_NAME, progress,
        () -> rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate).save(path));
  }

  /**
   * The table must hold exactly the rows this run reported as written, less the cost rows superseded. x_RunId has
   * file statistics (tables created since statistics were limited to {@link Warehouse#FOCUS_STATS_COLUMNS}), so
   * the count skips the files of other runs instead of scanning the whole table.
   */
  private void checkWrittenRows(String runId, List<SourceRun> runs, long superseded) {
    long expected = runs.stream().mapToLong(SourceRun::rowsWritten).sum() - superseded;
    long actual = warehouse.exists(CostAndUsageTable.TABLE_NAME)
        ? warehouse.read(CostAndUsageTable.TABLE_NAME).where(col(ExtensionColumns.RUN_ID).equalTo(lit(runId))).count()
        : 0;
    if (actual != expected) {
      throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED,
          CostAndUsageTable.TABLE_NAME + " holds " + actual + " rows of run " + runId + ", expected " + expected);
    }
  }

  private void appendRuns(String runId, Instant startedAt, List<SourceRun> runs, long durationMs, String message) {
    stage("run", "pipeline_runs");
    List<Row> rows = new ArrayList<>();
    for (SourceRun run : runs) {
      rows.add(RowFactory.create(runId, run.sourceKind(), run.sourcePath(),
          scala.jdk.javaapi.CollectionConverters.asScala(run.files()).toSeq(),
          run.billingPeriodStart() == null ? null : run.billingPeriodStart().toInstant(),
          run.rowsIn(), run.rowsOut(), run.rowsQuarantined(),
          run.inputTotal(), run.outputTotal(), run.quarantinedTotal(), run.unparsableAmountRows(),
          run.reconciled(), startedAt, durationMs, run.reconciled() ? "SUCCEEDED" : "NOT_RECONCILED",
          message != null ? message : run.note(), run.rowsWritten()));
    }
    append(rows);
  }

  private void appendFailure(String runId, Instant startedAt, SourceSpec spec, long durationMs, Exception e) {
    appendFailure(runId, startedAt, spec.kind().id(), spec.path(), durationMs, e);
  }

  private void appendFailure(String runId, Instant startedAt, String kind, String path, long durationMs, Exception e) {
    try {
      append(List.of(RowFactory.create(runId, kind, path, null, null, null, null, null,
          null, null, null, null, false, startedAt, durationMs, "FAILED", Objects.toString(e.getMessage(), e.toString()), null)));
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  private void append(List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    DeltaRetry.write(PipelineRunsTable.TABLE_NAME, progress, () -> spark.createDataFrame(rows, PipelineRunsTable.schema())
        .write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true") // rows_written: added later
        .save(warehouse.path(PipelineRunsTable.TABLE_NAME)));
  }

  static String sqlString(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String runId(Instant startedAt) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(startedAt)
        + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
