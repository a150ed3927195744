package io.aifocus.jobs;

import io.aifocus.api.GpuUtilizationTable;
import io.aifocus.api.InferenceTokensTable;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.schema.CostAndUsageTable;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The warehouse directory: one Delta table per sub-directory, named like the table. */
final class Warehouse {
  /** Every table aifocus writes, in the order they are listed to users. */
  static final List<String> TABLES =
      List.of(CostAndUsageTable.TABLE_NAME, QuarantineTable.TABLE_NAME, PipelineRunsTable.TABLE_NAME,
          SourceDeliveriesTable.TABLE_NAME, GpuUtilizationTable.TABLE_NAME, InferenceTokensTable.TABLE_NAME,
          CreditsRun.CONTRACT_COMMITMENT_TABLE, CreditsRun.LEDGER_TABLE);

  private final SparkSession spark;
  private final String root;

  Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  SparkSession spark() {
    return spark;
  }

  String root() {
    return root;
  }

  String path(String table) {
    return root + "/" + table;
  }

  boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /** Registers every existing table as a temporary view named like the table; returns the names. */
  List<String> registerViews() {
    List<String> registered = new ArrayList<>();
    for (String table : new java.util.LinkedHashSet<>(concat(TABLES, Analytics.TABLES))) {
      if (exists(table)) {
        read(table).createOrReplaceTempView(table);
        registered.add(table);
      }
    }
    return registered;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
