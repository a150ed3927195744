package io.aifocus.normalize.awscur;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.AwsCurColumns.*;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Lookups;
import io.aifocus.normalize.ModelIds;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.RawValues;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.AwsCurColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * AWS CUR (canonical CUR 2.0 layout) → FOCUS 1.3. The mapping of every line item type is documented in
 * docs/sources/aws-cur.md; this class is its single implementation.
 */
public final class AwsCurNormalizer implements Normalizer {
  static final String PROVIDER = "AWS";
  static final String MARKETPLACE = "AWS Marketplace";
  static final String TYPE_RESERVED_INSTANCE = "Reserved Instance";
  static final String TYPE_SAVINGS_PLAN = "Savings Plan";
  /** Marketplace product name of a third-party model sold through Amazon Bedrock; group 1 is the model. */
  static final String BEDROCK_EDITION = "(?i)^(.+?)\\s*\\(Amazon Bedrock Edition\\)\\s*$";
  /** ServiceCategory / Subcategory of Amazon Bedrock (aws-service-subcategories.csv), for its Marketplace models. */
  static final String AI_CATEGORY = "AI and Machine Learning";
  static final String AI_SUBCATEGORY = "Generative AI";
  /** Usage types of Marketplace products ({@code USE1-MP:USE1_InputTokenCount-Units}): they name no model. */
  static final String MARKETPLACE_USAGE_TYPE = "(^|-)MP:";

  private static final Map<String, String> CATEGORY_BY_CODE =
      merged(
          Lookups.map("aifocus/normalize/aws-service-subcategories.csv", 0, 1),
          Lookups.map("aifocus/normalize/aws-service-categories.csv", 0, 1));
  private static final Map<String, String> SUBCATEGORY_BY_CODE =
      Lookups.map("aifocus/normalize/aws-service-subcategories.csv", 0, 2);

  private final RawSchema schema = RawSchema.load(SourceKind.AWS_CUR.id());

  @Override
  public SourceKind kind() {
    return SourceKind.AWS_CUR;
  }

