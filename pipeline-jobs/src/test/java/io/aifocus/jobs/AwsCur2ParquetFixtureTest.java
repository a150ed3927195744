package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CUR 2.0 Parquet with native map columns ({@link Cur2ParquetFixture}) through a real run: golden FOCUS rows, and the
 * totals checked against sums of the fixture's own decimal strings (no Spark on that side).
 */
class AwsCur2ParquetFixtureTest {
  static final String GOLDEN = "sample-data/aws-cur/expected/focus-cur2-parquet-maps.jsonl";
  private static Dataset<Row> focus;
  private static PipelineRunner.Result result;
  private static Map<String, Row> byId;
  private static Warehouse warehouse;

  @BeforeAll
  static void run() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path input = Cur2ParquetFixture.write(SparkTestSession.newDirectory("cur2-parquet-input"));
    Path warehouseDir = SparkTestSession.newDirectory("cur2-parquet");
    warehouse = new Warehouse(spark, warehouseDir.toString());
    // run as a large input runs (Parquet read again, normalized rows not cached), which no other test does
    result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).cacheSmallInputs(false).run(new JobConfig(
        warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, input.toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
    focus = warehouse.read(CostAndUsageTable.TABLE_NAME).cache();
    byId = new HashMap<>();
    for (Row r : focus.collectAsList()) {
      byId.put(r.getAs(ExtensionColumns.SOURCE_RECORD_ID), r);
    }
  }

  @Test
  void matchesGoldenRows() throws IOException {
    GoldenFiles.assertMatches(GOLDEN, GoldenFiles.lines(focus,
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE)));
  }

  @Test
  void billedCostIsTheBillNetOfDiscountsExactlyAndReconciles() {
    BigDecimal gross = Cur2ParquetFixture.sum("line_item_unblended_cost");
    // 1.212 + 6 × 0 + 0.110592 + 0.049152 + 3.703701 + 1.481475 + 12.0 + 0.87
    assertThat(gross).isEqualByComparingTo("19.42692");
    BigDecimal net = Cur2ParquetFixture.netBill();
    // discounts: node −0.0606 (discount_total_discount), Nova input −0.0055296 − 0.000001 (map without a total),
    // Nova output −0.0024576 (line_item_net_unblended_cost 0.0466944)
    assertThat(net).isEqualByComparingTo(gross.subtract(new BigDecimal("0.0685882")))
        .isEqualByComparingTo("19.3583318");
    assertThat(result.rowsOut()).isEqualTo(Cur2ParquetFixture.rows().size());
    assertThat(result.sources()).singleElement().satisfies(run -> {
      assertThat(run.reconciled()).isTrue();
      assertThat(run.rowsQuarantined()).isZero();
      assertThat(run.inputTotal()).isEqualByComparingTo(net);
      assertThat(run.outputTotal()).isEqualByComparingTo(net);
    });
    Row recorded = warehouse.read(PipelineRunsTable.TABLE_NAME).first();
    assertThat(recorded.<BigDecimal>getAs(PipelineRunsTable.INPUT_TOTAL)).isEqualByComparingTo(net);
    assertThat(recorded.<BigDecimal>getAs(PipelineRunsTable.OUTPUT_TOTAL)).isEqualByComparingTo(net);
    Row totals = focus.agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST)),
        sum(col(FocusColumns.CONTRACTED_COST)), sum(col(FocusColumns.LIST_COST))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo(net);
    assertThat(totals.getDecimal(1)).isEqualByComparingTo(net); // on-demand usage and tax: nothing to amortize
    assertThat(totals.getDecimal(2)).isEqualByComparingTo(net);
    assertThat(totals.getDecimal(3)).isEqualByComparingTo(gross); // list prices stay before discounts
  }

  @Test
  void splitRowsShareTheNodeWithoutAddingToTheBill() {
    Row node = byId.get("node-hour");
    assertThat(node.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("1.1514"); // net of 5 %
    assertThat(node.<BigDecimal>getAs(FocusColumns.LIST_COST)).isEqualByComparingTo("1.212");
    assertThat(node.<String>getAs(FocusColumns.RESOURCE_ID)).isEqualTo(Cur2ParquetFixture.NODE);
    assertThat(node.<String>getAs(ExtensionColumns.TEAM)).isEqualTo("platform"); // from the cost category
    Row pods = focus.where(col(ExtensionColumns.SPLIT_PARENT_RESOURCE_ID).equalTo(Cur2ParquetFixture.NODE))
        .agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST)),
            sum(col(ExtensionColumns.SPLIT_COST)), sum(col(ExtensionColumns.SPLIT_UNUSED_COST)),
            org.apache.spark.sql.functions.count("*"))
        .first();
    assertThat(pods.getLong(4)).isEqualTo(6);
    assertThat(pods.getDecimal(0)).isEqualByComparingTo("0");
    assertThat(pods.getDecimal(1)).isEqualByComparingTo("0");
    BigDecimal split = Cur2ParquetFixture.sum("split_line_item_split_cost");
    BigDecimal unused = Cur2ParquetFixture.sum("split_line_item_unused_cost");
    assertThat(pods.getDecimal(2)).isEqualByComparingTo(split).isEqualByComparingTo("0.9497884616");
    assertThat(pods.getDecimal(3)).isEqualByComparingTo(unused).isEqualByComparingTo("0.2622115383");
    // AWS's shares are rounded doubles: they cover the node's cost before discounts (the split columns are not net;
    // AWS has net_split_cost for that) up to that rounding (12 values × ½·10⁻¹⁰)
    BigDecimal gap = node.<BigDecimal>getAs(FocusColumns.LIST_COST).subtract(split.add(unused));
    assertThat(gap).isEqualByComparingTo("0.0000000001");
    // per team (pod tags), the shares a chargeback uses
    Map<String, BigDecimal> byTeam = new HashMap<>();
    for (Row r : focus.where(col(ExtensionColumns.SPLIT_PARENT_RESOURCE_ID).isNotNull())
        .groupBy(ExtensionColumns.TEAM)
        .agg(sum(col(ExtensionColumns.SPLIT_COST).plus(col(ExtensionColumns.SPLIT_UNUSED_COST)))).collectAsList()) {
      byTeam.put(r.getString(0), r.getDecimal(1));
    }
    assertThat(byTeam).hasSize(3);
    // search: 0.3146538462 + 0.0726124260 + 0.1398461538 + 0.0547224080
    assertThat(byTeam.get("search")).isEqualByComparingTo("0.5818348340");
    assertThat(byTeam.get("support")).isEqualByComparingTo("0.4200061744");
    assertThat(byTeam.get("research")).isEqualByComparingTo("0.2101589915");
  }

  @Test
  void discountMapIsTheRowsOwnDiscount() {
    Row node = byId.get("node-hour");
    assertThat(node.<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("1.1514");
    assertThat(node.<String>getAs(ExtensionColumns.DISCOUNTS))
        .isEqualTo("{\"private_rate_discount\":-0.060600000000,\"total_discount\":-0.060600000000}");
    Row nova = byId.get("nova-in");
    assertThat(node.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("1.1514");
    assertThat(node.<BigDecimal>getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("1.1514");
    assertThat(nova.<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("0.1050614");
    assertThat(nova.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("0.1050614");
    assertThat(nova.<BigDecimal>getAs(FocusColumns.LIST_COST)).isEqualByComparingTo("0.110592");
    Row novaOut = byId.get("nova-out"); // AWS's net unblended cost
    assertThat(novaOut.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("0.0466944");
    assertThat(novaOut.<BigDecimal>getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("0.0466944");
    assertThat(nova.<String>getAs(ExtensionColumns.MODEL)).isEqualTo("novalite");
    assertThat(byId.get("claude-in").<String>getAs(ExtensionColumns.DISCOUNTS)).isNull();
  }

  @Test
  void marketplaceModelsThroughBedrockAreModelCharges() {
    for (String id : List.of("claude-in", "claude-out")) {
      Row r = byId.get(id);
      assertThat(r.<String>getAs(ExtensionColumns.MODEL)).as(id).isEqualTo("claude3.5sonnet");
      assertThat(r.<String>getAs(FocusColumns.SERVICE_NAME)).isEqualTo("Claude 3.5 Sonnet (Amazon Bedrock Edition)");
      assertThat(r.<String>getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo("Anthropic, PBC");
      assertThat(r.<String>getAs(ExtensionColumns.TEAM)).isEqualTo("search");
      assertThat(r.<String>getAs(FocusColumns.SERVICE_CATEGORY)).isEqualTo("AI and Machine Learning");
      assertThat(r.<String>getAs(FocusColumns.SERVICE_SUBCATEGORY)).isEqualTo("Generative AI");
    }
    assertThat(byId.get("saas").<String>getAs(ExtensionColumns.MODEL)).isEqualTo(CostAndUsageTable.NO_MODEL);
    assertThat(byId.get("node-hour").<String>getAs(ExtensionColumns.MODEL)).isEqualTo(CostAndUsageTable.NO_MODEL);
  }
}
