package io.aifocus.normalize.awscur;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SparkTestSession;
import io.aifocus.normalize.Parse;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.AwsCurColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** The normalizer on in-memory canonical rows: no files, no reader. */
class AwsCurNormalizerTest {
  private static final RawSchema SCHEMA = RawSchema.load("aws-cur");
  private static final NormalizeContext CONTEXT =
      new NormalizeContext("run-1", Instant.parse("2026-12-01T00:00:00Z"), NormalizeContext.DEFAULT_TEAM_TAG_KEYS);

  /** One raw row: the given scalar values (strings), tags, everything else null. */
  private static Object[] raw(Map<String, String> values, Map<String, String> tags, Map<String, String> costCategory) {
    List<Object> cells = new ArrayList<>();
    for (RawColumn column : SCHEMA.columns()) {
      if (column.isMap()) {
        Map<String, String> m = column.name().equals(AwsCurColumns.RESOURCE_TAGS) ? tags
            : column.name().equals(AwsCurColumns.COST_CATEGORY) ? costCategory : null;
        cells.add(m == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(m));
      } else {
        cells.add(values.get(column.name()));
      }
    }
    cells.add(values.get(RawColumns.CORRUPT_RECORD));
    cells.add("mem://test.csv");
    cells.add(null);
    return cells.toArray();
  }

  private static Map<String, String> base(String type, String cost) {
    Map<String, String> v = new HashMap<>();
    v.put(AwsCurColumns.BILL_PAYER_ACCOUNT_ID, "111122223333");
    v.put(AwsCurColumns.BILL_BILLING_PERIOD_START_DATE, "2026-11-01T00:00:00.000Z");
    v.put(AwsCurColumns.BILL_BILLING_PERIOD_END_DATE, "2026-12-01T00:00:00.000Z");
    v.put(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE, type);
    v.put(AwsCurColumns.LINE_ITEM_USAGE_START_DATE, "2026-11-02 00:00:00");
    v.put(AwsCurColumns.LINE_ITEM_USAGE_END_DATE, "2026-11-03 00:00:00");
    v.put(AwsCurColumns.LINE_ITEM_PRODUCT_CODE, "AmazonEC2");
    v.put(AwsCurColumns.LINE_ITEM_CURRENCY_CODE, "NOK");
    v.put(AwsCurColumns.LINE_ITEM_UNBLENDED_COST, cost);
    return v;
  }

  private static NormalizeResult normalize(List<Object[]> rows) {
    List<StructField> fields = new ArrayList<>();
    for (RawColumn column : SCHEMA.columns()) {
      fields.add(DataTypes.createStructField(column.name(), column.isMap()
          ? DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType) : DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_FILE, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_LINE, DataTypes.LongType, true));
    Dataset<Row> df = SparkTestSession.get().createDataFrame(
        rows.stream().map(RowFactory::create).toList(), DataTypes.createStructType(fields));
    RawInput input = new RawInput(SourceKind.AWS_CUR, df, List.of("mem://test.csv"),
        Parse.decimal(col(AwsCurColumns.LINE_ITEM_UNBLENDED_COST)), lit(null));
    return new AwsCurNormalizer().normalize(input, CONTEXT);
  }

  @Test
  void outputHasExactlyTheTableSchema() {
    NormalizeResult result = normalize(List.<Object[]>of(raw(base("Usage", "1.0"), null, null)));
    assertThat(result.focus().schema().fieldNames()).containsExactly(CostAndUsageTable.schema().fieldNames());
    assertThat(result.quarantine().schema().fieldNames()).containsExactly(QuarantineTable.normalizerSchema().fieldNames());
  }

  @Test
  void taxRowsHaveNoSkuPriceOrQuantity() {
    Map<String, String> tax = base("Tax", "12.5");
    tax.put(AwsCurColumns.PRICING_RATE_CODE, "ABC.DEF.GHI");
    tax.put(AwsCurColumns.LINE_ITEM_USAGE_AMOUNT, "1");
    tax.put(AwsCurColumns.PRICING_UNIT, "Hrs");
    Row row = normalize(List.<Object[]>of(raw(tax, null, null))).focus().first();
    assertThat(row.<String>getAs(FocusColumns.CHARGE_CATEGORY)).isEqualTo("Tax");
    for (String column : List.of(FocusColumns.SKU_ID, FocusColumns.SKU_PRICE_ID, FocusColumns.LIST_UNIT_PRICE,
        FocusColumns.CONTRACTED_UNIT_PRICE, FocusColumns.PRICING_QUANTITY, FocusColumns.PRICING_UNIT,
        FocusColumns.PRICING_CATEGORY, FocusColumns.CONSUMED_QUANTITY)) {
      assertThat((Object) row.getAs(column)).as(column).isNull();
    }
    assertThat(row.<BigDecimal>getAs(FocusColumns.LIST_COST)).isEqualByComparingTo("12.5");
    assertThat(row.<String>getAs(FocusColumns.BILLING_CURRENCY)).isEqualTo("NOK");
    assertThat(row.<Instant>getAs(FocusColumns.CHARGE_PERIOD_START)).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
  }

