package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway-log sample priced with the sample price book: golden FOCUS and quarantine rows, exact totals
 * computed by hand from the price book, cached tokens, and a price change mid-month.
 */
class GatewayLogGoldenTest {
  static final String SAMPLE = "sample-data/gateway-log/input/gateway-2026-11.jsonl";
  static final String PRICE_BOOK = "sample-data/llm/price-book.csv";

  static Warehouse warehouse;
  static PipelineRunner.Result result;

  @BeforeAll
  static void run() {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.projectRoot();
    Path dir = SparkTestSession.newDirectory("golden-gateway");
    warehouse = new Warehouse(spark, dir.toString());
    JobConfig job = new JobConfig(dir.toString(),
        List.of(SourceSpec.of(SourceKind.GATEWAY_LOG, root.resolve(SAMPLE).toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(root.resolve(PRICE_BOOK).toString()));
    result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(job);
  }

  static Dataset<Row> focus() {
    return warehouse.read(CostAndUsageTable.TABLE_NAME);
  }

  @Test
  void sampleMatchesGoldenRowsAndReconcilesToPricedUsage() throws IOException {
    // per request: tokens x USD per 1M tokens of the price in effect (sample-data/llm/price-book.csv)
    BigDecimal expected = new BigDecimal("0.000345")   // req-001 gpt-4o-mini before 11-15: 1000x0.15 + 200x0.075 + 300x0.6
        .add(new BigDecimal("0.000276"))               // req-002 after 11-15: 1000x0.12 + 200x0.06 + 300x0.48
        .add(new BigDecimal("0.02055"))                // req-003 sonnet: 1000x3 + 3000x0.3 + 600x3.75 + 400x6 + 800x15
        .add(new BigDecimal("0.01"))                   // req-004 haiku batch (50%): 10000x0.5 + 2000x2.5
        .add(new BigDecimal("0.001"))                  // req-005 embedding: 50000x0.02; 0 output tokens: no output row
        .add(new BigDecimal("1.5225"));                // req-011 sonnet long context (>200k): 250000x6 + 1000x22.5
    assertThat(result.rowsOut()).isEqualTo(16);
    assertThat(result.rowsQuarantined()).isEqualTo(8);
    // the truncated line has no timestamp, so it is reconciled under "no billing period"
    assertThat(result.sources()).hasSize(2).allMatch(SourceRun::reconciled);
    assertThat(result.sources().stream().mapToLong(SourceRun::rowsIn).sum()).isEqualTo(24);
    assertThat(result.sources()).filteredOn(r -> r.billingPeriodStart() != null).singleElement().satisfies(run -> {
      // priced usage of the quarantined rows that have a valid count: req-007 output 10 x 0.6,
      // req-009 output 10 x 0.6 and cache-read 500 x 0.075 (its input row is negative, so unpriced)
      BigDecimal quarantined = new BigDecimal("0.0000495");
      assertThat(run.quarantinedTotal()).isEqualByComparingTo(quarantined);
      assertThat(run.inputTotal()).isEqualByComparingTo(expected.add(quarantined)); // priced by the reader
    });
    Row totals = focus().agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.LIST_COST)),
        sum(col(ExtensionColumns.REQUESTS))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo(expected);
    assertThat(totals.getDecimal(1)).isEqualByComparingTo(expected);
    assertThat(totals.getDecimal(2)).isEqualByComparingTo("6");

    GoldenFiles.assertMatches("sample-data/gateway-log/expected/focus.jsonl", GoldenFiles.lines(focus(),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE)));
    GoldenFiles.assertMatches("sample-data/gateway-log/expected/quarantine.jsonl", GoldenFiles.lines(
        warehouse.read(QuarantineTable.TABLE_NAME),
        Set.of(QuarantineTable.RUN_ID, QuarantineTable.QUARANTINED_AT), Set.of(QuarantineTable.SOURCE_FILE)));
  }

  @Test
  void badLinesAreQuarantinedWithTheirLineNumbers() {
    Map<Long, String> codes = new TreeMap<>();
    for (Row r : warehouse.read(QuarantineTable.TABLE_NAME)
        .select(QuarantineTable.SOURCE_LINE, QuarantineTable.ERROR_CODE).distinct().collectAsList()) {
      codes.merge(r.getLong(0), r.getString(1), (a, b) -> a + "," + b);
    }
    assertThat(codes).containsExactly(
        Map.entry(6L, "AIF-1005 MALFORMED_RECORD"),
        Map.entry(7L, "AIF-2001 UNPARSABLE_NUMBER"),
        Map.entry(8L, "AIF-2006 PRICE_NOT_FOUND"),
        Map.entry(9L, "AIF-2005 INVALID_VALUE"));
  }

  @Test
  void cachedTokensAreCountedOnceAndPricedAtTheCachePrice() {
    // OpenAI convention in the log: input_tokens 1200 include 200 cache reads -> 1000 input + 200 cache-read rows
    Map<String, Row> req1 = byTokenType("req-001");
    assertThat(req1.keySet()).containsExactlyInAnyOrder("input", "output", "cache-read");
    assertThat(req1.get("input").getDecimal(0)).isEqualByComparingTo("1000");
    assertThat(req1.get("cache-read").getDecimal(0)).isEqualByComparingTo("200");
    assertThat(req1.get("cache-read").getDecimal(1)).isEqualByComparingTo("0.075"); // not the 0.15 input price
    // cache writes: 1000 of 5000 input tokens, 400 of them with a 1-hour TTL
    Map<String, Row> req3 = byTokenType("req-003");
    assertThat(req3.keySet()).containsExactlyInAnyOrder("input", "output", "cache-read", "cache-write-5m", "cache-write-1h");
    BigDecimal inputSide = BigDecimal.ZERO;
    for (String type : List.of("input", "cache-read", "cache-write-5m", "cache-write-1h")) {
      inputSide = inputSide.add(req3.get(type).getDecimal(0));
    }
    assertThat(inputSide).isEqualByComparingTo("5000"); // = gen_ai.usage.input_tokens: nothing counted twice
    assertThat(req3.get("cache-write-5m").getDecimal(1)).isEqualByComparingTo("3.75");
    assertThat(req3.get("cache-write-1h").getDecimal(1)).isEqualByComparingTo("6");
    Row cached = focus().where(col(ExtensionColumns.SOURCE_RECORD_ID).isin("req-001", "req-003"))
        .agg(sum(col(ExtensionColumns.INPUT_TOKENS)), sum(col(ExtensionColumns.CACHED_INPUT_TOKENS)),
            sum(col(ExtensionColumns.CACHE_WRITE_TOKENS))).first();
    assertThat(cached.getDecimal(0)).isEqualByComparingTo("2000");
    assertThat(cached.getDecimal(1)).isEqualByComparingTo("3200");
    assertThat(cached.getDecimal(2)).isEqualByComparingTo("1000");
  }

  @Test
  void priceChangeMidMonthRepricesOnlyLaterRows() {
    Map<String, Row> before = byTokenType("req-001");
    Map<String, Row> after = byTokenType("req-002");
    assertThat(before.get("input").getDecimal(1)).isEqualByComparingTo("0.15");
    assertThat(after.get("input").getDecimal(1)).isEqualByComparingTo("0.12");
    assertThat(before.get("output").getDecimal(1)).isEqualByComparingTo("0.6");
    assertThat(after.get("output").getDecimal(1)).isEqualByComparingTo("0.48");
    assertThat(before.get("input").getString(2)).isEqualTo("openai-gpt-4o-mini-2024-07-18");
    assertThat(after.get("input").getString(2)).isEqualTo("openai-gpt-4o-mini-2026-11-15");
    // same tokens, different charge time: the later request is cheaper
    assertThat(sumCost("req-001")).isEqualByComparingTo("0.000345");
    assertThat(sumCost("req-002")).isEqualByComparingTo("0.000276");
  }

  @Test
  void attributionComesFromTheLogFieldsThenTags() {
    Map<String, Row> batch = byTokenType("batch-7/item-1");
    assertThat(batch.get("input").getString(3)).isEqualTo("research"); // team tag
    assertThat(batch.get("input").getDecimal(1)).isEqualByComparingTo("0.5"); // batch: half of 1.00
    List<Row> customers = focus().where(col(ExtensionColumns.CUSTOMER).isNotNull())
        .groupBy(ExtensionColumns.CUSTOMER).agg(sum(col(FocusColumns.BILLED_COST)).as("c"))
        .orderBy(col("c").desc()).collectAsList();
    assertThat(customers).extracting(r -> r.getString(0)).containsExactly("acme", "globex", "initech");
    assertThat(customers.get(0).getDecimal(1)).isEqualByComparingTo("1.523121"); // 0.000345 + 0.000276 + 1.5225
  }

  private static Map<String, Row> byTokenType(String requestId) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : focus().where(col(ExtensionColumns.SOURCE_RECORD_ID).equalTo(lit(requestId)))
        .select(col(ExtensionColumns.USAGE_TYPE), col(FocusColumns.CONSUMED_QUANTITY), col(FocusColumns.LIST_UNIT_PRICE),
            col(ExtensionColumns.PRICE_BOOK_VERSION), col(ExtensionColumns.TEAM))
        .collectAsList()) {
      out.put(r.getString(0), org.apache.spark.sql.RowFactory.create(r.get(1), r.get(2), r.get(3), r.get(4)));
    }
    return out;
  }

  private static BigDecimal sumCost(String requestId) {
    return focus().where(col(ExtensionColumns.SOURCE_RECORD_ID).equalTo(lit(requestId)))
        .agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
  }
}
