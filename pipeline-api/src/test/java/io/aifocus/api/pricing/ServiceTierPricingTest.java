package io.aifocus.api.pricing;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Rows of the price book that price one service tier only (the optional service_tier column). */
class ServiceTierPricingTest {
  private static final String BOOK = String.join(",", PriceBook.HEADER) + "," + PriceBook.SERVICE_TIER + "\n"
      + "gpt-4o-priority,openai,gpt-4o*,2026-01-01,,USD,4.25,17,2.125,,,,,,,Priority\n"
      + "gpt-4o-flex,openai,gpt-4o*,2026-01-01,,USD,1.25,5,0.625,,,,,,,flex\n"
      + "gpt-4o,openai,gpt-4o*,2026-01-01,,USD,2.5,10,1.25,,,0.5,,,,\n";
  private static final Instant AT = Instant.parse("2026-11-03T10:00:00Z");

  @Test
  void aTierRowPricesOnlyItsTierAndUntieredRowsPriceEveryTier() {
    PriceBook book = PriceBook.parse("tiers.csv", BOOK);
    assertThat(book.find("openai", "gpt-4o", AT, "priority").orElseThrow().version()).isEqualTo("gpt-4o-priority");
    assertThat(book.find("openai", "gpt-4o", AT, " FLEX ").orElseThrow().version()).isEqualTo("gpt-4o-flex");
    assertThat(book.find("openai", "gpt-4o", AT, "default").orElseThrow().version()).isEqualTo("gpt-4o");
    assertThat(book.find("openai", "gpt-4o", AT).orElseThrow().version()).as("a source without tiers").isEqualTo("gpt-4o");
    Price priority = book.find("openai", "gpt-4o-2024-08-06", AT, "priority").orElseThrow();
    assertThat(priority.serviceTier()).contains("priority");
    assertThat(priority.unitPrice(TokenType.OUTPUT, false, 0)).contains(new BigDecimal("17"));
    assertThat(Price.cost(2_000_000, priority.unitPrice(TokenType.INPUT, false, 0).orElseThrow()))
        .isEqualByComparingTo("8.5");
  }

  @Test
  void theSparkIndexAgreesWithFind() {
    SparkSession spark = SparkTestSession.get();
    PriceBook book = PriceBook.parse("tiers.csv", BOOK);
    StructType schema = new StructType().add("model", DataTypes.StringType).add("at", DataTypes.TimestampType)
        .add("tier", DataTypes.StringType);
    Timestamp at = Timestamp.from(AT);
    Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create("gpt-4o", at, "priority"),
        RowFactory.create("gpt-4o", at, "Flex"), RowFactory.create("gpt-4o", at, "scale"),
        RowFactory.create("gpt-4o", at, null), RowFactory.create("o3", at, "priority")), schema);
    List<Row> out = rows.select(book.index(org.apache.spark.sql.functions.lit("openai"), col("model"), col("at"), col("tier")),
        book.index(org.apache.spark.sql.functions.lit("openai"), col("model"), col("at"))).collectAsList();
    assertThat(out.stream().map(r -> r.isNullAt(0) ? "null" : String.valueOf(r.getInt(0))).toList())
        .containsExactly("0", "1", "2", "2", "null");
    assertThat(out.stream().map(r -> r.isNullAt(1) ? "null" : String.valueOf(r.getInt(1))).toList())
        .as("without a tier column only untiered rows match").containsExactly("2", "2", "2", "2", "null");
  }

  @Test
  void theYamlFormTakesTheTierKeyAndABadHeaderNamesTheOptionalColumn() {
    PriceBook yaml = PriceBook.parseYaml("tiers.yaml", "prices:\n"
        + "  - {version: p, provider: openai, model_pattern: 'gpt-4o*', effective_from: 2026-01-01, currency: USD,"
        + " input_per_1m: 4.25, output_per_1m: 17, service_tier: priority}\n");
    assertThat(yaml.prices().get(0).serviceTier()).contains("priority");
    assertThatThrownBy(() -> PriceBook.parse("p.csv", String.join(",", PriceBook.HEADER) + ",tier\n"))
        .hasMessageContaining("p.csv:1: price book column header").hasMessageContaining("(optionally followed by ,service_tier)");
  }
}
