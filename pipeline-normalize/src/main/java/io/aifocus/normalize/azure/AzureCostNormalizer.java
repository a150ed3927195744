package io.aifocus.normalize.azure;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.RawValues;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.AzureCostColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;

/**
 * Azure cost details rows (canonical layout of {@code sources/azure-cost.yaml}, read by the azure-cost reader) →
 * FOCUS 1.3, following Microsoft's conversion guide (FinOps toolkit, "Convert Cost Management data to FOCUS",
 * {@code docs-mslearn/focus/convert.md}); the deviations and the best effort for a single dataset are documented in
 * docs/sources/azure-cost.md.
 *
 * <p>Money: BilledCost is the cost except 0 on usage covered by a reservation or savings plan (and on unused
 * commitment rows), which is billed through the commitment purchase; EffectiveCost is the cost except 0 on the
 * commitment purchases and refunds taken from the actual file when the period also has the amortized one. Units:
 * Quantity and the prices count blocks of UnitOfMeasure ({@code 10K}, {@code 100 Hours}); the FinOps toolkit
 * pricing units table gives block size and distinct unit, so PricingQuantity = Quantity in PricingUnit
 * {@code "<block> <unit>"} and ConsumedQuantity = Quantity × block size in the distinct unit.
 *
 * <p>Quarantined: a missing required value, an unparsable number or date, Tags that are not a JSON object.
 */
public final class AzureCostNormalizer implements Normalizer {
  static final String MICROSOFT = "Microsoft";
  static final String SUBSCRIPTION = "Subscription";
  static final String EA_ACCOUNT_TYPE = "Billing Account";
  static final String MCA_ACCOUNT_TYPE = "Billing Profile";
  /** ServiceName of a row no services table entry and no meter category names. */
  static final String UNKNOWN_SERVICE = "Microsoft Azure";
  static final String OTHER_CATEGORY = "Other";
  static final String OTHER_SUBCATEGORY = "Other (Other)";

  /** After the last {@code /providers/} of an ARM id (any case), without trailing slashes: group 1. */
  private static final String ARM_PROVIDER = "(?i)/providers/(?!.*/providers/)(.+?)/*$";
  private static final String UNIT = "_aif_azure_unit";
  private static final String SERVICE = "_aif_azure_service";
  private static final String REGION = "_aif_azure_region";

  private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  /**
   * Factors of a product, 12 decimals each, narrow enough that Spark keeps at least 12 decimals of the product
   * (DECIMAL(38,12) × DECIMAL(38,12) is cut to 6): quantities up to 10^14, prices and rates up to 10^10.
   */
  private static final DecimalType QUANTITY = DataTypes.createDecimalType(26, 12);
  private static final DecimalType PRICE = DataTypes.createDecimalType(22, 12);

  private final RawSchema schema = RawSchema.load(SourceKind.AZURE_COST.id());

  @Override
  public SourceKind kind() {
    return SourceKind.AZURE_COST;
  }

