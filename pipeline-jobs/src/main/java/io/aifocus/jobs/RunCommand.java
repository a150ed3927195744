package io.aifocus.jobs;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Ingest sources, normalize them to FOCUS 1.3 and write the Delta tables.",
        "Re-running a billing period replaces that source's rows for the period (no double counting)."},
    footer = {"", "Examples:",
        "  aifocus run --source aws-cur=./cur/2026-11/ --warehouse ./warehouse",
        "  aifocus run --config aifocus.yaml",
        "  aifocus run --config aifocus.yaml --period 2026-11",
        "Source kinds: aws-cur, azure-cost, gcp-billing, focus (aliases azure-focus, aws-focus, gcp-focus),",
        "gateway-log, openai-costs, openai-usage, anthropic-usage, anthropic-cost, litellm-spend (docs/sources/);",
        "GPU clusters: gpu-clusters in the config (docs/allocation.md)."})
final class RunCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config (see docs/config.md): a local path or a URI such as s3a://bucket/aifocus.yaml.")
  String config;

  @Option(names = "--source", paramLabel = "KIND=PATH",
      description = "A source to ingest; repeatable. PATH is a file, directory or glob, local, s3:// (docs/s3.md) or s3a://."
          + " Source options go in brackets after the kind: 'aws-cur[source-extras=ignore]=./cur/' (docs/config.md).")
  List<String> sources = new ArrayList<>();

  @Option(names = "--team-tag-keys", paramLabel = "KEY", split = ",",
      description = "Tag keys tried in order for x_Team (default: team,Team,user:team,user_team,owner).")
  List<String> teamTagKeys;

  @Option(names = "--price-book", paramLabel = "FILE",
      description = "LLM price book CSV for token sources without billed amounts (see docs/pricing.md).")
  String priceBook;

  @Option(names = "--period", paramLabel = "YYYY-MM",
      description = "Load and write only the billing period starting in this month (UTC); other periods stay as they are.")
  String period;

  @Option(names = "--since", paramLabel = "YYYY-MM-DD",
      description = "Load and write only billing periods starting on or after this day (UTC).")
  String since;

  @Option(names = "--force",
      description = {"Rewrite even when the inputs (file bytes), the configuration and the tables are unchanged since an",
          "earlier run; without it such a rerun skips and records SKIPPED rows in pipeline_runs (docs/operations.md)."})
  boolean force;

  @Option(names = "--fail-on-cap",
      description = "Exit with code 4 when a budget with hard-cap: true has reached its cap (docs/analytics.md).")
  boolean failOnCap;

  @Override
  public Integer call() {
    RunScope scope = RunScope.of(period, since);
    // a config on a remote file system is read through Hadoop, which needs the session's configuration
    SparkSession session = config != null && JobConfig.isUri(config) ? SparkSessions.create(spark.master) : null;
    JobConfig base = config == null
        ? new JobConfig(spark.warehouse, List.of(), NormalizeContext.DEFAULT_TEAM_TAG_KEYS)
        : session != null ? JobConfig.fromYaml(config, session.sparkContext().hadoopConfiguration())
        : JobConfig.fromYaml(Path.of(config));
    List<SourceSpec> specs = new ArrayList<>(base.sources());
    sources.forEach(s -> specs.add(JobConfig.parseSource(s)));
    boolean warehouseGiven = !JobConfig.DEFAULT_WAREHOUSE.equals(spark.warehouse);
    JobConfig job = new JobConfig(
        warehouseGiven || config == null ? spark.warehouse : base.warehouse(),
        specs,
        teamTagKeys != null ? teamTagKeys : base.teamTagKeys(),
        priceBook != null ? java.util.Optional.of(priceBook) : base.priceBook(),
        scope,
        base.s3(),
        base.gpuClusters(),
        base.commitments(),
        base.fx());
    if (session == null) {
      session = SparkSessions.create(spark.master);
    }
    Progress progress = new Progress(System.err, spark.quiet);
    Warehouse warehouse = new Warehouse(session, job.warehouse());
    PipelineRunner.Result result = new PipelineRunner(session, warehouse, progress).rewriteUnchanged(force).run(job);
    if (result.unchangedSince().isPresent()) {
      System.out.printf("run %s: inputs, configuration and tables unchanged since run %s: nothing rewritten "
          + "(--force rewrites)%n", result.runId(), result.unchangedSince().get());
    } else {
      System.out.printf("run %s: %d row(s) written (%d source record(s)), %d quarantined, reconciled%n",
          result.runId(), result.rowsWritten(), result.rowsOut(), result.rowsQuarantined());
    }
    // the analytics section is read from a local config file (a remote config's analytics section is not read yet)
    Analytics.Result analytics = Analytics.afterRun(session, warehouse,
        java.util.Optional.ofNullable(config).filter(c -> !JobConfig.isUri(c)).map(Path::of), job, result.runId());
    if (failOnCap && analytics.capExceeded()) {
      System.err.println("aifocus: error: " + Analytics.capError(analytics).getMessage());
      return AifocusCli.EXIT_CAP;
    }
    return 0;
  }
}