  /** One bill line, one tally row: the split is over the raw rows themselves. */
  @Override
  public boolean oneTallyRowPerRawRow() {
    return true;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    Dataset<Row> raw = input.rows();
    RawValues values = new RawValues(raw.schema());
    Column type = Parse.text(col(LINE_ITEM_LINE_ITEM_TYPE));
    LineItemTypes types = new LineItemTypes(type);

    Column gross = values.decimal(LINE_ITEM_UNBLENDED_COST);
    Column usageAmount = values.decimal(LINE_ITEM_USAGE_AMOUNT);
    Column unblendedRate = values.decimal(LINE_ITEM_UNBLENDED_RATE);
    Column netRate = values.decimal(LINE_ITEM_NET_UNBLENDED_RATE);
    Column netCost = values.decimal(LINE_ITEM_NET_UNBLENDED_COST);
    Column publicCost = values.decimal(PRICING_PUBLIC_ON_DEMAND_COST);
    Column publicRate = values.decimal(PRICING_PUBLIC_ON_DEMAND_RATE);
    Column riEffective = values.decimal(RESERVATION_EFFECTIVE_COST);
    Column riUnusedUpfront = values.decimal(RESERVATION_UNUSED_AMORTIZED_UPFRONT_FEE_FOR_BILLING_PERIOD);
    Column riUnusedRecurring = values.decimal(RESERVATION_UNUSED_RECURRING_FEE);
    Column spEffective = values.decimal(SAVINGS_PLAN_SAVINGS_PLAN_EFFECTIVE_COST);
    Column spRate = values.decimal(SAVINGS_PLAN_SAVINGS_PLAN_RATE);
    Column spTotal = values.decimal(SAVINGS_PLAN_TOTAL_COMMITMENT_TO_DATE);
    Column spUsed = values.decimal(SAVINGS_PLAN_USED_COMMITMENT);
    Column billingStart = values.timestamp(BILL_BILLING_PERIOD_START_DATE);
    Column billingEnd = values.timestamp(BILL_BILLING_PERIOD_END_DATE);
    Column chargeStart = values.timestamp(LINE_ITEM_USAGE_START_DATE);
    Column chargeEnd = values.timestamp(LINE_ITEM_USAGE_END_DATE);
    Column zero = lit(BigDecimal.ZERO).cast(Parse.MONEY);

    Column riArn = Parse.text(col(RESERVATION_RESERVATION_A_R_N));
    Column spArn = Parse.text(col(SAVINGS_PLAN_SAVINGS_PLAN_A_R_N));
    Column productMap = col(AwsCurColumns.PRODUCT);
    Column productCode = Parse.text(col(LINE_ITEM_PRODUCT_CODE));
    Column marketplace = Parse.text(col(BILL_BILLING_ENTITY)).equalTo(lit(MARKETPLACE));
    Column legalEntity = Parse.text(col(LINE_ITEM_LEGAL_ENTITY));
    Column currency = Parse.text(col(LINE_ITEM_CURRENCY_CODE));

    // CUR 2.0 discount map: the row's own discounts when AWS does not deliver them as discount line items
    // (the two shapes are alternatives). Never read on a discount line item, so a discount is never counted twice.
    Column discountMap = when(types.isDiscount().unary_$bang(), Discounts.amounts(col(AwsCurColumns.DISCOUNT)));
    Column discountTotal = when(types.isDiscount().unary_$bang(),
        Discounts.total(values.decimal(DISCOUNT_TOTAL_DISCOUNT), discountMap));
    // the bill net of discounts (docs/sources/aws-cur.md "Discounts"): the reader's reconciliation amount is the
    // same per row, computed on its own
    Column billed = Discounts.net(gross, netCost, discountTotal);

    FocusRow row = new FocusRow();
    row.set(BILLED_COST, billed);
    row.set(EFFECTIVE_COST, effectiveCost(types, billed, riEffective, riUnusedUpfront, riUnusedRecurring,
        spEffective, spTotal, spUsed, riArn, zero));
    row.set(LIST_COST, coalesce(publicCost, gross));
    row.set(CONTRACTED_COST, when(types.coveredByReservation(), coalesce(publicCost, zero)).otherwise(billed));
    row.set(BILLING_CURRENCY, currency);
    row.set(io.aifocus.schema.FocusColumns.PRICING_CURRENCY, currency);
    row.set(BILLING_ACCOUNT_ID, Parse.text(col(BILL_PAYER_ACCOUNT_ID)));
    row.set(BILLING_ACCOUNT_NAME, Parse.text(col(BILL_PAYER_ACCOUNT_NAME)));
    row.set(BILLING_ACCOUNT_TYPE, lit("Payer Account"));
    Column subAccount = Parse.text(col(LINE_ITEM_USAGE_ACCOUNT_ID));
    row.set(SUB_ACCOUNT_ID, subAccount);
    row.set(SUB_ACCOUNT_NAME, when(subAccount.isNotNull(), Parse.text(col(LINE_ITEM_USAGE_ACCOUNT_NAME))));
    row.set(SUB_ACCOUNT_TYPE, when(subAccount.isNotNull(), lit("Linked Account")));
    row.set(BILLING_PERIOD_START, billingStart);
    row.set(BILLING_PERIOD_END, billingEnd);
    row.set(CHARGE_PERIOD_START, chargeStart);
    row.set(CHARGE_PERIOD_END, chargeEnd);
    row.set(CHARGE_CATEGORY, types.chargeCategory());
    row.set(CHARGE_CLASS, lit(null).cast(DataTypes.StringType));
    row.set(CHARGE_FREQUENCY, types.chargeFrequency());
    row.set(CHARGE_DESCRIPTION, Parse.text(col(LINE_ITEM_LINE_ITEM_DESCRIPTION)));
    row.set(INVOICE_ID, Parse.text(col(BILL_INVOICE_ID)));
    row.set(INVOICE_ISSUER_NAME, coalesce(Parse.text(col(BILL_INVOICING_ENTITY)), lit(PROVIDER)));
    row.set(PROVIDER_NAME, lit(PROVIDER));
    row.set(SERVICE_PROVIDER_NAME, when(marketplace, coalesce(legalEntity, lit(MARKETPLACE))).otherwise(lit(PROVIDER)));
    row.set(PUBLISHER_NAME, when(marketplace, coalesce(legalEntity, lit(MARKETPLACE))).otherwise(lit(PROVIDER)));
    row.set(HOST_PROVIDER_NAME, lit(PROVIDER));

    // AI model charges: Amazon Bedrock's own models name the model in the usage type; third-party models sold
    // through Bedrock are AWS Marketplace products "<model> (Amazon Bedrock Edition)" with opaque product codes
    // and usage types that do not (USE1-MP:USE1_InputTokenCount-Units), so their model and category come from
    // the product name.
    Column usageType = Parse.text(col(LINE_ITEM_USAGE_TYPE));
    Column productName = Parse.text(element_at(productMap, lit("product_name")));
    Column bedrockEdition = marketplace.and(productName.rlike(BEDROCK_EDITION));
    Column serviceCategory = when(bedrockEdition, lit(AI_CATEGORY))
        .otherwise(Lookups.lookup(CATEGORY_BY_CODE, productCode, lit("Other")));
    row.set(SERVICE_CATEGORY, serviceCategory);
    Column listedSub = when(bedrockEdition, lit(AI_SUBCATEGORY))
        .otherwise(Lookups.lookup(SUBCATEGORY_BY_CODE, productCode));
    row.set(SERVICE_SUBCATEGORY, coalesce(listedSub, concat(lit("Other ("), serviceCategory, lit(")"))));
    row.set(SERVICE_NAME, coalesce(
        Parse.text(element_at(productMap, lit("product_name"))),
        Parse.text(element_at(productMap, lit("servicename"))),
        productCode));

    Column regionId = coalesce(Parse.text(col(PRODUCT_REGION_CODE)), Parse.text(element_at(productMap, lit("region"))));
    row.set(REGION_ID, regionId);
    row.set(REGION_NAME, when(regionId.isNotNull(),
        coalesce(Parse.text(col(PRODUCT_LOCATION)), Parse.text(element_at(productMap, lit("location"))), regionId)));
    row.set(AVAILABILITY_ZONE, Parse.text(col(LINE_ITEM_AVAILABILITY_ZONE)));

    Column resourceId = Parse.text(col(LINE_ITEM_RESOURCE_ID));
    row.set(RESOURCE_ID, resourceId);
    row.set(RESOURCE_TYPE, when(resourceId.isNotNull(),
        coalesce(Parse.text(col(PRODUCT_PRODUCT_FAMILY)), Parse.text(element_at(productMap, lit("product_family"))), productCode)));

    // SKU and pricing: FOCUS 1.3 couples unit prices, PricingQuantity and PricingCategory to SkuPriceId.
    // A commitment's fee rows can come without product SKU and pricing columns; FOCUS still requires SkuId,
    // SkuPriceId, unit prices and PricingQuantity on a Purchase. They are then identified by the usage type (the
    // plan or reservation offering, e.g. ComputeSP:1yrNoUpfront) and priced per commitment (its ARN): the fee is
    // the commitment's own price, for hours (recurring fees) or one unit (an upfront fee).
    Column usageTypeText = Parse.text(col(LINE_ITEM_USAGE_TYPE));
    Column commitmentFee = types.commitmentFee().and(Parse.text(col(PRICING_RATE_CODE)).isNull());
    Column skuId = when(types.isTax().unary_$bang(), coalesce(Parse.text(col(PRODUCT_SKU)), when(commitmentFee, usageTypeText)));
    Column skuPriceId = when(types.isTax().unary_$bang(), coalesce(Parse.text(col(PRICING_RATE_CODE)),
        when(commitmentFee.and(usageTypeText.isNotNull()).and(coalesce(riArn, spArn).isNotNull()),
            concat(usageTypeText, lit("@"), coalesce(riArn, spArn)))));
    Column priced = skuPriceId.isNotNull();
    Column pricingUnit = coalesce(Parse.text(col(AwsCurColumns.PRICING_UNIT)),
        when(commitmentFee, when(types.is("SavingsPlanUpfrontFee"), lit("Units")).otherwise(lit("Hrs"))));
    row.set(SKU_ID, skuId);
    row.set(SKU_PRICE_ID, skuPriceId);
    row.set(SKU_METER, when(skuId.isNotNull(),
        coalesce(Parse.text(element_at(productMap, lit("usagetype"))), usageTypeText)));
    // A SavingsPlanNegation line offsets the covered line's on-demand cost. It keeps its own FOCUS row (so
    // every CUR line reconciles one to one) with a negative PricingQuantity and non-negative unit prices,
    // so cost = unit price × quantity still holds, and no ConsumedQuantity of its own.
    Column negation = types.is("SavingsPlanNegation");
    Column pricingQuantity = when(negation, usageAmount.multiply(lit(-1))).otherwise(usageAmount);
    row.set(PRICING_QUANTITY, when(priced.and(pricingUnit.isNotNull()), pricingQuantity));
    row.set(io.aifocus.schema.FocusColumns.PRICING_UNIT, when(priced.and(pricingUnit.isNotNull()).and(usageAmount.isNotNull()), pricingUnit));
    Column listUnitPrice = when(priced, abs(coalesce(publicRate, unblendedRate)));
    Column contractedUnitPrice = when(priced,
        when(types.coveredByReservation(), coalesce(publicRate, unblendedRate))
            .when(types.coveredBySavingsPlan(), coalesce(netRate, unblendedRate, spRate))
            .otherwise(abs(coalesce(netRate, unblendedRate))));
    row.set(LIST_UNIT_PRICE, listUnitPrice);
    row.set(CONTRACTED_UNIT_PRICE, contractedUnitPrice);
    row.set(PRICING_CURRENCY_LIST_UNIT_PRICE, listUnitPrice);
    row.set(PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, contractedUnitPrice);
    row.set(PRICING_CURRENCY_EFFECTIVE_COST, row.get(EFFECTIVE_COST));
    row.set(PRICING_CATEGORY, when(priced, types.pricingCategory(Parse.text(col(PRICING_TERM)))));

    Column isUsage = types.chargeCategory().equalTo(lit("Usage"));
    Column consumed = isUsage.and(negation.unary_$bang()).and(pricingUnit.isNotNull()).and(usageAmount.isNotNull());
    row.set(CONSUMED_QUANTITY, when(consumed, usageAmount));
    row.set(CONSUMED_UNIT, when(consumed, pricingUnit));

    // Commitment discounts (Reserved Instances and Savings Plans)
    Column commitmentId = when(types.commitmentRelated(), coalesce(riArn, spArn));
    Column isRi = riArn.isNotNull();
    row.set(COMMITMENT_DISCOUNT_ID, commitmentId);
    row.set(COMMITMENT_DISCOUNT_TYPE, when(commitmentId.isNotNull(),
        when(isRi, lit(TYPE_RESERVED_INSTANCE)).otherwise(lit(TYPE_SAVINGS_PLAN))));
    row.set(COMMITMENT_DISCOUNT_CATEGORY, when(commitmentId.isNotNull(),
        when(isRi, lit("Usage")).otherwise(lit("Spend"))));
    row.set(COMMITMENT_DISCOUNT_STATUS, when(commitmentId.isNotNull().and(isUsage), lit("Used")));
    // Used usage: RI hours (or units) consumed / SP commitment dollars consumed. Purchases: RI units
    // bought for the charge period / SP commitment billed for it.
    Column isPurchase = types.chargeCategory().equalTo(lit("Purchase"));
    Column usedQuantity = when(commitmentId.isNotNull().and(priced).and(isUsage.or(isPurchase)),
        when(isRi, usageAmount).when(isUsage, spEffective).otherwise(gross));
    row.set(COMMITMENT_DISCOUNT_QUANTITY, usedQuantity);
    row.set(COMMITMENT_DISCOUNT_UNIT, when(usedQuantity.isNotNull(),
        when(isRi, pricingUnit).otherwise(currency)));

    Column tagMap = coalesce(col(RESOURCE_TAGS), Lookups.emptyStringMap());
    Column costCategories = coalesce(col(COST_CATEGORY), Lookups.emptyStringMap());
    row.set(TAGS, Tags.json(col(RESOURCE_TAGS)));
    row.set(ExtensionColumns.TEAM, Tags.team(List.of(tagMap, costCategories), context.teamTagKeys()));
    Column bedrock = productCode.equalTo(lit("AmazonBedrock")).or(marketplace
        .and(usageType.rlike("(?i)tokens?")).and(usageType.rlike(MARKETPLACE_USAGE_TYPE).unary_$bang()));
    row.set(ExtensionColumns.MODEL, coalesce(
        when(bedrockEdition, ModelIds.fromProductName(regexp_extract(productName, BEDROCK_EDITION, 1))),
        when(bedrock, ModelIds.fromUsageType(usageType)),
        lit(CostAndUsageTable.NO_MODEL)));
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.setSourceExtras(raw.schema());
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, productCode);
    row.set(ExtensionColumns.USAGE_TYPE, Parse.text(col(LINE_ITEM_USAGE_TYPE)));
    row.set(ExtensionColumns.OPERATION, Parse.text(col(LINE_ITEM_OPERATION)));
    row.set(ExtensionColumns.LINE_ITEM_TYPE, type);
    row.set(ExtensionColumns.SOURCE_RECORD_ID, Parse.text(col(IDENTITY_LINE_ITEM_ID)));
    row.set(ExtensionColumns.DISCOUNTS, Discounts.json(discountMap));
    // EKS/ECS split cost allocation: pod rows keep the bill's own amounts (0); their shares of the parent
    // instance's cost are carried beside them, never added to BilledCost (docs/sources/aws-cur.md)
    Column parent = Parse.text(col(SPLIT_LINE_ITEM_PARENT_RESOURCE_ID));
    Column splitCost = values.decimal(SPLIT_LINE_ITEM_SPLIT_COST);
    Column unusedCost = values.decimal(SPLIT_LINE_ITEM_UNUSED_COST);
    Column splitRow = parent.isNotNull().or(splitCost.isNotNull()).or(unusedCost.isNotNull());
    row.set(ExtensionColumns.SPLIT_PARENT_RESOURCE_ID, parent);
    row.set(ExtensionColumns.SPLIT_COST, when(splitRow, coalesce(splitCost, zero)));
    row.set(ExtensionColumns.SPLIT_UNUSED_COST, when(splitRow, coalesce(unusedCost, zero)));

