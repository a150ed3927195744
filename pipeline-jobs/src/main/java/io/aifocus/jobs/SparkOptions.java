package io.aifocus.jobs;

import picocli.CommandLine.Option;

/** Options every command that touches Spark shares. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: what spark-submit set, else local[*]), e.g. local[2] or spark://host:7077.")
  String master;

  @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = JobConfig.DEFAULT_WAREHOUSE,
      description = "Warehouse directory holding the Delta tables (local path or s3a://...). Default: ${DEFAULT-VALUE}.")
  String warehouse;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
  boolean quiet;
}