  @Test
  void teamFollowsTheKeyOrderThenCostCategoriesThenUnattributed() {
    List<Object[]> rows = List.of(
        raw(base("Usage", "1"), Map.of("owner", "o1", "user:team", "t1"), null),
        raw(base("Usage", "2"), Map.of("owner", " "), Map.of("team", "from-cost-category")),
        raw(base("Usage", "3"), Map.of("env", "prod"), null));
    Map<String, String> teams = new HashMap<>();
    for (Row r : normalize(rows).focus().collectAsList()) {
      teams.put(r.<BigDecimal>getAs(FocusColumns.BILLED_COST).stripTrailingZeros().toPlainString(),
          r.getAs(ExtensionColumns.TEAM));
    }
    assertThat(teams).containsExactlyInAnyOrderEntriesOf(
        Map.of("1", "t1", "2", "from-cost-category", "3", CostAndUsageTable.UNATTRIBUTED_TEAM));
  }

  @Test
  void unknownTypesBadNumbersAndReversedPeriodsAreQuarantinedWithEveryReason() {
    Map<String, String> unknown = base("SurpriseFee", "4.00");
    Map<String, String> twoErrors = base("Usage", "1,5");
    twoErrors.put(AwsCurColumns.LINE_ITEM_USAGE_AMOUNT, "ten");
    Map<String, String> reversed = base("Usage", "2");
    reversed.put(AwsCurColumns.LINE_ITEM_USAGE_END_DATE, "2026-11-01 00:00:00");
    Map<String, String> missingCurrency = base("Usage", "3");
    missingCurrency.put(AwsCurColumns.LINE_ITEM_CURRENCY_CODE, " ");
    NormalizeResult result = normalize(List.<Object[]>of(raw(unknown, null, null), raw(twoErrors, null, null),
        raw(reversed, null, null), raw(missingCurrency, null, null), raw(base("Usage", "9"), null, null)));

    assertThat(result.focus().count()).isEqualTo(1);
    Map<String, Row> bySourceField = new HashMap<>();
    for (Row r : result.quarantine().collectAsList()) {
      bySourceField.put(r.getAs(QuarantineTable.SOURCE_FIELD), r);
    }
    assertThat(bySourceField).containsOnlyKeys(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE, AwsCurColumns.LINE_ITEM_USAGE_AMOUNT,
        AwsCurColumns.LINE_ITEM_USAGE_END_DATE, AwsCurColumns.LINE_ITEM_CURRENCY_CODE);
    assertThat(bySourceField.get(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE).<String>getAs(QuarantineTable.ERROR_MESSAGE))
        .startsWith("line_item_line_item_type: unknown line item type 'SurpriseFee' (known: Usage, DiscountedUsage");
    Row two = bySourceField.get(AwsCurColumns.LINE_ITEM_USAGE_AMOUNT);
    assertThat(two.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-2001 UNPARSABLE_NUMBER");
    assertThat(two.<String>getAs(QuarantineTable.ERROR_MESSAGE))
        .isEqualTo("line_item_usage_amount: not a number: 'ten'; line_item_unblended_cost: not a number: '1,5'");
    assertThat(bySourceField.get(AwsCurColumns.LINE_ITEM_CURRENCY_CODE).<String>getAs(QuarantineTable.ERROR_CODE))
        .isEqualTo("AIF-2003 MISSING_REQUIRED_VALUE");
    assertThat(bySourceField.get(AwsCurColumns.LINE_ITEM_USAGE_END_DATE).<String>getAs(QuarantineTable.ERROR_CODE))
        .isEqualTo("AIF-2005 INVALID_VALUE");
    assertThat(bySourceField.get(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE).<BigDecimal>getAs(QuarantineTable.BILLED_AMOUNT))
        .isEqualByComparingTo("4.00");
  }

  @Test
  void corruptRecordsAreQuarantinedAsMalformed() {
    Map<String, String> corrupt = base("Usage", "1");
    corrupt.put(RawColumns.CORRUPT_RECORD, "a,b,\"c");
    Row q = normalize(List.<Object[]>of(raw(corrupt, null, null))).quarantine().first();
    assertThat(q.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-1005 MALFORMED_RECORD");
    assertThat(q.<String>getAs(QuarantineTable.RAW_RECORD)).isEqualTo("a,b,\"c");
  }
}