  /** One bill line, one tally row: the split is over the raw rows themselves. */
  @Override
  public boolean oneTallyRowPerRawRow() {
    return true;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    if (input.kind() != kind()) {
      throw new IllegalArgumentException("Invalid input kind: " + input.kind().id() + " (expected azure-cost)");
    }
    Rejections rejections = new Rejections();
    RawValues values = new RawValues(input.rows().schema());
    for (String required : schema.requiredColumns()) {
      rejections.required(required, values);
    }
    Map<String, Column> numbers = new LinkedHashMap<>();
    Map<String, Column> dates = new LinkedHashMap<>();
    for (RawColumn column : schema.columns()) {
      switch (column.type()) {
        case "decimal" -> {
          Column parsed = values.decimal(column.name());
          rejections.number(column.name(), values, parsed);
          numbers.put(column.name(), parsed);
        }
        case "timestamp" -> {
          Column parsed = values.timestamp(column.name());
          rejections.timestamp(column.name(), values, parsed);
          dates.put(column.name(), parsed);
        }
        default -> { }
      }
    }
    Column tagText = Parse.text(col(AzureCostColumns.TAGS));
    Column tagMap = from_json(tagText, STRING_MAP);
    rejections.check(
        AzureCostColumns.TAGS,
        tagText.isNotNull().and(tagMap.isNull()),
        PipelineErrorCode.INVALID_VALUE,
        concat(lit(AzureCostColumns.TAGS + ": not a JSON object: '"), substring(tagText, 1, 100), lit("'")));

    Column cost = numbers.get(AzureCostColumns.COST_IN_BILLING_CURRENCY);
    Column quantity = numbers.get(AzureCostColumns.QUANTITY);
    Column chargeType = squeezed(AzureCostColumns.CHARGE_TYPE);
    Column pricingModel = squeezed(AzureCostColumns.PRICING_MODEL);
    Column commitmentModel = coalesce(pricingModel.isin("reservation", "savingsplan"), lit(false));
    Column purchaseOrRefund = coalesce(chargeType.isin("purchase", "refund"), lit(false));
    Column covered = commitmentModel.and(not(purchaseOrRefund));
    Column unused = coalesce(chargeType.isin("unusedreservation", "unusedsavingsplan"), lit(false));
    Column fromActualWithAmortized =
        col(AzureCostColumns.DATASET).equalTo(lit(AzureCostColumns.ACTUAL))
            .and(col(AzureCostColumns.PERIOD_DATASETS).equalTo(lit(AzureCostColumns.BOTH)));
    Column mca = col(AzureCostColumns.AGREEMENT).equalTo(lit(AzureCostColumns.MCA));

    FocusRow row = new FocusRow();
    Column billed = when(covered, lit(0)).otherwise(cost);
    Column effective = when(fromActualWithAmortized.and(commitmentModel).and(purchaseOrRefund), lit(0)).otherwise(cost);
    row.set(FocusColumns.BILLED_COST, billed);
    row.set(FocusColumns.EFFECTIVE_COST, effective);

    Column category =
        when(chargeType.equalTo("usage"), lit("Usage"))
            .when(chargeType.equalTo("purchase"), lit("Purchase"))
            .when(chargeType.equalTo("credit"), lit("Credit"))
            .when(chargeType.equalTo("tax"), lit("Tax"))
            .when(unused, lit("Usage"))
            .when(chargeType.equalTo("refund"), lit("Purchase"))
            .otherwise(lit("Adjustment"));
    row.set(FocusColumns.CHARGE_CATEGORY, category);
    row.set(FocusColumns.CHARGE_CLASS, when(chargeType.equalTo("refund"), lit("Correction")));
    Column frequency = squeezed(AzureCostColumns.FREQUENCY);
    row.set(
        FocusColumns.CHARGE_FREQUENCY,
        when(frequency.equalTo("onetime"), lit("One-Time"))
            .when(frequency.equalTo("recurring"), lit("Recurring"))
            .when(frequency.equalTo("usagebased"), lit("Usage-Based"))
            .when(category.equalTo("Usage"), lit("Usage-Based"))
            .otherwise(lit("One-Time")));
    row.set(FocusColumns.CHARGE_DESCRIPTION, text(AzureCostColumns.PRODUCT_NAME));
    Column day = dates.get(AzureCostColumns.DATE);
    row.set(FocusColumns.CHARGE_PERIOD_START, day);
    row.set(FocusColumns.CHARGE_PERIOD_END, nextDay(day));
    row.set(FocusColumns.BILLING_PERIOD_START, dates.get(AzureCostColumns.BILLING_PERIOD_START_DATE));
    row.set(FocusColumns.BILLING_PERIOD_END, nextDay(dates.get(AzureCostColumns.BILLING_PERIOD_END_DATE)));

    // accounts: MCA bills per billing profile (Microsoft's guide), EA per enrollment
    Column profileId = text(AzureCostColumns.BILLING_PROFILE_ID);
    row.set(
        FocusColumns.BILLING_ACCOUNT_ID,
        when(mca, coalesce(profileId, text(AzureCostColumns.BILLING_ACCOUNT_ID)))
            .otherwise(text(AzureCostColumns.BILLING_ACCOUNT_ID)));
    row.set(
        FocusColumns.BILLING_ACCOUNT_NAME,
        when(mca.and(profileId.isNotNull()), text(AzureCostColumns.BILLING_PROFILE_NAME))
            .otherwise(text(AzureCostColumns.BILLING_ACCOUNT_NAME)));
    row.set(FocusColumns.BILLING_ACCOUNT_TYPE, when(mca, lit(MCA_ACCOUNT_TYPE)).otherwise(lit(EA_ACCOUNT_TYPE)));
    Column subscription = text(AzureCostColumns.SUBSCRIPTION_ID);
    row.set(FocusColumns.SUB_ACCOUNT_ID, subscription);
    row.set(FocusColumns.SUB_ACCOUNT_NAME, text(AzureCostColumns.SUBSCRIPTION_NAME));
    row.set(FocusColumns.SUB_ACCOUNT_TYPE, when(subscription.isNotNull(), lit(SUBSCRIPTION)));
    row.set(FocusColumns.INVOICE_ID, text(AzureCostColumns.INVOICE_ID));
    row.set(FocusColumns.INVOICE_ISSUER_NAME, coalesce(text(AzureCostColumns.PARTNER_NAME), lit(MICROSOFT)));
    row.set(FocusColumns.PROVIDER_NAME, MICROSOFT);
    row.set(FocusColumns.SERVICE_PROVIDER_NAME, MICROSOFT);
    row.set(FocusColumns.HOST_PROVIDER_NAME, MICROSOFT);
    row.set(FocusColumns.PUBLISHER_NAME, coalesce(text(AzureCostColumns.PUBLISHER_NAME), lit(MICROSOFT)));

    // currencies and prices: MCA prices are in the pricing currency, costs in the billing currency
    Column billingCurrency = text(AzureCostColumns.BILLING_CURRENCY);
    Column pricingCurrency = coalesce(text(AzureCostColumns.PRICING_CURRENCY), billingCurrency);
    Column sameCurrency = coalesce(pricingCurrency.equalTo(billingCurrency), lit(false));
    Column rate =
        coalesce(numbers.get(AzureCostColumns.EXCHANGE_RATE_PRICING_TO_BILLING), when(sameCurrency, lit(1)));
    row.set(FocusColumns.BILLING_CURRENCY, billingCurrency);
    row.set(FocusColumns.PRICING_CURRENCY, pricingCurrency);
    Column unitPrice = numbers.get(AzureCostColumns.UNIT_PRICE);
    Column payg = numbers.get(AzureCostColumns.PAYG_PRICE);
    // EA writes PayGPrice 0 on reservation rows and purchases; the price sheet price stands in there
    Column listPrice = when(payg.gt(0), payg).otherwise(unitPrice);
    Column listUnitPrice = times(rate, listPrice);
    Column contractedUnitPrice = times(rate, unitPrice);
    // cost details carry no price id: product (MCA), meter and pricing model identify the price a row was charged at
    // (FOCUS: ContractedUnitPrice is null when SkuPriceId is; one SkuId per SkuPriceId, so it holds the SkuId's parts)
    Column skuPriceId =
        when(text(AzureCostColumns.METER_ID).isNotNull(),
            concat_ws("_", text(AzureCostColumns.PRODUCT_ID), text(AzureCostColumns.METER_ID),
                text(AzureCostColumns.PRICING_MODEL)));
    row.set(FocusColumns.SKU_PRICE_ID, skuPriceId);
    row.set(FocusColumns.LIST_UNIT_PRICE, listUnitPrice);
    row.set(FocusColumns.CONTRACTED_UNIT_PRICE, when(skuPriceId.isNotNull(), contractedUnitPrice));
    row.set(FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, listPrice);
    row.set(FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, when(skuPriceId.isNotNull(), unitPrice));
    row.set(
        FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST,
        coalesce(
            when(fromActualWithAmortized.and(commitmentModel).and(purchaseOrRefund), lit(0))
                .otherwise(numbers.get(AzureCostColumns.COST_IN_PRICING_CURRENCY)),
            when(sameCurrency, effective)));
    Column priced = category.isin("Usage", "Purchase").and(quantity.isNotNull());
    row.set(
        FocusColumns.LIST_COST,
        coalesce(
            numbers.get(AzureCostColumns.PAYG_COST_IN_BILLING_CURRENCY),
            when(priced.and(listUnitPrice.isNotNull()), times(listUnitPrice, quantity)),
            effective));
    row.set(
        FocusColumns.CONTRACTED_COST,
        coalesce(when(priced.and(contractedUnitPrice.isNotNull()), times(contractedUnitPrice, quantity)), effective));

    // units: Quantity and prices count UnitOfMeasure blocks
    Column uomText = text(AzureCostColumns.UNIT_OF_MEASURE);
    Column block = element_at(split(col(UNIT), AzureLookups.SEPARATOR), 1);
    Column distinct = element_at(split(col(UNIT), AzureLookups.SEPARATOR), 2);
    Column blockSize = coalesce(block.try_cast(PRICE), lit(1).cast(PRICE));
    Column pricingUnit =
        when(distinct.isNull(), uomText)
            .when(block.equalTo(lit("1")), distinct)
            .otherwise(concat(block, lit(" "), distinct));
    row.set(FocusColumns.PRICING_QUANTITY, quantity);
    row.set(FocusColumns.PRICING_UNIT, when(quantity.isNotNull(), pricingUnit));
    Column consumed = category.equalTo("Usage").and(not(unused)).and(quantity.isNotNull());
    row.set(FocusColumns.CONSUMED_QUANTITY, when(consumed, times(quantity, blockSize)));
    row.set(FocusColumns.CONSUMED_UNIT, when(consumed, coalesce(distinct, uomText)));

    // pricing and commitments
    row.set(
        FocusColumns.PRICING_CATEGORY,
        when(pricingModel.equalTo("ondemand"), lit("Standard"))
            .when(pricingModel.equalTo("spot"), lit("Dynamic"))
            .when(commitmentModel, lit("Committed")));
    Column benefitId = text(AzureCostColumns.BENEFIT_ID);
    Column benefit = lower(coalesce(benefitId, lit("")));
    Column reservation =
        when(benefit.contains("/microsoft.capacity/"), lit(true))
            .when(benefit.contains("/microsoft.billingbenefits/"), lit(false))
            .otherwise(pricingModel.equalTo("reservation"));
    row.set(FocusColumns.COMMITMENT_DISCOUNT_ID, benefitId);
    row.set(FocusColumns.COMMITMENT_DISCOUNT_NAME, when(benefitId.isNotNull(), text(AzureCostColumns.BENEFIT_NAME)));
    row.set(
        FocusColumns.COMMITMENT_DISCOUNT_CATEGORY,
        when(benefitId.isNotNull(), when(reservation, lit("Usage")).otherwise(lit("Spend"))));
    row.set(
        FocusColumns.COMMITMENT_DISCOUNT_TYPE,
        when(benefitId.isNotNull(), when(reservation, lit("Reservation")).otherwise(lit("Savings Plan"))));
    row.set(
        FocusColumns.COMMITMENT_DISCOUNT_STATUS,
        when(benefitId.isNotNull().and(category.equalTo("Usage")), when(unused, lit("Unused")).otherwise(lit("Used"))));

    // where and what
    Column location = text(AzureCostColumns.RESOURCE_LOCATION);
    Column region = split(col(REGION), AzureLookups.SEPARATOR);
    row.set(
        FocusColumns.REGION_ID,
        when(location.isNotNull(),
            coalesce(element_at(region, 1), regexp_replace(lower(location), "\\s", ""))));
    row.set(FocusColumns.REGION_NAME, when(location.isNotNull(), coalesce(element_at(region, 2), location)));
    row.set(FocusColumns.AVAILABILITY_ZONE, text(AzureCostColumns.AVAILABILITY_ZONE));
    Column resourceId = text(AzureCostColumns.RESOURCE_ID);
    row.set(FocusColumns.RESOURCE_ID, resourceId);
    row.set(FocusColumns.RESOURCE_TYPE, when(resourceId.isNotNull(),
        coalesce(armResourceType(resourceId), text(AzureCostColumns.RESOURCE_TYPE))));
    Column lastSegment = regexp_extract(coalesce(resourceId, lit("")), "([^/]+)/*$", 1);
    // Microsoft's guide: EA has ResourceName; MCA takes the last segment of the ARM id
    row.set(
        FocusColumns.RESOURCE_NAME,
        coalesce(text(AzureCostColumns.RESOURCE_NAME), when(mca.and(lastSegment.notEqual(lit(""))), lastSegment)));
    Column service = split(col(SERVICE), AzureLookups.SEPARATOR);
    Column found = col(SERVICE).isNotNull();
    row.set(
        FocusColumns.SERVICE_NAME,
        when(found, element_at(service, 1))
            .otherwise(coalesce(text(AzureCostColumns.METER_CATEGORY), lit(UNKNOWN_SERVICE))));
    row.set(FocusColumns.SERVICE_CATEGORY, when(found, element_at(service, 2)).otherwise(OTHER_CATEGORY));
    row.set(FocusColumns.SERVICE_SUBCATEGORY, when(found, element_at(service, 3)).otherwise(OTHER_SUBCATEGORY));
    row.set(
        FocusColumns.SKU_ID, coalesce(text(AzureCostColumns.PRODUCT_ID), text(AzureCostColumns.METER_ID)));
    row.set(FocusColumns.SKU_METER, text(AzureCostColumns.METER_NAME));
    row.set(FocusColumns.TAGS, Tags.json(tagMap));

    row.set(ExtensionColumns.TEAM, Tags.team(tagMap, context.teamTagKeys()));
    row.set(ExtensionColumns.MODEL, CostAndUsageTable.NO_MODEL);
    row.set(ExtensionColumns.SOURCE_KIND, kind().id());
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.setSourceExtras(input.rows().schema());
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, text(AzureCostColumns.CONSUMED_SERVICE));
    row.set(ExtensionColumns.LINE_ITEM_TYPE, text(AzureCostColumns.CHARGE_TYPE));

