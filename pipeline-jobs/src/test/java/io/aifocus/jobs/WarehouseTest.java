package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The warehouse root as users give it. The README's first command writes into {@code ./warehouse}, a relative
 * path; Delta's table builder rejects a relative location as an invalid table name, so the root is made
 * absolute once, where the warehouse is opened.
 */
class WarehouseTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aRelativeRootResolvesAgainstTheWorkingDirectoryAndTheFocusTableIsCreatedThere() {
    Path dir = SparkTestSession.newDirectory("relative-wh");
    Path cwd = Path.of("").toAbsolutePath();
    String relative = cwd.relativize(dir).toString();
    assertThat(Path.of(relative).isAbsolute()).isFalse();

    Warehouse warehouse = new Warehouse(spark, relative + "/");

    assertThat(warehouse.root()).isEqualTo(dir.toString());
    assertThat(warehouse.path(CostAndUsageTable.TABLE_NAME))
        .isEqualTo(dir.resolve(CostAndUsageTable.TABLE_NAME).toString());
    warehouse.createFocusTableIfAbsent(CostAndUsageTable.schema());
    assertThat(warehouse.exists(CostAndUsageTable.TABLE_NAME)).isTrue();
    Row detail = DeltaTable.forPath(spark, dir.resolve(CostAndUsageTable.TABLE_NAME).toString()).detail().first();
    assertThat(detail.<String>getAs("location")).isEqualTo("file:" + dir.resolve(CostAndUsageTable.TABLE_NAME));
    assertThat(detail.<scala.collection.Seq<String>>getAs("partitionColumns"))
        .isNotNull()
        .satisfies(columns -> assertThat(scala.jdk.javaapi.CollectionConverters.asJava(columns))
            .isEqualTo(List.copyOf(CostAndUsageTable.PARTITION_COLUMNS)));
  }

  /**
   * Another run creating the table leaves {@code _delta_log} without a commit for a moment, which Delta's table
   * builder reports as DELTA_TABLE_NOT_FOUND (ScopedRunsTest's concurrent runs failed on it once in a clean-clone
   * run). The second run waits for the first commit and uses the table.
   */
  @Test
  void aTableAnotherRunIsCreatingIsWaitedForAndUsed() throws Exception {
    Path dir = SparkTestSession.newDirectory("creating-wh");
    Path log = dir.resolve(CostAndUsageTable.TABLE_NAME).resolve("_delta_log");
    Files.createDirectories(log);
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(1_500);
        Files.delete(log); // the other run's creation: from an empty log to the first commit
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      new Warehouse(spark, dir.toString()).createFocusTableIfAbsent(CostAndUsageTable.schema());
    });

    Warehouse warehouse = new Warehouse(spark, dir.toString());
    warehouse.createFocusTableIfAbsent(CostAndUsageTable.schema());
    other.get(2, TimeUnit.MINUTES);

    assertThat(warehouse.exists(CostAndUsageTable.TABLE_NAME)).isTrue();
    assertThat(DeltaTable.forPath(spark, warehouse.path(CostAndUsageTable.TABLE_NAME)).history().count()).isEqualTo(1);
  }

  @Test
  void aDeltaLogThatStaysWithoutACommitFailsNamingTheDirectory() throws Exception {
    Path dir = SparkTestSession.newDirectory("stopped-wh");
    Files.createDirectories(dir.resolve(CostAndUsageTable.TABLE_NAME).resolve("_delta_log"));
    Warehouse warehouse = new Warehouse(spark, dir.toString());

    assertThatThrownBy(() -> warehouse.createFocusTableIfAbsent(CostAndUsageTable.schema()))
        .isInstanceOfSatisfying(PipelineException.class,
            e -> assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.CONCURRENT_WRITE_CONFLICT))
        .hasMessageContaining(dir.resolve(CostAndUsageTable.TABLE_NAME) + "/_delta_log holds no commit after 10 s: another"
            + " run is still creating the table, or a run stopped while creating it (then remove that empty directory)");
  }

  @Test
  void absoluteRootsAndRootsWithASchemeAreKeptAsGiven() {
    Path dir = SparkTestSession.newDirectory("absolute-wh");
    assertThat(new Warehouse(spark, dir.toString()).root()).isEqualTo(dir.toString());
    assertThat(new Warehouse(spark, "s3a://finops-lake/warehouse/").root()).isEqualTo("s3a://finops-lake/warehouse");
    assertThat(new Warehouse(spark, "file:/srv/aifocus/warehouse").root()).isEqualTo("file:/srv/aifocus/warehouse");
  }
}
