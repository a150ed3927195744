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
    return raw(values, tags, costCategory, null, null);
  }

  /** One raw row with the product and discount maps too (the reader's map&lt;string,string&gt; form). */
  private static Object[] raw(Map<String, String> values, Map<String, String> tags, Map<String, String> costCategory,
      Map<String, String> product, Map<String, String> discount) {
    List<Object> cells = new ArrayList<>();
    for (RawColumn column : SCHEMA.columns()) {
      if (column.isMap()) {
        Map<String, String> m = switch (column.name()) {
          case AwsCurColumns.RESOURCE_TAGS -> tags;
          case AwsCurColumns.COST_CATEGORY -> costCategory;
          case AwsCurColumns.PRODUCT -> product;
          case AwsCurColumns.DISCOUNT -> discount;
          default -> null;
        };
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

  /**
   * The tally has each row once: an accepted row with its FOCUS row's account, period, BilledCost and
   * x_SourceRecords, a rejected one (bad values, an unknown type, a corrupt record) with its quarantine row's period
   * and amount.
   */
  @Test
  void tallyHasEveryRowOnceWithTheValuesOfItsOutcome() {
    Map<String, String> unknown = base("SurpriseFee", "4.00");
    Map<String, String> badNumber = base("Usage", "1,5");
    Map<String, String> corrupt = base("Usage", "7");
    corrupt.put(RawColumns.CORRUPT_RECORD, "a,b,\"c");
    NormalizeResult result = normalize(List.<Object[]>of(raw(unknown, null, null), raw(badNumber, null, null),
        raw(corrupt, null, null), raw(base("Usage", "9"), null, null), raw(base("Tax", "0.25"), null, null)));

    assertThat(result.tally()).isPresent();
    Dataset<Row> tally = result.tally().get();
    assertThat(tally.columns()).containsExactlyElementsOf(NormalizeResult.TALLY_COLUMNS);
    List<String> accepted = tally.where(col(NormalizeResult.REJECTED).unary_$bang())
        .select(NormalizeResult.ACCOUNT, NormalizeResult.PERIOD, NormalizeResult.AMOUNT, NormalizeResult.SOURCE_RECORDS)
        .collectAsList().stream().map(Row::toString).sorted().toList();
    List<String> focus = result.focus()
        .select(FocusColumns.BILLING_ACCOUNT_ID, FocusColumns.BILLING_PERIOD_START, FocusColumns.BILLED_COST,
            ExtensionColumns.SOURCE_RECORDS)
        .collectAsList().stream().map(Row::toString).sorted().toList();
    assertThat(accepted).hasSize(2).isEqualTo(focus);
    List<String> rejected = tally.where(col(NormalizeResult.REJECTED))
        .select(NormalizeResult.ACCOUNT, NormalizeResult.PERIOD, NormalizeResult.AMOUNT, NormalizeResult.SOURCE_RECORDS)
        .collectAsList().stream().map(Row::toString).sorted().toList();
    List<String> quarantine = result.quarantine()
        .select(lit(null).cast("string"), col(QuarantineTable.BILLING_PERIOD_START), col(QuarantineTable.BILLED_AMOUNT),
            lit(null).cast("long"))
        .collectAsList().stream().map(Row::toString).sorted().toList();
    assertThat(rejected).hasSize(3).isEqualTo(quarantine);
  }

  @Test
  void corruptRecordsAreQuarantinedAsMalformed() {
    Map<String, String> corrupt = base("Usage", "1");
    corrupt.put(RawColumns.CORRUPT_RECORD, "a,b,\"c");
    Row q = normalize(List.<Object[]>of(raw(corrupt, null, null))).quarantine().first();
    assertThat(q.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-1005 MALFORMED_RECORD");
    assertThat(q.<String>getAs(QuarantineTable.RAW_RECORD)).isEqualTo("a,b,\"c");
  }

  @Test
  void discountMapIsNettedIntoTheCostsAndNeverReadOnDiscountLineItems() {
    Map<String, String> usage = base("Usage", "2.5");
    usage.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "usage");
    Map<String, String> perTypeOnly = base("Usage", "1.0");
    perTypeOnly.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "per-type");
    Map<String, String> withNet = base("Usage", "4.0");
    withNet.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "net");
    withNet.put(AwsCurColumns.LINE_ITEM_NET_UNBLENDED_COST, "3.7");
    Map<String, String> discountLine = base("PrivateRateDiscount", "-0.3");
    discountLine.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "discount-line");
    Map<String, String> scalarTotal = base("Usage", "10");
    scalarTotal.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "scalar");
    scalarTotal.put(AwsCurColumns.DISCOUNT_TOTAL_DISCOUNT, "-1.000000000001");
    NormalizeResult result = normalize(List.<Object[]>of(
        raw(usage, null, null, null, Map.of("total_discount", "-0.2875", "private_rate_discount", "-0.25",
            "bundled_discount", "-0.0375", "note", "not an amount")),
        raw(perTypeOnly, null, null, null, Map.of("edp_discount", "-0.05", "spp_discount", "-1.0E-4")),
        raw(withNet, null, null, null, Map.of("total_discount", "-0.3")),
        raw(discountLine, null, null, null, Map.of("total_discount", "-0.3")),
        raw(scalarTotal, null, null, null, null)));
    assertThat(result.quarantine().count()).isZero();
    Map<String, Row> rows = new HashMap<>();
    for (Row r : result.focus().collectAsList()) {
      rows.put(r.getAs(ExtensionColumns.SOURCE_RECORD_ID), r);
    }
    // BilledCost, EffectiveCost and ContractedCost = unblended + the total; ListCost stays gross
    assertThat(rows.get("usage").<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("2.2125");
    assertThat(rows.get("usage").<BigDecimal>getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("2.2125");
    assertThat(rows.get("usage").<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("2.2125");
    assertThat(rows.get("usage").<BigDecimal>getAs(FocusColumns.LIST_COST)).isEqualByComparingTo("2.5");
    assertThat(rows.get("usage").<String>getAs(ExtensionColumns.DISCOUNTS)).isEqualTo(
        "{\"bundled_discount\":-0.037500000000,\"private_rate_discount\":-0.250000000000,"
            + "\"total_discount\":-0.287500000000}");
    // without a total key, the per-type amounts are summed (exactly, scientific notation included)
    assertThat(rows.get("per-type").<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("0.9499");
    assertThat(rows.get("per-type").<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("0.9499");
    // AWS's own net cost wins over the map
    assertThat(rows.get("net").<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("3.7");
    assertThat(rows.get("net").<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("3.7");
    // a discount line item already is the discount: its map is ignored
    Row line = rows.get("discount-line");
    assertThat(line.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("-0.3");
    assertThat(line.<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("-0.3");
    assertThat(line.<String>getAs(ExtensionColumns.DISCOUNTS)).isNull();
    assertThat(line.<String>getAs(FocusColumns.CHARGE_CATEGORY)).isEqualTo("Credit");
    // the scalar discount_total_discount column, added at 12 decimals without rounding
    assertThat(rows.get("scalar").<BigDecimal>getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("8.999999999999");
    assertThat(rows.get("scalar").<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("8.999999999999");
    assertThat(rows.get("scalar").<String>getAs(ExtensionColumns.DISCOUNTS)).isNull();
  }

  @Test
  void marketplaceBedrockEditionModelsComeFromTheProductName() {
    Map<String, String> claude = base("Usage", "0.75");
    claude.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "claude");
    claude.put(AwsCurColumns.BILL_BILLING_ENTITY, "AWS Marketplace");
    claude.put(AwsCurColumns.LINE_ITEM_LEGAL_ENTITY, "Anthropic, PBC");
    claude.put(AwsCurColumns.LINE_ITEM_PRODUCT_CODE, "a1b2c3d4e5f6g7h8i9j0k1l2m");
    claude.put(AwsCurColumns.LINE_ITEM_USAGE_TYPE, "USE1-MP:USE1_OutputTokenCount-Units");
    Map<String, String> noName = new HashMap<>(claude);
    noName.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "no-name");
    Map<String, String> saas = new HashMap<>(claude);
    saas.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "saas");
    saas.put(AwsCurColumns.LINE_ITEM_USAGE_TYPE, "USE1-MP:USE1_Hosts-Units");
    Map<String, String> firstParty = base("Usage", "0.5");
    firstParty.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "first-party");
    firstParty.put(AwsCurColumns.LINE_ITEM_PRODUCT_CODE, "AmazonBedrock");
    firstParty.put(AwsCurColumns.LINE_ITEM_USAGE_TYPE, "USE1-Claude3.5Sonnet-input-tokens");
    Map<String, Row> rows = new HashMap<>();
    for (Row r : normalize(List.<Object[]>of(
        raw(claude, null, null, Map.of("product_name", "Claude 3.5 Sonnet (Amazon Bedrock Edition)"), null),
        raw(noName, null, null, null, null),
        raw(saas, null, null, Map.of("product_name", "Acme Observability Pro"), null),
        raw(firstParty, null, null, Map.of("product_name", "Amazon Bedrock"), null))).focus().collectAsList()) {
      rows.put(r.getAs(ExtensionColumns.SOURCE_RECORD_ID), r);
    }
    Row marketplace = rows.get("claude");
    assertThat(marketplace.<String>getAs(ExtensionColumns.MODEL))
        .isEqualTo(rows.get("first-party").<String>getAs(ExtensionColumns.MODEL)).isEqualTo("claude3.5sonnet");
    assertThat(marketplace.<String>getAs(FocusColumns.SERVICE_NAME)).isEqualTo("Claude 3.5 Sonnet (Amazon Bedrock Edition)");
    assertThat(marketplace.<String>getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo("Anthropic, PBC");
    assertThat(marketplace.<String>getAs(FocusColumns.SERVICE_CATEGORY)).isEqualTo("AI and Machine Learning");
    assertThat(marketplace.<String>getAs(FocusColumns.SERVICE_SUBCATEGORY)).isEqualTo("Generative AI");
    assertThat(rows.get("saas").<String>getAs(FocusColumns.SERVICE_CATEGORY)).isEqualTo("Other");
    // a Marketplace usage type names no model: without the product name it is no model charge it can name
    assertThat(rows.get("no-name").<String>getAs(ExtensionColumns.MODEL)).isEqualTo(CostAndUsageTable.NO_MODEL);
    assertThat(rows.get("saas").<String>getAs(ExtensionColumns.MODEL)).isEqualTo(CostAndUsageTable.NO_MODEL);
  }

  @Test
  void splitCostAllocationRowsCarryTheirSharesBesideTheirOwnZeroCost() {
    Map<String, String> parent = base("Usage", "1.212");
    parent.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "parent");
    parent.put(AwsCurColumns.LINE_ITEM_RESOURCE_ID, "i-0abc");
    Map<String, String> pod = base("Usage", "0");
    pod.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "pod");
    pod.put(AwsCurColumns.LINE_ITEM_PRODUCT_CODE, "AmazonEKS");
    pod.put(AwsCurColumns.LINE_ITEM_RESOURCE_ID, "arn:aws:eks:us-east-1:111122223333:pod/c/ns/p/uid");
    pod.put(AwsCurColumns.SPLIT_LINE_ITEM_PARENT_RESOURCE_ID, "i-0abc");
    pod.put(AwsCurColumns.SPLIT_LINE_ITEM_SPLIT_COST, "0.4444444444");
    pod.put(AwsCurColumns.SPLIT_LINE_ITEM_UNUSED_COST, "0.1");
    Map<String, String> badShare = base("Usage", "0");
    badShare.put(AwsCurColumns.SPLIT_LINE_ITEM_SPLIT_COST, "n/a");
    NormalizeResult result = normalize(List.<Object[]>of(raw(parent, null, null), raw(pod, null, null),
        raw(badShare, null, null)));
    Map<String, Row> rows = new HashMap<>();
    for (Row r : result.focus().collectAsList()) {
      rows.put(r.getAs(ExtensionColumns.SOURCE_RECORD_ID), r);
    }
    assertThat(rows).containsOnlyKeys("parent", "pod");
    assertThat(rows.get("parent").<String>getAs(ExtensionColumns.SPLIT_PARENT_RESOURCE_ID)).isNull();
    assertThat(rows.get("parent").<BigDecimal>getAs(ExtensionColumns.SPLIT_COST)).isNull();
    Row podRow = rows.get("pod");
    assertThat(podRow.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("0");
    assertThat(podRow.<BigDecimal>getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("0");
    assertThat(podRow.<String>getAs(ExtensionColumns.SPLIT_PARENT_RESOURCE_ID)).isEqualTo("i-0abc");
    assertThat(podRow.<BigDecimal>getAs(ExtensionColumns.SPLIT_COST)).isEqualByComparingTo("0.4444444444");
    assertThat(podRow.<BigDecimal>getAs(ExtensionColumns.SPLIT_UNUSED_COST)).isEqualByComparingTo("0.1");
    Row q = result.quarantine().first();
    assertThat(q.<String>getAs(QuarantineTable.SOURCE_FIELD)).isEqualTo(AwsCurColumns.SPLIT_LINE_ITEM_SPLIT_COST);
    assertThat(q.<String>getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-2001 UNPARSABLE_NUMBER");
  }

  @Test
  void commitmentFeesWithoutSkuOrRateCodeStillGetSkuPriceAndQuantity() {
    Map<String, String> fee = base("SavingsPlanRecurringFee", "4.00");
    fee.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "sp-fee");
    fee.put(AwsCurColumns.LINE_ITEM_USAGE_TYPE, "ComputeSP:1yrNoUpfront");
    fee.put(AwsCurColumns.LINE_ITEM_USAGE_AMOUNT, "1");
    fee.put(AwsCurColumns.LINE_ITEM_UNBLENDED_RATE, "4.00");
    fee.put(AwsCurColumns.SAVINGS_PLAN_SAVINGS_PLAN_A_R_N, "arn:aws:savingsplans::111122223333:savingsplan/sp-1");
    Map<String, String> priced = new HashMap<>(fee);
    priced.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "sp-fee-priced");
    priced.put(AwsCurColumns.PRODUCT_SKU, "SPSKU1");
    priced.put(AwsCurColumns.PRICING_RATE_CODE, "SPSKU1.RATE");
    priced.put(AwsCurColumns.PRICING_UNIT, "Hrs");
    Map<String, String> otherFee = base("Fee", "25");
    otherFee.put(AwsCurColumns.IDENTITY_LINE_ITEM_ID, "fee");
    Map<String, Row> rows = new HashMap<>();
    for (Row r : normalize(List.<Object[]>of(raw(fee, null, null), raw(priced, null, null), raw(otherFee, null, null)))
        .focus().collectAsList()) {
      rows.put(r.getAs(ExtensionColumns.SOURCE_RECORD_ID), r);
    }
    Row r = rows.get("sp-fee");
    assertThat(r.<String>getAs(FocusColumns.CHARGE_CATEGORY)).isEqualTo("Purchase");
    assertThat(r.<String>getAs(FocusColumns.SKU_ID)).isEqualTo("ComputeSP:1yrNoUpfront");
    assertThat(r.<String>getAs(FocusColumns.SKU_METER)).isEqualTo("ComputeSP:1yrNoUpfront");
    assertThat(r.<String>getAs(FocusColumns.SKU_PRICE_ID))
        .isEqualTo("ComputeSP:1yrNoUpfront@arn:aws:savingsplans::111122223333:savingsplan/sp-1");
    assertThat(r.<BigDecimal>getAs(FocusColumns.LIST_UNIT_PRICE)).isEqualByComparingTo("4.00");
    assertThat(r.<BigDecimal>getAs(FocusColumns.PRICING_QUANTITY)).isEqualByComparingTo("1");
    assertThat(r.<String>getAs(FocusColumns.PRICING_UNIT)).isEqualTo("Hrs");
    assertThat(r.<String>getAs(FocusColumns.PRICING_CATEGORY)).isEqualTo("Standard");
    // the CUR's own SKU and rate code win
    assertThat(rows.get("sp-fee-priced").<String>getAs(FocusColumns.SKU_ID)).isEqualTo("SPSKU1");
    assertThat(rows.get("sp-fee-priced").<String>getAs(FocusColumns.SKU_PRICE_ID)).isEqualTo("SPSKU1.RATE");
    // other fees are not a commitment's price: nothing is made up for them
    assertThat(rows.get("fee").<String>getAs(FocusColumns.SKU_ID)).isNull();
    assertThat(rows.get("fee").<String>getAs(FocusColumns.SKU_PRICE_ID)).isNull();
  }
}
