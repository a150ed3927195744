package io.aifocus.schema;

/**
 * FOCUS 1.3 Cost and Usage column ids.
 *
 * <p>The only place column-name literals live; FocusSchemaDriftTest checks these constants against the
 * schema files in both directions.
 */
public final class FocusColumns {
  public static final String ALLOCATED_METHOD_DETAILS = "AllocatedMethodDetails";
  public static final String ALLOCATED_METHOD_ID = "AllocatedMethodId";
  public static final String ALLOCATED_RESOURCE_ID = "AllocatedResourceId";
  public static final String ALLOCATED_RESOURCE_NAME = "AllocatedResourceName";
  public static final String ALLOCATED_TAGS = "AllocatedTags";
  public static final String AVAILABILITY_ZONE = "AvailabilityZone";
  public static final String BILLED_COST = "BilledCost";
  public static final String BILLING_ACCOUNT_ID = "BillingAccountId";
  public static final String BILLING_ACCOUNT_NAME = "BillingAccountName";
  public static final String BILLING_ACCOUNT_TYPE = "BillingAccountType";
  public static final String BILLING_CURRENCY = "BillingCurrency";
  public static final String BILLING_PERIOD_END = "BillingPeriodEnd";
  public static final String BILLING_PERIOD_START = "BillingPeriodStart";
  public static final String CAPACITY_RESERVATION_ID = "CapacityReservationId";
  public static final String CAPACITY_RESERVATION_STATUS = "CapacityReservationStatus";
  public static final String CHARGE_CATEGORY = "ChargeCategory";
  public static final String CHARGE_CLASS = "ChargeClass";
  public static final String CHARGE_DESCRIPTION = "ChargeDescription";
  public static final String CHARGE_FREQUENCY = "ChargeFrequency";
  public static final String CHARGE_PERIOD_END = "ChargePeriodEnd";
  public static final String CHARGE_PERIOD_START = "ChargePeriodStart";
  public static final String COMMITMENT_DISCOUNT_CATEGORY = "CommitmentDiscountCategory";
  public static final String COMMITMENT_DISCOUNT_ID = "CommitmentDiscountId";
  public static final String COMMITMENT_DISCOUNT_NAME = "CommitmentDiscountName";
  public static final String COMMITMENT_DISCOUNT_QUANTITY = "CommitmentDiscountQuantity";
  public static final String COMMITMENT_DISCOUNT_STATUS = "CommitmentDiscountStatus";
  public static final String COMMITMENT_DISCOUNT_TYPE = "CommitmentDiscountType";
  public static final String COMMITMENT_DISCOUNT_UNIT = "CommitmentDiscountUnit";
  public static final String CONSUMED_QUANTITY = "ConsumedQuantity";
  public static final String CONSUMED_UNIT = "ConsumedUnit";
  public static final String CONTRACT_APPLIED = "ContractApplied";
  public static final String CONTRACTED_COST = "ContractedCost";
  public static final String CONTRACTED_UNIT_PRICE = "ContractedUnitPrice";
  public static final String EFFECTIVE_COST = "EffectiveCost";
  public static final String HOST_PROVIDER_NAME = "HostProviderName";
  public static final String INVOICE_ID = "InvoiceId";
  public static final String INVOICE_ISSUER_NAME = "InvoiceIssuerName";
  public static final String LIST_COST = "ListCost";
  public static final String LIST_UNIT_PRICE = "ListUnitPrice";
  public static final String PRICING_CATEGORY = "PricingCategory";
  public static final String PRICING_CURRENCY = "PricingCurrency";
  public static final String PRICING_CURRENCY_CONTRACTED_UNIT_PRICE = "PricingCurrencyContractedUnitPrice";
  public static final String PRICING_CURRENCY_EFFECTIVE_COST = "PricingCurrencyEffectiveCost";
  public static final String PRICING_CURRENCY_LIST_UNIT_PRICE = "PricingCurrencyListUnitPrice";
  public static final String PRICING_QUANTITY = "PricingQuantity";
  public static final String PRICING_UNIT = "PricingUnit";
  public static final String PROVIDER_NAME = "ProviderName";
  public static final String PUBLISHER_NAME = "PublisherName";
  public static final String REGION_ID = "RegionId";
  public static final String REGION_NAME = "RegionName";
  public static final String RESOURCE_ID = "ResourceId";
  public static final String RESOURCE_NAME = "ResourceName";
  public static final String RESOURCE_TYPE = "ResourceType";
  public static final String SERVICE_CATEGORY = "ServiceCategory";
  public static final String SERVICE_NAME = "ServiceName";
  public static final String SERVICE_PROVIDER_NAME = "ServiceProviderName";
  public static final String SERVICE_SUBCATEGORY = "ServiceSubcategory";
  public static final String SKU_ID = "SkuId";
  public static final String SKU_METER = "SkuMeter";
  public static final String SKU_PRICE_DETAILS = "SkuPriceDetails";
  public static final String SKU_PRICE_ID = "SkuPriceId";
  public static final String SUB_ACCOUNT_ID = "SubAccountId";
  public static final String SUB_ACCOUNT_NAME = "SubAccountName";
  public static final String SUB_ACCOUNT_TYPE = "SubAccountType";
  public static final String TAGS = "Tags";

  private FocusColumns() {}
}
