package io.aifocus.allocate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A day of priced usage plus the provider's cost report for that day: BilledCost sums to the report to the cent. */
class BilledCostDistributionTest {
  static final Instant NOV3 = Instant.parse("2026-11-03T09:00:00Z");
  static final Instant NOV4 = Instant.parse("2026-11-04T10:00:00Z");

  @Test
  void billedAmountIsDistributedPennyExactInProportionToPricedUsage() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> usage = spark.createDataFrame(List.of(
        usageRow("OpenAI", NOV3, "req-b", "input", "1.000000"),
        usageRow("OpenAI", NOV3, "req-a", "input", "1.000000"),
        usageRow("OpenAI", NOV3.plusSeconds(3600), "req-c", "output", "1.000000"),
        usageRow("OpenAI", NOV4, "req-d", "input", "0.123456"),           // no cost report for this day
        usageRow("Anthropic", NOV3, "req-e", "input", "0.600000"),
        usageRow("Anthropic", NOV3, "req-f", "output", "0.200000")), CostAndUsageTable.schema());
    Dataset<Row> billed = spark.createDataFrame(List.of(
        RowFactory.create("OpenAI", Instant.parse("2026-11-03T00:00:00Z"), "USD", new BigDecimal("10.00")),
        // Anthropic cost reports are in cents with sub-cent digits: "123.78912" cents = 1.2378912 USD
        RowFactory.create("Anthropic", Instant.parse("2026-11-03T00:00:00Z"), "USD", new BigDecimal("1.2378912")),
        RowFactory.create("OpenAI", Instant.parse("2026-11-05T00:00:00Z"), "USD", new BigDecimal("2.00"))),
        BilledCostDistribution.billedSchema());

    BilledCostDistribution.Result result = BilledCostDistribution.distribute(usage, billed, 2);

    Map<String, BigDecimal> byRecord = new TreeMap<>();
    for (Row r : result.usage().select(ExtensionColumns.SOURCE_RECORD_ID, FocusColumns.BILLED_COST).collectAsList()) {
      byRecord.put(r.getString(0), r.getDecimal(1).stripTrailingZeros());
    }
    // equal priced usage: 10.00 / 3 -> 3.34 + 3.33 + 3.33, the extra cent to the first row in record order
    assertThat(byRecord.get("req-a")).isEqualByComparingTo("3.34");
    assertThat(byRecord.get("req-b")).isEqualByComparingTo("3.33");
    assertThat(byRecord.get("req-c")).isEqualByComparingTo("3.33");
    assertThat(byRecord.get("req-d")).isEqualByComparingTo("0.123456"); // unchanged: nothing billed that day
    // 1.2378912 split 3:1 at its own 7 decimal places: exact
    assertThat(byRecord.get("req-e")).isEqualByComparingTo("0.9284184");
    assertThat(byRecord.get("req-f")).isEqualByComparingTo("0.3094728");
    Row openAiDay = result.usage().where(col(FocusColumns.SERVICE_PROVIDER_NAME).equalTo("OpenAI")
        .and(col(ExtensionColumns.SOURCE_RECORD_ID).notEqual("req-d"))).agg(sum(FocusColumns.BILLED_COST),
            sum(FocusColumns.EFFECTIVE_COST), sum(FocusColumns.LIST_COST)).first();
    assertThat(openAiDay.getDecimal(0)).isEqualByComparingTo("10.00");
    assertThat(openAiDay.getDecimal(1)).isEqualByComparingTo("10.00");
    assertThat(openAiDay.getDecimal(2)).isEqualByComparingTo("3"); // ListCost keeps the priced usage
    assertThat(result.usage().count()).isEqualTo(6); // nothing added, nothing lost

    Map<String, String> drift = new TreeMap<>();
    for (Row r : result.drift().collectAsList()) {
      drift.put(r.getString(0) + " " + r.get(1), r.getDecimal(3) + " " + r.get(4) + " " + r.get(5) + " " + r.getLong(6));
    }
    assertThat(drift).containsExactly(
        Map.entry("Anthropic 2026-11-03T00:00:00Z", "0.800000000000 1.237891200000 0.437891200000 2"),
        Map.entry("OpenAI 2026-11-03T00:00:00Z", "3.000000000000 10.000000000000 7.000000000000 3"),
        Map.entry("OpenAI 2026-11-04T00:00:00Z", "0.123456000000 null null 1"),
        Map.entry("OpenAI 2026-11-05T00:00:00Z", "0E-12 2.000000000000 2.000000000000 0"));
  }

  static Row usageRow(String provider, Instant at, String recordId, String tokenType, String listCost) {
    StructType schema = CostAndUsageTable.schema();
    Object[] values = new Object[schema.fields().length];
    BigDecimal cost = new BigDecimal(listCost).setScale(12);
    values[schema.fieldIndex(FocusColumns.SERVICE_PROVIDER_NAME)] = provider;
    values[schema.fieldIndex(FocusColumns.CHARGE_PERIOD_START)] = at;
    values[schema.fieldIndex(FocusColumns.BILLING_CURRENCY)] = "USD";
    values[schema.fieldIndex(FocusColumns.BILLED_COST)] = cost;
    values[schema.fieldIndex(FocusColumns.EFFECTIVE_COST)] = cost;
    values[schema.fieldIndex(FocusColumns.LIST_COST)] = cost;
    values[schema.fieldIndex(ExtensionColumns.SOURCE_RECORD_ID)] = recordId;
    values[schema.fieldIndex(ExtensionColumns.USAGE_TYPE)] = tokenType;
    values[schema.fieldIndex(ExtensionColumns.TEAM)] = "t";
    values[schema.fieldIndex(ExtensionColumns.MODEL)] = "m";
    values[schema.fieldIndex(ExtensionColumns.SOURCE_KIND)] = "gateway-log";
    values[schema.fieldIndex(ExtensionColumns.SOURCE_FILE)] = "f.jsonl";
    values[schema.fieldIndex(ExtensionColumns.RUN_ID)] = "r";
    values[schema.fieldIndex(ExtensionColumns.INGESTED_AT)] = NOV3;
    return RowFactory.create(values);
  }

}
