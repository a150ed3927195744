package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compact", mixinStandardHelpOptions = true,
    description = {"Compact the warehouse's Delta tables: merge each partition's small files into larger ones",
        "(Delta OPTIMIZE, bin-packing). Every run writes new files into the team/model partitions it touches,",
        "and pipeline_runs gets a file per run; schedule this between runs to keep reads fast. Rows and",
        "values do not change (the commit is marked as no data change), and a partition with one file is left",
        "as it is. Prints each table's files before and after."},
    footer = {"", "Examples:", "  aifocus compact                                   # every aifocus table of ./warehouse",
        "  aifocus compact --table focus_cost_and_usage --warehouse s3a://finops/aifocus"})
final class CompactCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--table", paramLabel = "NAME",
      description = "A table to compact (repeatable). Default: every aifocus table the warehouse has.")
  List<String> tables;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    boolean named = tables != null && !tables.isEmpty();
    List<String> names = named ? tables : Warehouse.TABLES;
    for (String name : names) {
      if (!Warehouse.TABLES.contains(name)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--table " + name + ": not an aifocus table (one of " + String.join(", ", Warehouse.TABLES) + ")");
      }
    }
    SparkSession session = SparkSessions.create(spark.master);
    Warehouse warehouse = new Warehouse(session, spark.warehouse);
    Progress progress = new Progress(System.err, spark.quiet);
    List<String> lines = new ArrayList<>();
    for (String name : names) {
      if (!warehouse.exists(name)) {
        if (named) {
          throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND, "no table " + name + " under "
              + warehouse.root() + " (run 'aifocus run' or 'aifocus demo' first, or pass --warehouse)");
        }
        continue;
      }
      progress.stage("compacting %s", name);
      lines.add(compact(session, warehouse, name));
    }
    if (lines.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.TABLE_NOT_FOUND, "no aifocus table under " + warehouse.root()
          + " (run 'aifocus run' or 'aifocus demo' first, or pass --warehouse)");
    }
    lines.forEach(System.out::println);
    return 0;
  }

  /** Compacts one table; its line: files, partitions and the most files in one, before → after. */
  static String compact(SparkSession session, Warehouse warehouse, String name) {
    String path = warehouse.path(name);
    DataFiles before = DataFiles.ofDelta(session, path);
    DeltaTable.forPath(session, path).optimize().executeCompaction();
    DataFiles after = DataFiles.ofDelta(session, path);
    return String.format("%-26s %6d → %6d file(s) in %d partition(s), at most %d → %d in one", name, before.files(),
        after.files(), after.partitions(), before.maxPerPartition(), after.maxPerPartition());
  }
}
