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
        "Source kinds: aws-cur, focus, gateway-log, openai-costs."})
final class RunCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config (see docs/config.md).")
  Path config;

  @Option(names = "--source", paramLabel = "KIND=PATH",
      description = "A source to ingest; repeatable. PATH is a file, directory or glob, local or s3a://.")
  List<String> sources = new ArrayList<>();

  @Option(names = "--team-tag-keys", paramLabel = "KEY", split = ",",
      description = "Tag keys tried in order for x_Team (default: team,Team,user:team,user_team,owner).")
  List<String> teamTagKeys;

  @Option(names = "--price-book", paramLabel = "FILE",
      description = "LLM price book CSV for token sources without billed amounts (see docs/pricing.md).")
  String priceBook;

  @Override
  public Integer call() {
    JobConfig base = config == null
        ? new JobConfig(spark.warehouse, List.of(), NormalizeContext.DEFAULT_TEAM_TAG_KEYS)
        : JobConfig.fromYaml(config);
    List<SourceSpec> specs = new ArrayList<>(base.sources());
    sources.forEach(s -> specs.add(JobConfig.parseSource(s)));
    boolean warehouseGiven = !JobConfig.DEFAULT_WAREHOUSE.equals(spark.warehouse);
    JobConfig job = new JobConfig(
        warehouseGiven || config == null ? spark.warehouse : base.warehouse(),
        specs,
        teamTagKeys != null ? teamTagKeys : base.teamTagKeys(),
        priceBook != null ? java.util.Optional.of(priceBook) : base.priceBook(),
        base.commitments());
    SparkSession session = SparkSessions.create(spark.master);
    Progress progress = new Progress(System.err, spark.quiet);
    PipelineRunner.Result result = new PipelineRunner(session, new Warehouse(session, job.warehouse()), progress).run(job);
    System.out.printf("run %s: %d row(s) written, %d quarantined, reconciled%n",
        result.runId(), result.rowsOut(), result.rowsQuarantined());
    return 0;
  }
}
