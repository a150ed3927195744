package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A CUR 2.0 CSV with "manual discount compatibility" discount line items that still carry a {@code discount} map,
 * beside usage rows with and without a map: each discount is netted into BilledCost exactly once, and the
 * reconciliation (input = output + quarantined) holds on the net amounts, quarantined rows included.
 */
class AwsCur2DiscountLinesTest {
  private static final String HEADER = "identity_line_item_id,bill_payer_account_id,bill_billing_period_start_date,"
      + "bill_billing_period_end_date,line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,"
      + "line_item_product_code,line_item_currency_code,line_item_unblended_cost,line_item_net_unblended_cost,discount";

  @Test
  void discountLineItemsAndMapsCountEachDiscountOnce() throws IOException {
    Path dir = Files.createDirectories(SparkTestSession.newDirectory("cur2-discount-lines-input").resolve("cur"));
    Files.writeString(dir.resolve("cur2-discount-lines-2026-11.csv"), String.join("\n", List.of(HEADER,
        // usage whose discount arrives as its own line item (d1): no map
        row("u1", "Usage", "2026-11-02T00:00:00Z", "AmazonEC2", "100.00", "", ""),
        row("u2", "Usage", "2026-11-02T00:00:00Z", "AmazonBedrock", "40.00", "", ""),
        // discount line items: they are the discount; the map they carry is never added again
        row("d1", "PrivateRateDiscount", "2026-11-02T00:00:00Z", "AmazonEC2", "-5.00", "",
            "{\"total_discount\": -5.0, \"private_rate_discount\": -5.0}"),
        row("d2", "BundledDiscount", "2026-11-02T00:00:00Z", "AmazonBedrock", "-2.00", "",
            "{\"bundled_discount\": -2.0}"),
        // a usage row whose discount exists only in its map: netted
        row("u3", "Usage", "2026-11-03T00:00:00Z", "AmazonS3", "30.00", "",
            "{\"total_discount\": -1.5, \"bundled_discount\": -1.5}"),
        row("t1", "Tax", "2026-11-01T00:00:00Z", "AmazonEC2", "10.00", "", ""),
        // quarantined (bad start time): its net amount 20.00 − 1.25 is what is recorded as quarantined
        row("q1", "Usage", "not-a-time", "AmazonEC2", "20.00", "",
            "{\"private_rate_discount\": -1.0, \"spp_discount\": -0.25}"))) + "\n");

    SparkSession spark = SparkTestSession.get();
    Path warehouseDir = SparkTestSession.newDirectory("cur2-discount-lines");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress())
        .run(new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, dir.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));

    // by hand: 100 + 40 − 5 − 2 + (30 − 1.5) + 10; adding the discount lines' maps too would give 164.50
    BigDecimal net = new BigDecimal("171.50");
    BigDecimal quarantined = new BigDecimal("18.75"); // 20.00 − 1.0 − 0.25 (map without a total: its sum)
    Map<String, BigDecimal> billed = new HashMap<>();
    for (Row r : warehouse.read(CostAndUsageTable.TABLE_NAME).collectAsList()) {
      billed.put(r.getAs(ExtensionColumns.SOURCE_RECORD_ID), r.getAs(FocusColumns.BILLED_COST));
    }
    assertThat(billed).hasSize(6);
    assertThat(billed.get("d1")).isEqualByComparingTo("-5.00");
    assertThat(billed.get("d2")).isEqualByComparingTo("-2.00");
    assertThat(billed.get("u1")).isEqualByComparingTo("100.00");
    assertThat(billed.get("u3")).isEqualByComparingTo("28.50");
    assertThat(billed.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(net);
    Row effective = warehouse.read(CostAndUsageTable.TABLE_NAME).agg(sum(col(FocusColumns.EFFECTIVE_COST))).first();
    assertThat(effective.getDecimal(0)).isEqualByComparingTo(net);

    Row q = warehouse.read(QuarantineTable.TABLE_NAME).first();
    assertThat(q.<BigDecimal>getAs(QuarantineTable.BILLED_AMOUNT)).isEqualByComparingTo(quarantined);
    assertThat(result.sources()).singleElement().satisfies(run -> {
      assertThat(run.reconciled()).isTrue();
      assertThat(run.inputTotal()).isEqualByComparingTo(net.add(quarantined));
      assertThat(run.outputTotal()).isEqualByComparingTo(net);
      assertThat(run.quarantinedTotal()).isEqualByComparingTo(quarantined);
    });
    Row recorded = warehouse.read(PipelineRunsTable.TABLE_NAME).first();
    assertThat(recorded.<BigDecimal>getAs(PipelineRunsTable.INPUT_TOTAL)).isEqualByComparingTo("190.25");
    assertThat(recorded.<Boolean>getAs(PipelineRunsTable.RECONCILED)).isTrue();
  }

  private static String row(String id, String type, String start, String product, String cost, String netCost,
      String discount) {
    String end = start.startsWith("2026") ? start.substring(0, 11) + "01:00:00Z" : "2026-11-02T01:00:00Z";
    return String.join(",", id, "111122223333", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", type, start, end,
        product, "USD", cost, netCost, discount.isEmpty() ? "" : "\"" + discount.replace("\"", "\"\"") + "\"");
  }
}
