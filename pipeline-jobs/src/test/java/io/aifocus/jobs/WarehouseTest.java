package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void absoluteRootsAndRootsWithASchemeAreKeptAsGiven() {
    Path dir = SparkTestSession.newDirectory("absolute-wh");
    assertThat(new Warehouse(spark, dir.toString()).root()).isEqualTo(dir.toString());
    assertThat(new Warehouse(spark, "s3a://finops-lake/warehouse/").root()).isEqualTo("s3a://finops-lake/warehouse");
    assertThat(new Warehouse(spark, "file:/srv/aifocus/warehouse").root()).isEqualTo("file:/srv/aifocus/warehouse");
  }
}
