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
import org.junit.jupiter.api.Test;

/**
 * The provider admin-API sources, each run alone on its sample: openai-usage and anthropic-usage priced from
 * the sample price book (expected totals computed by hand below), anthropic-cost in cents; golden FOCUS and
 * quarantine rows, the bad records with their lines and codes.
 */
class ProviderUsageGoldenTest {
  static final String OPENAI_USAGE = "sample-data/openai/usage";
  static final String ANTHROPIC_USAGE = "sample-data/anthropic/usage";
  static final String ANTHROPIC_COST = "sample-data/anthropic/cost";

  record Run(Warehouse warehouse, PipelineRunner.Result result) {
    Dataset<Row> focus() {
      return warehouse.read(CostAndUsageTable.TABLE_NAME);
    }

    Dataset<Row> quarantine() {
      return warehouse.read(QuarantineTable.TABLE_NAME);
    }
  }

  static Run run(String name, SourceKind kind, String path) {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.projectRoot();
    Path dir = SparkTestSession.newDirectory(name);
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    JobConfig job = new JobConfig(dir.toString(), List.of(SourceSpec.of(kind, root.resolve(path).toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(root.resolve(GatewayLogGoldenTest.PRICE_BOOK).toString()));
    return new Run(warehouse, new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(job));
  }

  @Test
  void openAiUsagePagesArePricedPerTokenTypeWithCachedTokensTakenOutOfInput() throws IOException {
    Run run = run("golden-openai-usage", SourceKind.OPENAI_USAGE, OPENAI_USAGE);
    // USD per 1M tokens from sample-data/llm/price-book.csv at the bucket start:
    BigDecimal expected = new BigDecimal("0.001215") // 11-03 gpt-4o-mini: 3000x0.15 + 1000x0.6 + 1800x0.075 + 200x0.15
        .add(new BigDecimal("0.045"))                // 11-03 gpt-4o batch (50% off): 20000x1.25 + 4000x5
        .add(new BigDecimal("0.000276"))             // 11-20 gpt-4o-mini after the price change: 1000x0.12 + 300x0.48 + 200x0.06
        .add(new BigDecimal("0.001"));               // 11-03 text-embedding-3-small: 50000x0.02, no output row
    assertThat(run.result().reconciled()).isTrue();
    assertThat(run.result().rowsOut()).isEqualTo(10);
    assertThat(run.result().rowsQuarantined()).isEqualTo(11);
    Row totals = run.focus().agg(sum(col(FocusColumns.BILLED_COST)), sum(col(ExtensionColumns.REQUESTS)),
        sum(col(ExtensionColumns.INPUT_TOKENS)), sum(col(ExtensionColumns.CACHED_INPUT_TOKENS)),
        sum(col(ExtensionColumns.CACHE_WRITE_TOKENS)), sum(col(ExtensionColumns.OUTPUT_TOKENS))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo(expected);
    assertThat(totals.getDecimal(1)).isEqualByComparingTo("21"); // 5 + 10 + 2 + 4 requests
    assertThat(totals.getDecimal(2)).isEqualByComparingTo("74000"); // 3000 + 20000 + 1000 + 50000 uncached
    assertThat(totals.getDecimal(3)).isEqualByComparingTo("2000"); // 1800 + 200
    assertThat(totals.getDecimal(4)).isEqualByComparingTo("200");
    assertThat(totals.getDecimal(5)).isEqualByComparingTo("5300"); // 1000 + 4000 + 300
    // the line whose input_uncached_tokens disagrees is priced (126e-6) but quarantined with all its rows
    // the official examples (2024-11) have no model, so nothing prices them; the truncated line has no period
    assertThat(run.result().sources()).hasSize(3).allMatch(SourceRun::reconciled);
    assertThat(run.result().sources()).filteredOn(r -> r.billingPeriodStart() != null
            && r.billingPeriodStart().toInstant().toString().equals("2026-11-01T00:00:00Z")).singleElement()
        .satisfies(r -> assertThat(r.quarantinedTotal()).isEqualByComparingTo("0.000126"));
    assertThat(codesByLine(run)).containsExactly(
        Map.entry("openapi-example-usage_completions-response.json:1", "AIF-2003 MISSING_REQUIRED_VALUE"),
        Map.entry("openapi-example-usage_embeddings-response.json:1", "AIF-2003 MISSING_REQUIRED_VALUE"),
        Map.entry("usage-2026-11.jsonl:4", "AIF-2005 INVALID_VALUE"),
        Map.entry("usage-2026-11.jsonl:5", "AIF-2006 PRICE_NOT_FOUND"),
        Map.entry("usage-2026-11.jsonl:6", "AIF-1005 MALFORMED_RECORD"));

    assertGolden(run, "sample-data/openai/expected/focus-usage.jsonl", "sample-data/openai/expected/quarantine-usage.jsonl");
  }

  @Test
  void openAiServiceTiersArePricedByTheRowsOfTheirTier() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("openai-tiers");
    String result = "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":%d,\"output_tokens\":%d,"
        + "\"num_model_requests\":%d,\"project_id\":\"proj_tiers\",\"model\":\"gpt-4o-2024-08-06\",\"batch\":false,"
        + "\"service_tier\":\"%s\"}";
    java.nio.file.Files.writeString(dir.resolve("usage.jsonl"), "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\","
        + "\"start_time\":1793664000,\"end_time\":1793750400,\"results\":["
        + String.format(result, 1_000_000, 100_000, 10, "priority") + ","
        + String.format(result, 2_000_000, 200_000, 20, "flex") + ","
        + String.format(result, 400_000, 40_000, 4, "default") + "]}],\"has_more\":false}\n");
    Path book = java.nio.file.Files.writeString(dir.resolve("tiers.csv"), String.join(",", io.aifocus.api.pricing.PriceBook.HEADER)
        + ",service_tier\n"
        + "gpt-4o-priority,openai,gpt-4o*,2026-01-01,,USD,4.25,17,2.125,,,,,,,priority\n"
        + "gpt-4o-flex,openai,gpt-4o*,2026-01-01,,USD,1.25,5,0.625,,,,,,,flex\n"
        + "gpt-4o,openai,gpt-4o*,2026-01-01,,USD,2.5,10,1.25,,,0.5,,,,\n");
    Warehouse warehouse = new Warehouse(spark, dir.resolve("wh").toString());
    PipelineRunner.Result result0 = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(
        warehouse.root(), List.of(SourceSpec.of(SourceKind.OPENAI_USAGE, dir.resolve("usage.jsonl").toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(book.toString())));
    assertThat(result0.reconciled()).isTrue();
    Map<String, String> byVersion = new TreeMap<>();
    for (Row r : warehouse.read(CostAndUsageTable.TABLE_NAME).groupBy(col(ExtensionColumns.PRICE_BOOK_VERSION))
        .agg(sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      byVersion.put(r.getString(0), r.getDecimal(1).stripTrailingZeros().toPlainString());
    }
    // priority 1M x 4.25 + 0.1M x 17; flex 2M x 1.25 + 0.2M x 5; default (no tier row) 0.4M x 2.5 + 0.04M x 10
    assertThat(byVersion).containsExactly(Map.entry("gpt-4o", "1.4"), Map.entry("gpt-4o-flex", "3.5"),
        Map.entry("gpt-4o-priority", "5.95"));
    assertThat(result0.sources()).singleElement().satisfies(r -> assertThat(r.inputTotal()).isEqualByComparingTo("10.85"));
  }

  @Test
  void anthropicUsageReportIsPricedWithCacheWritesBatchAndLongContext() throws IOException {
    Run run = run("golden-anthropic-usage", SourceKind.ANTHROPIC_USAGE, ANTHROPIC_USAGE);
    BigDecimal nov3 = new BigDecimal("0.0711") // sonnet: 4000x3 + 12000x0.3 + 2000x3.75 + 500x6 + 3000x15
        .add(new BigDecimal("0.1"))            // haiku batch tier (50% off): 100000x0.5 + 20000x2.5
        .add(new BigDecimal("1.5225"));        // sonnet 200k-1M context window: 250000x6 + 1000x22.5
    BigDecimal nov4 = new BigDecimal("0.0035"); // haiku: 1000x1 + 500x5
    assertThat(run.result().reconciled()).isTrue();
    assertThat(run.result().rowsOut()).isEqualTo(11);
    assertThat(run.result().rowsQuarantined()).isEqualTo(8);
    assertThat(run.focus().agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0))
        .isEqualByComparingTo(nov3.add(nov4));
    Map<String, String> sonnet = new TreeMap<>();
    for (Row r : run.focus().where(col(ExtensionColumns.SOURCE_RECORD_ID).contains("wrkspc_helpdesk")
            .and(col(ExtensionColumns.MODEL).startsWith("claude-sonnet")))
        .select(ExtensionColumns.USAGE_TYPE, FocusColumns.CONSUMED_QUANTITY, FocusColumns.LIST_UNIT_PRICE).collectAsList()) {
      sonnet.put(r.getString(0), r.getDecimal(1).stripTrailingZeros().toPlainString() + " @ "
          + r.getDecimal(2).stripTrailingZeros().toPlainString());
    }
    // uncached_input_tokens already excludes cache reads and writes: nothing is subtracted, nothing counted twice
    assertThat(sonnet).containsExactly(
        Map.entry("cache-read", "12000 @ 0.3"),
        Map.entry("cache-write-1h", "500 @ 6"),
        Map.entry("cache-write-5m", "2000 @ 3.75"),
        Map.entry("input", "4000 @ 3"),
        Map.entry("output", "3000 @ 15"));
    assertThat(codesByLine(run)).containsExactly(
        Map.entry("usage-2026-11.jsonl:2", "AIF-2003 MISSING_REQUIRED_VALUE"),
        Map.entry("usage-2026-11.jsonl:3", "AIF-2001 UNPARSABLE_NUMBER"),
        Map.entry("usage-2026-11.jsonl:4", "AIF-2006 PRICE_NOT_FOUND"),
        Map.entry("usage-2026-11.jsonl:5", "AIF-1005 MALFORMED_RECORD"));

    assertGolden(run, "sample-data/anthropic/expected/focus-usage.jsonl", "sample-data/anthropic/expected/quarantine-usage.jsonl");
  }

  @Test
  void anthropicCostReportAmountsAreCents() throws IOException {
    Run run = run("golden-anthropic-cost", SourceKind.ANTHROPIC_COST, ANTHROPIC_COST);
    assertThat(run.result().reconciled()).isTrue();
    assertThat(run.result().rowsOut()).isEqualTo(10);
    assertThat(run.result().rowsQuarantined()).isEqualTo(2);
    // 152.4 + 6.75 + 0.36 + 0.75 + 0.3 + 3 + 5 + 5 cents on 11-03, 0.1 + 0.25 cents on 11-04
    assertThat(run.focus().agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0)).isEqualByComparingTo("1.7391");
    assertThat(run.focus().where(col(ExtensionColumns.USAGE_TYPE).equalTo(lit("web_search")))
        .select(FocusColumns.BILLED_COST).first().getDecimal(0)).isEqualByComparingTo("0.03");
    assertThat(codesByLine(run)).containsExactly(
        Map.entry("cost-2026-11.jsonl:3", "AIF-2001 UNPARSABLE_NUMBER"),
        Map.entry("cost-2026-11.jsonl:4", "AIF-2005 INVALID_VALUE"));

    assertGolden(run, "sample-data/anthropic/expected/focus-cost.jsonl", "sample-data/anthropic/expected/quarantine-cost.jsonl");
  }

  private static Map<String, String> codesByLine(Run run) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : run.quarantine().select(QuarantineTable.SOURCE_FILE, QuarantineTable.SOURCE_LINE, QuarantineTable.ERROR_CODE)
        .distinct().collectAsList()) {
      out.merge(Path.of(r.getString(0)).getFileName() + ":" + r.getLong(1), r.getString(2), (a, b) -> a + "," + b);
    }
    return out;
  }

  private static void assertGolden(Run run, String focus, String quarantine) throws IOException {
    GoldenFiles.assertMatches(focus, GoldenFiles.lines(run.focus(),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE)));
    GoldenFiles.assertMatches(quarantine, GoldenFiles.lines(run.quarantine(),
        Set.of(QuarantineTable.RUN_ID, QuarantineTable.QUARANTINED_AT), Set.of(QuarantineTable.SOURCE_FILE)));
  }
}
