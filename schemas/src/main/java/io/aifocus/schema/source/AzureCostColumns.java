package io.aifocus.schema.source;

/**
 * Canonical column names of the azure-cost raw schema (sources/azure-cost.yaml) and the hidden columns its reader adds.
 */
public final class AzureCostColumns {
  public static final String BILLING_ACCOUNT_ID = "BillingAccountId";
  public static final String BILLING_ACCOUNT_NAME = "BillingAccountName";
  public static final String BILLING_PROFILE_ID = "BillingProfileId";
  public static final String BILLING_PROFILE_NAME = "BillingProfileName";
  public static final String BILLING_PERIOD_START_DATE = "BillingPeriodStartDate";
  public static final String BILLING_PERIOD_END_DATE = "BillingPeriodEndDate";
  public static final String BILLING_CURRENCY = "BillingCurrency";
  public static final String DATE = "Date";
  public static final String CHARGE_TYPE = "ChargeType";
  public static final String COST_IN_BILLING_CURRENCY = "CostInBillingCurrency";
  public static final String PRICING_MODEL = "PricingModel";
  public static final String FREQUENCY = "Frequency";
  public static final String QUANTITY = "Quantity";
  public static final String UNIT_OF_MEASURE = "UnitOfMeasure";
  public static final String EFFECTIVE_PRICE = "EffectivePrice";
  public static final String UNIT_PRICE = "UnitPrice";
  public static final String PAYG_PRICE = "PayGPrice";
  public static final String PAYG_COST_IN_BILLING_CURRENCY = "PaygCostInBillingCurrency";
  public static final String COST_IN_PRICING_CURRENCY = "CostInPricingCurrency";
  public static final String PRICING_CURRENCY = "PricingCurrency";
  public static final String EXCHANGE_RATE_PRICING_TO_BILLING = "ExchangeRatePricingToBilling";
  public static final String SUBSCRIPTION_ID = "SubscriptionId";
  public static final String SUBSCRIPTION_NAME = "SubscriptionName";
  public static final String RESOURCE_GROUP = "ResourceGroup";
  public static final String RESOURCE_ID = "ResourceId";
  public static final String RESOURCE_NAME = "ResourceName";
  public static final String RESOURCE_TYPE = "ResourceType";
  public static final String RESOURCE_LOCATION = "ResourceLocation";
  public static final String AVAILABILITY_ZONE = "AvailabilityZone";
  public static final String CONSUMED_SERVICE = "ConsumedService";
  public static final String PRODUCT_NAME = "ProductName";
  public static final String PRODUCT_ID = "ProductId";
  public static final String PART_NUMBER = "PartNumber";
  public static final String METER_ID = "MeterId";
  public static final String METER_NAME = "MeterName";
  public static final String METER_CATEGORY = "MeterCategory";
  public static final String METER_SUB_CATEGORY = "MeterSubCategory";
  public static final String METER_REGION = "MeterRegion";
  public static final String SERVICE_FAMILY = "ServiceFamily";
  public static final String PUBLISHER_NAME = "PublisherName";
  public static final String PUBLISHER_TYPE = "PublisherType";
  public static final String PARTNER_NAME = "PartnerName";
  public static final String INVOICE_ID = "InvoiceId";
  public static final String INVOICE_SECTION_ID = "InvoiceSectionId";
  public static final String INVOICE_SECTION_NAME = "InvoiceSectionName";
  public static final String BENEFIT_ID = "BenefitId";
  public static final String BENEFIT_NAME = "BenefitName";
  public static final String RESERVATION_ID = "ReservationId";
  public static final String RESERVATION_NAME = "ReservationName";
  public static final String TAGS = "Tags";
  public static final String ADDITIONAL_INFO = "AdditionalInfo";

  /** Hidden column: {@code actual} or {@code amortized}, the cost dataset of the row's file. */
  public static final String DATASET = "_aif_azure_dataset";
  /**
   * Hidden column: whether the row's billing period (account and start) has files of both datasets in the source
   * ({@code both}), or only of the row's own dataset ({@code alone}).
   */
  public static final String PERIOD_DATASETS = "_aif_azure_period_datasets";
  /** Hidden column: {@code EA} or {@code MCA}, the agreement type of the row's file (from its columns). */
  public static final String AGREEMENT = "_aif_azure_agreement";

  public static final String ACTUAL = "actual";
  public static final String AMORTIZED = "amortized";
  public static final String BOTH = "both";
  public static final String ALONE = "alone";
  public static final String EA = "EA";
  public static final String MCA = "MCA";

  private AzureCostColumns() {}
}
