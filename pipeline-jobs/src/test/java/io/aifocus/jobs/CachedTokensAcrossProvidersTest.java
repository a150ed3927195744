package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same logical traffic (10 requests on 2026-11-20: 10,000 prompt tokens of which 6,000 read from the cache
 * and 1,000 written to it, 2,000 output tokens) as OpenAI's Usage API reports it ({@code input_tokens} 10,000
 * INCLUDING cached and cache-write tokens) and as Anthropic's usage report does ({@code uncached_input_tokens}
 * 3,000 EXCLUDING them). Both must give the same token rows, with cached tokens counted once and priced at the
 * cache price (sample-data/llm/cached-tokens/, priced from sample-data/llm/price-book.csv).
 */
class CachedTokensAcrossProvidersTest {
  static Dataset<Row> focus;

  @BeforeAll
  static void run() {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.projectRoot();
    Path dir = SparkTestSession.newDirectory("cached-tokens");
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(dir.toString(), List.of(
        SourceSpec.of(SourceKind.OPENAI_USAGE, root.resolve("sample-data/llm/cached-tokens/openai-usage.json").toString()),
        SourceSpec.of(SourceKind.ANTHROPIC_USAGE, root.resolve("sample-data/llm/cached-tokens/anthropic-usage.json").toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(root.resolve(GatewayLogGoldenTest.PRICE_BOOK).toString())));
    focus = warehouse.read(CostAndUsageTable.TABLE_NAME);
  }

  @Test
  void bothProvidersGiveTheSameTokenRowsWithCachedTokensCountedOnce() {
    Map<String, String> expected = Map.of("input", "3000", "cache-read", "6000", "cache-write-5m", "1000", "output", "2000");
    assertThat(tokensByType(SourceKind.OPENAI_USAGE)).isEqualTo(expected);
    assertThat(tokensByType(SourceKind.ANTHROPIC_USAGE)).isEqualTo(expected);
    for (SourceKind kind : List.of(SourceKind.OPENAI_USAGE, SourceKind.ANTHROPIC_USAGE)) {
      Row r = of(kind).agg(sum(col(ExtensionColumns.INPUT_TOKENS)), sum(col(ExtensionColumns.CACHED_INPUT_TOKENS)),
          sum(col(ExtensionColumns.CACHE_WRITE_TOKENS)), sum(col(ExtensionColumns.OUTPUT_TOKENS)),
          sum(col(FocusColumns.CONSUMED_QUANTITY))).first();
      // prompt side: 3000 + 6000 + 1000 = the 10,000 prompt tokens, each counted once
      assertThat(r.getDecimal(0).add(r.getDecimal(1)).add(r.getDecimal(2))).isEqualByComparingTo("10000");
      assertThat(r.getDecimal(1)).isEqualByComparingTo("6000");
      assertThat(r.getDecimal(3)).isEqualByComparingTo("2000");
      assertThat(r.getDecimal(4)).isEqualByComparingTo("12000"); // never 18,000 (cached counted in input and again)
    }
  }

  @Test
  void cachedTokensArePricedAtTheCachePriceNotTheInputPrice() {
    // OpenAI gpt-4o-mini from 2026-11-15: input 0.12, cache read 0.06, cache write 0.12, output 0.48 per 1M
    assertThat(unitPrices(SourceKind.OPENAI_USAGE)).isEqualTo(
        Map.of("input", "0.12", "cache-read", "0.06", "cache-write-5m", "0.12", "output", "0.48"));
    // 3000x0.12 + 6000x0.06 + 1000x0.12 + 2000x0.48 = 1800 per 1M; at the full input price for all 10,000
    // prompt tokens it would be 2160, and counting the cached tokens twice 2520
    assertThat(cost(SourceKind.OPENAI_USAGE)).isEqualTo("0.0018");
    // Anthropic claude-haiku-4-5: input 1, cache read 0.1, 5-minute cache write 1.25, output 5 per 1M
    assertThat(unitPrices(SourceKind.ANTHROPIC_USAGE)).isEqualTo(
        Map.of("input", "1", "cache-read", "0.1", "cache-write-5m", "1.25", "output", "5"));
    // 3000x1 + 6000x0.1 + 1000x1.25 + 2000x5 = 14850 per 1M (all prompt tokens at the input price: 20000)
    assertThat(cost(SourceKind.ANTHROPIC_USAGE)).isEqualTo("0.01485");
    assertThat(cost(SourceKind.OPENAI_USAGE, "cache-read")).isEqualTo("0.00036");
    assertThat(cost(SourceKind.ANTHROPIC_USAGE, "cache-read")).isEqualTo("0.0006");
  }

  private static Dataset<Row> of(SourceKind kind) {
    return focus.where(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(kind.id())));
  }

  private static Map<String, String> tokensByType(SourceKind kind) {
    return byType(kind, FocusColumns.CONSUMED_QUANTITY);
  }

  private static Map<String, String> unitPrices(SourceKind kind) {
    return byType(kind, FocusColumns.LIST_UNIT_PRICE);
  }

  private static Map<String, String> byType(SourceKind kind, String column) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : of(kind).select(ExtensionColumns.USAGE_TYPE, column).collectAsList()) {
      assertThat(out.put(r.getString(0), r.getDecimal(1).stripTrailingZeros().toPlainString())).isNull();
    }
    return out;
  }

  private static String cost(SourceKind kind) {
    return of(kind).agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0).stripTrailingZeros().toPlainString();
  }

  private static String cost(SourceKind kind, String tokenType) {
    return of(kind).where(col(ExtensionColumns.USAGE_TYPE).equalTo(lit(tokenType)))
        .agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0).stripTrailingZeros().toPlainString();
  }
}
