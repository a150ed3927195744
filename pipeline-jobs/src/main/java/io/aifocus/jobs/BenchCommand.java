package io.aifocus.jobs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.ingest.k8s.PrometheusReader;
import io.aifocus.jobs.bench.BenchData;
import io.aifocus.jobs.bench.BenchReport;
import io.aifocus.jobs.bench.BenchResult;
import io.aifocus.jobs.bench.HeapMonitor;
import io.aifocus.jobs.bench.SparkStageMetrics;
import io.aifocus.schema.CostAndUsageTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aifocus bench}: generates deterministic inputs and runs, in one process on the same files, (a) the aifocus
 * pipeline (the real {@link PipelineRunner} path: read, normalize, write, reconcile), (b) the engine floor (a plain
 * Spark read and Delta write partitioned the same way) and (c) DuckDB over JDBC (the same projection to partitioned
 * Parquet); reports wall time, rows/s, peak heap, files per partition and Spark's metrics per stage (docs/benchmarks.md).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark: generate deterministic inputs, then run aifocus, the plain Spark floor and DuckDB side by "
        + "side on them and write a Markdown report (docs/benchmarks.md).",
        "Inputs: cur-csv (legacy CUR CSV), cur-parquet (the same rows as CUR 2.0 Parquet), gateway-log (LLM request "
            + "JSONL), dcgm (DCGM samples, Prometheus text: parse only, no DuckDB), gpu-cluster (the same DCGM samples "
            + "with kube-state-metrics and node prices: the whole GPU cost allocation; aifocus only).",
        "Engines: aifocus (normalize + Delta write + reconcile, then a timed rerun of the unchanged period), spark "
            + "(plain read + Delta write partitioned by team/model, no transformation), duckdb (same projection to "
            + "partitioned Parquet; needs the DuckDB JDBC driver, on bin/aifocus's classpath, not in the cluster jar)."},
    footer = {"", "Examples:",
        "  aifocus bench --rows 200000 --report bench.md",
        "  AIFOCUS_JAVA_OPTS=-Xmx4g aifocus bench --master 'local[2]' --rows 10000000 --inputs cur-csv,cur-parquet "
            + "--report docs/benchmarks.md --section quiet-machine"})
final class BenchCommand implements Callable<Integer> {
  static final String ENGINE_AIFOCUS = "aifocus";
  static final String ENGINE_RERUN = "aifocus rerun";
  static final String ENGINE_FLOOR = "spark floor";
  static final String ENGINE_DUCKDB = "duckdb";
  static final String TEAM = "team";
  static final String MODEL = "model";

  @Option(names = "--rows", paramLabel = "N", defaultValue = "100000",
      description = "CUR lines and gateway requests to generate (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--inputs", paramLabel = "LIST", split = ",", defaultValue = "cur-csv,cur-parquet,gateway-log,dcgm",
      description = "Inputs to generate and run (default: ${DEFAULT-VALUE}).")
  List<String> inputs;

  private static final int WARM_UP_ROWS = 1_000;
  private long warmUpMs = -1;

  @Option(names = "--engines", paramLabel = "LIST", split = ",", defaultValue = "aifocus,spark,duckdb",
      description = "Engines to run (default: ${DEFAULT-VALUE}).")
  List<String> engines;

  @Option(names = "--gpus", paramLabel = "N", defaultValue = "8",
      description = "DCGM and gpu-cluster: GPUs (8 per node) sampled every 30 s (default: ${DEFAULT-VALUE}).")
  int gpus;