    List<String> rawColumns = new ArrayList<>();
    for (RawColumn column : schema.columns()) {
      rawColumns.add(column.name());
    }
    return rejections.split(
        kind(), withLookups(input.rows()), row.columns(), rawColumns, input.billedAmount(), input.billingPeriodStart());
  }

  /**
   * The ARM resource type of a resource id: the provider namespace and the type segments after the last
   * {@code /providers/} ({@code .../providers/Microsoft.Compute/virtualMachines/vm-1} → {@code
   * Microsoft.Compute/virtualMachines}; nested {@code .../providers/Microsoft.Sql/servers/s1/databases/db1} → {@code
   * Microsoft.Sql/servers/databases}; an extension resource takes its own provider); null for an id without a
   * provider segment and a type (a subscription, a resource group, a classic name).
   */
  static Column armResourceType(Column resourceId) {
    Column rest = regexp_extract(resourceId, ARM_PROVIDER, 1);
    Column parts = split(rest, "/");
    // segment 0 is the namespace, then type/name pairs: the types are the odd segments
    Column types = filter(parts, (part, i) -> i.mod(2).equalTo(1));
    return when(size(parts).geq(2).and(rest.notEqual(lit(""))),
        concat_ws("/", element_at(parts, 1), array_join(types, "/")));
  }

  /**
   * The raw rows plus one column per lookup (pricing unit, service, region; {@code TAB}-separated fields, null when the
   * table has no entry). Plain-Java lookups as UDFs: the tables hold ~1,300 keys with fallbacks, which as Spark map
   * literals would be copied into every expression that reads them.
   */
  private static Dataset<Row> withLookups(Dataset<Row> raw) {
    Map<String, String> units = AzureLookups.pricingUnits();
    Map<String, String> services = AzureLookups.services();
    Map<String, String> regions = AzureLookups.regions();
    UserDefinedFunction unit =
        udf((UDF1<String, String>) uom -> AzureLookups.pricingUnit(units, uom), DataTypes.StringType);
    UserDefinedFunction service =
        udf((UDF2<String, String, String>) (consumed, id) -> AzureLookups.service(services, consumed, id),
            DataTypes.StringType);
    UserDefinedFunction region =
        udf((UDF1<String, String>) location -> AzureLookups.region(regions, location), DataTypes.StringType);
    return raw.withColumn(UNIT, unit.apply(col(AzureCostColumns.UNIT_OF_MEASURE)))
        .withColumn(SERVICE, service.apply(col(AzureCostColumns.CONSUMED_SERVICE), col(AzureCostColumns.RESOURCE_ID)))
        .withColumn(REGION, region.apply(Parse.text(col(AzureCostColumns.RESOURCE_LOCATION))));
  }

  private static Column text(String column) {
    return Parse.text(col(column));
  }

  /** Lower case without white space: {@code Savings Plan} → {@code savingsplan}, {@code UsageBased} → {@code usagebased}. */
  private static Column squeezed(String column) {
    return lower(regexp_replace(trim(col(column)), "\\s", ""));
  }

  private static Column nextDay(Column day) {
    return day.plus(expr("INTERVAL 1 DAY"));
  }

  /** quantity × price at 12 decimals (half-up); null when either is null or out of the factor ranges. */
  static Column times(Column quantity, Column price) {
    return quantity.try_cast(QUANTITY).multiply(price.try_cast(PRICE)).cast(Parse.MONEY);
  }
}