    Rejections rejections = new Rejections();
    for (RawColumn column : schema.scalarColumns()) {
      switch (column.type()) {
        case "decimal" -> rejections.number(column.name(), values, values.decimal(column.name()));
        case "timestamp" -> rejections.timestamp(column.name(), values, values.timestamp(column.name()));
        default -> {}
      }
    }
    for (String required : schema.requiredColumns()) {
      rejections.required(required, values);
    }
    rejections.check(LINE_ITEM_LINE_ITEM_TYPE, type.isNotNull().and(types.chargeCategory().isNull()),
        PipelineErrorCode.INVALID_VALUE,
        concat(lit(LINE_ITEM_LINE_ITEM_TYPE + ": unknown line item type '"), type,
            lit("' (known: " + String.join(", ", LineItemTypes.KNOWN) + ")")));
    rejections.check(LINE_ITEM_USAGE_END_DATE, chargeEnd.lt(chargeStart),
        PipelineErrorCode.INVALID_VALUE, lit(LINE_ITEM_USAGE_END_DATE + ": ends before it starts"));

    List<String> rawColumns = schema.columns().stream().map(RawColumn::name).toList();
    return rejections.split(kind(), raw, row.columns(), rawColumns, billed, billingStart);
  }

  private static Column effectiveCost(LineItemTypes types, Column billed, Column riEffective, Column riUnusedUpfront,
      Column riUnusedRecurring, Column spEffective, Column spTotal, Column spUsed, Column riArn, Column zero) {
    return when(types.is("DiscountedUsage"), coalesce(riEffective, zero))
        .when(types.is("SavingsPlanCoveredUsage"), coalesce(spEffective, zero))
        .when(types.is("SavingsPlanNegation"), zero)
        .when(types.is("SavingsPlanUpfrontFee"), zero)
        .when(types.is("SavingsPlanRecurringFee"), coalesce(spTotal, zero).minus(coalesce(spUsed, zero)))
        .when(types.is("RIFee"), coalesce(riUnusedUpfront, zero).plus(coalesce(riUnusedRecurring, zero)))
        .when(types.is("Fee").and(riArn.isNotNull()), zero)
        .otherwise(billed);
  }

  private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
    Map<String, String> out = new java.util.LinkedHashMap<>(first);
    second.forEach(out::putIfAbsent);
    return Map.copyOf(out);
  }
}