  @Option(names = "--days", paramLabel = "N", defaultValue = "1",
      description = "DCGM and gpu-cluster: days of samples (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--no-rerun", description = "Skip the timed rerun of the unchanged period.")
  boolean noRerun;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
      description = "Run every engine N times, in rounds (each round runs every input and engine once, on fresh "
          + "outputs); the report lists every run and the median, fastest and slowest, and measures the targets on "
          + "the median runs (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--generate-only", description = "Only write the inputs into --work and print their sizes and checksums.")
  boolean generateOnly;

  @Option(names = "--work", paramLabel = "DIR", defaultValue = "bench-work",
      description = "Directory for generated inputs (data/) and the engines' outputs (aifocus-*, floor-*, duckdb-*), which "
          + "are deleted first (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--report", paramLabel = "FILE", description = "Markdown file to write the results into (section --section).")
  Path report;

  @Option(names = "--section", paramLabel = "NAME", defaultValue = "latest",
      description = "Name of the report section, replaced when the file has it, else appended (default: ${DEFAULT-VALUE}).")
  String section;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: what spark-submit set, else local[*]); the targets are for local[2].")
  String master;

  @Option(names = {"-q", "--quiet"}, description = "No pipeline progress lines on stderr.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (repeat < 1) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--repeat must be 1 or more, not " + repeat);
    }
    String loadStart = BenchReport.loadAverage();
    Instant started = Instant.now();
    Path data = work.resolve("data");
    // only what an earlier bench run wrote: the work directory may hold other files
    if (Files.isDirectory(work)) {
      try (Stream<Path> children = Files.list(work)) {
        for (Path child : children.filter(BenchCommand::benchOutput).toList()) {
          deleteTree(child);
        }
      }
    }
    Files.createDirectories(data);
    List<Input> generated = new ArrayList<>();
    for (String name : inputs) {
      long t0 = System.nanoTime();
      Input input = generate(name, data);
      System.out.printf(Locale.ROOT, "generated %s: %d record(s), %,d bytes in %.1f s, sha256 %s%n", name,
          input.file().rows(), size(input), (System.nanoTime() - t0) / 1e9, input.file().sha256());
      generated.add(input);
    }
    if (generateOnly) {
      return 0;
    }
    SparkSession spark = SparkSessions.create(master);
    SparkContext sc = spark.sparkContext();
    SparkStageMetrics metrics = new SparkStageMetrics();
    sc.addSparkListener(metrics);
    List<BenchResult> results = new ArrayList<>();
    try (HeapMonitor heap = new HeapMonitor()) {
      Engines e = new Engines(spark, metrics, heap, new Progress(System.err, quiet));
      if (engines.contains("aifocus") || engines.contains("spark")) {
        warmUpMs = e.warmUp(work.resolve("floor-warm-up"));
        System.out.printf(Locale.ROOT, "warm-up: Delta write, replaceWhere overwrite and read of %d rows in %.1f s"
            + " (before every engine, in no engine's time)%n", WARM_UP_ROWS, warmUpMs / 1000.0);
      }
      for (int run = 1; run <= repeat; run++) {
        for (Input input : generated) {
          if (engines.contains("aifocus")) {
            Path dir = fresh(work.resolve("aifocus-" + input.name()), run);
            results.add(print(e.aifocus(input, dir, false).withRun(run)));
            if (!noRerun && (input.kind() != null || input.gpu() != null)) {
              results.add(print(e.aifocus(input, dir, true).withRun(run)));
            }
          }
          if (engines.contains("spark")) {
            results.add(print(e.floor(input, fresh(work.resolve("floor-" + input.name()), run)).withRun(run)));
          }
          if (engines.contains("duckdb")) {
            results.add(print(e.duckdb(input, fresh(work.resolve("duckdb-" + input.name()), run)).withRun(run)));
          }
        }
      }
    } finally {
      sc.removeSparkListener(metrics);
    }
    BenchReport.Machine machine = new BenchReport.Machine(Runtime.getRuntime().availableProcessors(),
        BenchReport.totalRam(), System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        Runtime.getRuntime().maxMemory(), "Spark " + spark.version(), sc.master(), duckDbVersion(),
        loadStart, BenchReport.loadAverage(), started.toString());
    String body = BenchReport.render(section, commandLine(), machine, results, targets(results), notes(generated));
    if (report != null) {
      BenchReport.write(report, section, body);
      System.out.println("report: " + report + " (section " + section + ")");
    } else {
      System.out.print(body);
    }
    return results.stream().allMatch(BenchResult::ok) ? 0 : AifocusCli.EXIT_FAILED;
  }

  private BenchResult print(BenchResult r) {
    System.out.printf(Locale.ROOT, "%-12s %-14s%s %,12d rows %8.2f s %,12.0f rows/s  peak heap %,6d MiB  %d file(s)  %s%n",
        r.input(), r.engine(), repeat > 1 ? " run " + r.run() + "/" + repeat : "", r.rows(), r.wallMs() / 1000.0,
        r.rowsPerSecond(), r.peakHeapBytes() >> 20, r.files(), r.check());
    return r;
  }

  /** An engine's output directory, emptied before every run after the first (the first finds it deleted). */
  private static Path fresh(Path dir, int run) throws IOException {
    if (run > 1) {
      deleteTree(dir);
    }
    return dir;
  }

  /**
   * A generated input: its name, file, the source kind aifocus reads it as (null: DCGM or a GPU cluster), its price
   * book; {@code gpu}: the generated GPU cluster (null for the other inputs), whose {@code file} is its config, with
   * the DCGM and kube-state-metrics samples as records and the expected allocated total as billed total.
   */
  record Input(String name, BenchData.Generated file, SourceKind kind, Optional<Path> priceBook, BenchData.GpuCluster gpu) {
    Input(String name, BenchData.Generated file, SourceKind kind, Optional<Path> priceBook) {
      this(name, file, kind, priceBook, null);
    }
  }

  private Input generate(String name, Path data) throws IOException {
    return switch (name) {
      case "cur-csv" -> new Input(name, BenchData.curCsv(data.resolve("cur-legacy.csv"), rows, seed), SourceKind.AWS_CUR,
          Optional.empty());
      case "cur-parquet" -> new Input(name, BenchData.curParquet(data.resolve("cur2.parquet"), rows, seed),
          SourceKind.AWS_CUR, Optional.empty());
      case "gateway-log" -> new Input(name, BenchData.gatewayLog(data.resolve("gateway.jsonl"), rows, seed),
          SourceKind.GATEWAY_LOG, Optional.of(BenchData.priceBook(data.resolve("price-book.csv"))));
      case "dcgm" -> new Input(name, BenchData.dcgm(data.resolve("dcgm.prom"), gpus, days, seed), null, Optional.empty());
      case "gpu-cluster" -> {
        BenchData.GpuCluster gpu = BenchData.gpuCluster(data.resolve("gpu-cluster"), gpus, days, seed);
        yield new Input(name, new BenchData.Generated(gpu.config(), gpu.dcgm().rows() + gpu.kubeStateMetrics().rows(),
            gpu.expectedTotal(), BenchData.sha256(gpu.config())), null, Optional.empty(), gpu);
      }
      default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "unknown input '" + name + "' (cur-csv, cur-parquet, gateway-log, dcgm, gpu-cluster)");
    };
  }

  /** The three engines over one session, sharing the metrics listener and the heap monitor. */
  static final class Engines {
    private final SparkSession spark;
    private final SparkStageMetrics metrics;
    private final HeapMonitor heap;
    private final Progress progress;

    Engines(SparkSession spark, SparkStageMetrics metrics, HeapMonitor heap, Progress progress) {
      this.spark = spark;
      this.metrics = metrics;
      this.heap = heap;
      this.progress = progress;
    }

    /** (a) The pipeline as `aifocus run` runs it; {@code rerun}: again on the warehouse the first run wrote. */
    BenchResult aifocus(Input input, Path dir, boolean rerun) {
      String engine = rerun ? ENGINE_RERUN : ENGINE_AIFOCUS;
      start();
      long t0 = System.nanoTime();
      try {
        if (input.kind() == null && input.gpu() == null) {
          return dcgmParse(input, dir, t0);
        }
        String warehouseDir = dir.resolve("warehouse").toString();
        Warehouse warehouse = new Warehouse(spark, warehouseDir);
        JobConfig config = input.gpu() != null
            ? JobConfig.fromYaml(input.gpu().config()).withWarehouse(warehouseDir)
            : new JobConfig(warehouseDir, List.of(new SourceSpec(input.kind(), input.file().file().toString(), java.util.Map.of())),
                NormalizeContext.DEFAULT_TEAM_TAG_KEYS, input.priceBook().map(Path::toString));
        PipelineRunner.Result result = new PipelineRunner(spark, warehouse, progress).run(config);
        long wall = elapsedMs(t0);
        long peak = heap.peakBytes();
        List<BenchResult.Stage> stages = sparkStages(wall, "aifocus ", 1);
        long rowsIn = result.sources().stream().mapToLong(SourceRun::rowsIn).sum();
        long quarantined = result.rowsQuarantined();
        BigDecimal inputTotal = result.sources().stream().map(SourceRun::inputTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal outputTotal = result.sources().stream().map(SourceRun::outputTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (result.unchangedSince().isPresent()) { // the unchanged rerun skips (docs/operations.md)
          DataFiles files = DataFiles.ofDelta(spark, warehouse.path(CostAndUsageTable.TABLE_NAME));
          return new BenchResult(input.name(), engine, input.file().rows(), wall, peak, files.files(), files.partitions(),
              files.maxPerPartition(), "unchanged since run " + result.unchangedSince().get() + ": skipped, nothing rewritten",
              true, stages);
        }
        if (input.gpu() != null) {
          return gpuAllocation(input, engine, wall, peak, stages, result, rowsIn, inputTotal, outputTotal,
              DataFiles.ofDelta(spark, warehouse.path(CostAndUsageTable.TABLE_NAME)));
        }
        boolean exact = result.reconciled() && quarantined == 0
            && (input.file().billedTotal() == null
                ? rowsIn >= input.file().rows()
                : rowsIn == input.file().rows() && inputTotal.compareTo(input.file().billedTotal()) == 0);
        String check = (exact ? "exact" : "NOT EXACT") + ": rows in " + rowsIn + " = out " + result.rowsOut()
            + " + quarantined " + quarantined + "; Σ " + outputTotal.stripTrailingZeros().toPlainString()
            + (input.file().billedTotal() == null ? " (priced)" : " = generated Σ "
                + input.file().billedTotal().stripTrailingZeros().toPlainString());
        DataFiles files = DataFiles.ofDelta(spark, warehouse.path(CostAndUsageTable.TABLE_NAME));
        return new BenchResult(input.name(), engine, input.file().rows(), wall, peak, files.files(), files.partitions(),
            files.maxPerPartition(), check, exact, stages);
      } catch (RuntimeException e) {
        return BenchResult.failed(input.name(), engine, input.file().rows(), elapsedMs(t0), heap.peakBytes(),
            "FAILED: " + e.getMessage());
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
    }

    /**
     * The GPU cluster's check: one origin charge per generated node-hour, every one allocated, and the origins and the
     * allocated rows both summing to GPUs × hours × the generated GPU-hour price, to the last digit.
     */
    private static BenchResult gpuAllocation(Input input, String engine, long wall, long peak, List<BenchResult.Stage> stages,
        PipelineRunner.Result result, long origins, BigDecimal originTotal, BigDecimal allocatedTotal, DataFiles files) {
      BigDecimal expected = input.gpu().expectedTotal();
      boolean exact = result.reconciled() && result.rowsQuarantined() == 0 && origins == input.gpu().nodeHours()
          && originTotal.compareTo(expected) == 0 && allocatedTotal.compareTo(expected) == 0;
      String check = (exact ? "exact" : "NOT EXACT") + ": node-hours " + input.gpu().nodeHours() + " = origin charges "
          + origins + " → " + result.rowsOut() + " allocated row(s); Σ allocated " + allocatedTotal.stripTrailingZeros().toPlainString()
          + " = Σ origins " + originTotal.stripTrailingZeros().toPlainString() + " = generated Σ "
          + expected.stripTrailingZeros().toPlainString();
      return new BenchResult(input.name(), engine, input.file().rows(), wall, peak, files.files(), files.partitions(),
          files.maxPerPartition(), check, exact, stages);
    }

    /** DCGM: the Prometheus parser GPU allocation reads samples with, written as a Delta table of samples. */
    private BenchResult dcgmParse(Input input, Path dir, long t0) {
      spark.sparkContext().setJobDescription("aifocus dcgm: parse + write");
      PrometheusReader.Result parsed = PrometheusReader.read(spark, input.file().file().toString(), Optional.empty());
      String out = dir.resolve("samples").toString();
      parsed.rows().write().format("delta").mode(SaveMode.Overwrite).save(out);
      spark.sparkContext().setJobDescription("aifocus dcgm: validate");
      long written = spark.read().format("delta").load(out).count();
      long wall = elapsedMs(t0);
      boolean exact = written == input.file().rows();
      DataFiles files = DataFiles.ofDelta(spark, out);
      return new BenchResult(input.name(), ENGINE_AIFOCUS, input.file().rows(), wall, heap.peakBytes(), files.files(),
          files.partitions(), files.maxPerPartition(),
          (exact ? "exact" : "NOT EXACT") + ": " + written + " sample row(s) parsed (ingest stage of GPU allocation only)",
          exact, sparkStages(wall, "aifocus ", 1));
    }

    /** (b) The engine floor: plain read, the partition columns, a Delta write; no transformation. */
    BenchResult floor(Input input, Path dir) {
      if (input.gpu() != null) {
        return BenchResult.notApplicable(input.name(), ENGINE_FLOOR, input.file().rows(),
            "skipped: a split has no plain-engine equivalent (the dcgm input times the read + write of the samples)");
      }
      start();
      long t0 = System.nanoTime();
      try {
        String path = input.file().file().toString();
        String out = dir.resolve("delta").toString();
        spark.sparkContext().setJobDescription("floor: read + write");
        Dataset<Row> in;
        Column team;
        Column model;
        switch (input.name()) {
          case "cur-csv" -> {
            in = spark.read().option("header", "true").csv(path);
            team = col(quote(BenchData.CSV_TEAM_TAG));
            model = col(quote(BenchData.CSV_MODEL_TAG));
          }
          case "cur-parquet" -> {
            in = spark.read().parquet(path);
            team = element_at(col("resource_tags"), lit(BenchData.TAG_TEAM));
            model = element_at(col("resource_tags"), lit(BenchData.TAG_MODEL));
          }
          case "gateway-log" -> {
            in = spark.read().schema(GATEWAY_SCHEMA).json(path);
            team = col("team");
            model = col(quote("gen_ai.request.model"));
          }
          default -> {
            in = spark.read().text(path);
            team = null;
            model = null;
          }
        }
        Dataset<Row> projected = team == null ? in : in
            .withColumn(TEAM, coalesce(nullif(team, lit("")), lit("unattributed")))
            .withColumn(MODEL, coalesce(nullif(model, lit("")), lit(CostAndUsageTable.NO_MODEL)));
        var writer = projected.write().format("delta").mode(SaveMode.Overwrite);
        if (team != null) {
          writer = writer.partitionBy(TEAM, MODEL);
        }
        writer.save(out);
        long writeEnd = System.nanoTime();
        spark.sparkContext().setJobDescription("floor: validate");
        long written = spark.read().format("delta").load(out).count();
        long wall = elapsedMs(t0);
        boolean exact = written == input.file().rows() + (team == null ? 2 : 0); // dcgm: the two comment lines
        DataFiles files = DataFiles.ofDelta(spark, out);
        List<BenchResult.Stage> stages = sparkStages(wall, "floor: ", 0);
        return new BenchResult(input.name(), ENGINE_FLOOR, input.file().rows(), wall, heap.peakBytes(), files.files(),
            files.partitions(), files.maxPerPartition(), (exact ? "exact" : "NOT EXACT") + ": " + written + " row(s) in the table",
            exact, stages);
      } catch (RuntimeException e) {
        return BenchResult.failed(input.name(), ENGINE_FLOOR, input.file().rows(), elapsedMs(t0), heap.peakBytes(),
            "FAILED: " + e.getMessage());
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
    }

    /** (c) DuckDB over JDBC: the floor's projection to Parquet partitioned by team/model (Hive layout). */
    BenchResult duckdb(Input input, Path dir) {
      start();
      long t0 = System.nanoTime();
      String path = input.file().file().toAbsolutePath().toString().replace("'", "''");
      String source = switch (input.name()) {
        case "cur-csv" -> "SELECT *, coalesce(nullif(\"" + BenchData.CSV_TEAM_TAG + "\", ''), 'unattributed') AS team, "
            + "coalesce(nullif(\"" + BenchData.CSV_MODEL_TAG + "\", ''), 'none') AS model "
            + "FROM read_csv('" + path + "', header = true, all_varchar = true)";
        case "cur-parquet" -> "SELECT *, coalesce(nullif(map_extract(resource_tags, '" + BenchData.TAG_TEAM
            + "')[1], ''), 'unattributed') AS team, coalesce(nullif(map_extract(resource_tags, '" + BenchData.TAG_MODEL
            + "')[1], ''), 'none') AS model FROM read_parquet('" + path + "')";
        case "gateway-log" -> "SELECT *, coalesce(nullif(team, ''), 'unattributed') AS team_p, "
            + "coalesce(\"gen_ai.request.model\", 'none') AS model FROM read_json('" + path
            + "', format = 'newline_delimited')";
        default -> null;
      };
      if (source == null) {
        return BenchResult.notApplicable(input.name(), ENGINE_DUCKDB, input.file().rows(), input.gpu() != null
            ? "skipped: a split has no plain-engine equivalent" : "skipped: DuckDB has no Prometheus text reader");
      }
      boolean gateway = input.name().equals("gateway-log");
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
        st.execute("SET threads = " + spark.sparkContext().defaultParallelism());
        Files.createDirectories(dir);
        String out = dir.resolve("parquet").toAbsolutePath().toString().replace("'", "''");
        long w0 = System.nanoTime();
        st.execute("COPY (" + source + ") TO '" + out + "' (FORMAT PARQUET, PARTITION_BY (" + (gateway ? "team_p" : TEAM)
            + ", model), COMPRESSION snappy)");
        long writeMs = elapsedMs(w0);
        long v0 = System.nanoTime();
        long written;
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + out + "/**/*.parquet')")) {
          rs.next();
          written = rs.getLong(1);
        }
        long validateMs = elapsedMs(v0);
        long wall = elapsedMs(t0);
        DataFiles files = DataFiles.ofDirectory(dir.resolve("parquet"));
        boolean exact = written == input.file().rows();
        return new BenchResult(input.name(), ENGINE_DUCKDB, input.file().rows(), wall, heap.peakBytes(), files.files(),
            files.partitions(), files.maxPerPartition(), (exact ? "exact" : "NOT EXACT") + ": " + written + " row(s) in the files",
            exact, List.of(new BenchResult.Stage("read + project + write", writeMs, null),
                new BenchResult.Stage("validate (count)", validateMs, null)));
      } catch (SQLException e) {
        String why = e.getMessage() != null && e.getMessage().contains("No suitable driver")
            ? "skipped: DuckDB JDBC driver not on the classpath (bin/aifocus has it; the cluster jar does not)"
            : "FAILED: " + e.getMessage();
        return BenchResult.failed(input.name(), ENGINE_DUCKDB, input.file().rows(), elapsedMs(t0), heap.peakBytes(), why);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The first Delta write in a JVM loads and compiles Spark's and Delta's write path (10–20 s here), which
     * whichever engine ran first used to pay alone. A small partitioned write, a {@code replaceWhere} overwrite
     * and a read pay it before any engine is timed; the report gives its time.
     */
    long warmUp(Path dir) {
      long t0 = System.nanoTime();
      spark.sparkContext().setJobDescription("warm-up");
      try {
        String out = dir.resolve("delta").toString();
        Dataset<Row> rows = spark.range(WARM_UP_ROWS).selectExpr(
            "cast(id % 3 as string) as team", "cast(id % 2 as string) as model",
            "cast(id / 7 as decimal(38, 12)) as cost", "timestamp'2026-11-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) as at");
        rows.write().format("delta").mode(SaveMode.Overwrite).partitionBy("team", "model").save(out);
        rows.filter("team = '0'").write().format("delta").mode(SaveMode.Overwrite)
            .option("replaceWhere", "team = '0'").save(out);
        spark.read().format("delta").load(out).groupBy("team").sum("cost").collectAsList();
        deleteTree(dir);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
      return elapsedMs(t0);
    }

    private void start() {
      System.gc();
      metrics.reset(spark.sparkContext());
      heap.reset();
    }

    /**
     * The engine's stages from Spark's job descriptions, in first-seen order: a label holding {@code prefix} (Delta
     * prepends its own words, e.g. "Delta: aifocus aws-cur: write focus: Compute snapshot ...") is summed into the
     * stage named by its first segment after the prefix, skipping {@code skip} segments (the source kind); then the
     * driver time no Spark job covered.
     */
    private List<BenchResult.Stage> sparkStages(long wallMs, String prefix, int skip) {
      Map<String, SparkStageMetrics.Totals> byStage = new java.util.LinkedHashMap<>();
      long jobs = 0;
      for (Map.Entry<String, SparkStageMetrics.Totals> e : metrics.snapshot(spark.sparkContext()).entrySet()) {
        int at = e.getKey().indexOf(prefix);
        String name;
        if (at < 0) {
          name = "other: " + e.getKey();
        } else {
          String[] segments = e.getKey().substring(at + prefix.length()).split(": ");
          name = segments[Math.min(skip, segments.length - 1)];
        }
        byStage.computeIfAbsent(name, k -> new SparkStageMetrics.Totals()).add(e.getValue());
        jobs += e.getValue().jobWallMs;
      }
      List<BenchResult.Stage> stages = new ArrayList<>();
      byStage.forEach((name, t) -> stages.add(new BenchResult.Stage(name, t.jobWallMs, t)));
      stages.add(new BenchResult.Stage("driver (no Spark job)", Math.max(0, wallMs - jobs), null));
      return stages;
    }
  }

  private static final org.apache.spark.sql.types.StructType GATEWAY_SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("timestamp", "string").add("request_id", "string").add("gen_ai.provider.name", "string")
      .add("gen_ai.request.model", "string").add("gen_ai.response.model", "string")
      .add("gen_ai.usage.input_tokens", "long").add("gen_ai.usage.output_tokens", "long")
      .add("gen_ai.usage.cache_read.input_tokens", "long").add("team", "string").add("feature", "string")
      .add("customer", "string").add("endpoint", "string").add("environment", "string");

  private List<BenchReport.Target> targets(List<BenchResult> results) {
    List<BenchReport.Target> targets = new ArrayList<>();
    Optional<BenchResult> csvA = find(results, "cur-csv", ENGINE_AIFOCUS);
    Optional<BenchResult> csvF = find(results, "cur-csv", ENGINE_FLOOR);
    if (csvA.isPresent() && csvF.isPresent() && csvA.get().ok() && csvF.get().ok()) {
      double ratio = csvA.get().rowsPerSecond() / csvF.get().rowsPerSecond();
      targets.add(new BenchReport.Target("CUR CSV: aifocus rows/s ≥ 70% of the engine floor's",
          String.format(Locale.ROOT, "%.0f%% (%,.0f vs %,.0f rows/s)", ratio * 100, csvA.get().rowsPerSecond(),
              csvF.get().rowsPerSecond()), ratio >= 0.70 ? "met" : "MISS"));
    }
    Optional<BenchResult> pqA = find(results, "cur-parquet", ENGINE_AIFOCUS);
    Optional<BenchResult> pqD = find(results, "cur-parquet", ENGINE_DUCKDB);
    if (pqA.isPresent() && pqD.isPresent() && pqA.get().ok() && pqD.get().ok()) {
      double factor = (double) pqA.get().wallMs() / Math.max(1, pqD.get().wallMs());
      targets.add(new BenchReport.Target("CUR Parquet: aifocus end to end within 5× of DuckDB",
          String.format(Locale.ROOT, "%.1f× (%.1f s vs %.1f s)", factor, pqA.get().wallMs() / 1000.0,
              pqD.get().wallMs() / 1000.0), factor <= 5 ? "met" : "MISS"));
    }
    List<BenchResult> cur = results.stream().filter(r -> r.input().startsWith("cur-")
        && r.engine().startsWith(ENGINE_AIFOCUS)).toList();
    if (!cur.isEmpty()) {
      long maxHeap = Runtime.getRuntime().maxMemory();
      boolean ok = cur.stream().allMatch(BenchResult::ok);
      String measured = String.format(Locale.ROOT, "%,d rows, -Xmx %d MiB, peak heap %d MiB, %s", rows, maxHeap >> 20,
          cur.stream().mapToLong(BenchResult::peakHeapBytes).max().orElse(0) >> 20, ok ? "no failure" : "FAILED");
      String status = !ok ? "MISS" : rows >= 10_000_000 && maxHeap <= (4L << 30) + (256L << 20) ? "met"
          : "not measured at this size (needs --rows 10000000 with -Xmx4g)";
      targets.add(new BenchReport.Target("10M CUR rows with a 4 GiB driver heap, no failure", measured, status));
    }
    for (String input : List.of("cur-csv", "cur-parquet", "gateway-log", "gpu-cluster")) {
      Optional<BenchResult> first = find(results, input, ENGINE_AIFOCUS);
      Optional<BenchResult> rerun = find(results, input, ENGINE_RERUN);
      if (first.isPresent() && rerun.isPresent() && first.get().ok() && rerun.get().ok()) {
        double share = (double) rerun.get().wallMs() / Math.max(1, first.get().wallMs());
        targets.add(new BenchReport.Target(input + ": rerun of an unchanged period ≤ 10% of the first run",
            String.format(Locale.ROOT, "%.0f%% (%.1f s vs %.1f s)", share * 100, rerun.get().wallMs() / 1000.0,
                first.get().wallMs() / 1000.0), share <= 0.10 ? "met" : "MISS"));
      }
    }
    return targets;
  }

  /** The median run of an input and engine: with {@code --repeat}, the targets are measured on it. */
  private static Optional<BenchResult> find(List<BenchResult> results, String input, String engine) {
    return BenchResult.median(results, input, engine);
  }

  private List<String> notes(List<Input> generated) {
    List<String> notes = new ArrayList<>();
    for (Input i : generated) {
      if (i.gpu() != null) {
        for (BenchData.Generated f : List.of(i.gpu().dcgm(), i.gpu().kubeStateMetrics())) {
          notes.add(String.format(Locale.ROOT, "input %s: %s, %,d record(s), %,d bytes, sha256 %s", i.name(),
              f.file().getFileName(), f.rows(), size(f.file()), f.sha256()));
        }
        notes.add(String.format(Locale.ROOT, "input %s: %d node-hour(s) priced by %s (one %s GPU-hour row), method and idle"
            + " handling as in %s; every GPU holds one pod for the whole period, so no node-hour has idle GPU time",
            i.name(), i.gpu().nodeHours(), i.gpu().nodePrices().getFileName(), BenchData.GPU_HOUR_PRICE.toPlainString(),
            i.gpu().config().getFileName()));
        continue;
      }
      notes.add(String.format(Locale.ROOT, "input %s: %s, %,d record(s), %,d bytes, sha256 %s", i.name(),
          i.file().file().getFileName(), i.file().rows(), size(i.file().file()), i.file().sha256()));
    }
    if (warmUpMs >= 0) {
      notes.add(String.format(Locale.ROOT, "warm-up before the engines: a %d-row partitioned Delta write, a replaceWhere"
          + " overwrite and a read, %.1f s; the first Delta write in a JVM compiles the write path, and no engine pays"
          + " it in its time.", WARM_UP_ROWS, warmUpMs / 1000.0));
    }
    notes.add("rows/s = input records ÷ end-to-end wall time of the engine (gateway-log: requests; the pipeline writes"
        + " one row per request and token type). Peak heap: heap in use before each GC and a 25 ms poll.");
    return notes;
  }

  /** Bytes generated for an input (a GPU cluster: its DCGM and kube-state-metrics files). */
  private static long size(Input input) {
    return input.gpu() == null ? size(input.file().file())
        : size(input.gpu().dcgm().file()) + size(input.gpu().kubeStateMetrics().file());
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private String commandLine() {
    boolean rowsUsed = inputs.stream().anyMatch(i -> !i.equals("dcgm") && !i.equals("gpu-cluster")); // --rows: CUR, gateway
    return "aifocus bench" + (rowsUsed ? " --rows " + rows : "") + " --seed " + seed + " --inputs " + String.join(",", inputs)
        + " --engines " + String.join(",", engines) + (inputs.contains("dcgm") || inputs.contains("gpu-cluster") ? " --gpus " + gpus + " --days " + days : "")
        + (master != null ? " --master '" + master + "'" : "") + (noRerun ? " --no-rerun" : "")
        + (repeat > 1 ? " --repeat " + repeat : "");
  }

  private static String duckDbVersion() {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery("SELECT version()")) {
      rs.next();
      return "DuckDB " + rs.getString(1) + " (JDBC)";
    } catch (SQLException e) {
      return "not on the classpath";
    }
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static long elapsedMs(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static boolean benchOutput(Path child) {
    String name = child.getFileName().toString();
    return name.equals("data") || name.startsWith("aifocus-") || name.startsWith("floor-") || name.startsWith("duckdb-");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }
}
