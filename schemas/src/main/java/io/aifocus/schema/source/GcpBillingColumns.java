package io.aifocus.schema.source;

/**
 * Raw column names of the gcp-billing source (the flattened BigQuery billing export row); see
 * sources/gcp-billing.yaml. The yaml notes name the nested export path of each column.
 */
public final class GcpBillingColumns {
  public static final String BILLING_ACCOUNT_ID = "billing_account_id";
  public static final String SERVICE_ID = "service_id";
  public static final String SERVICE_DESCRIPTION = "service_description";
  public static final String SKU_ID = "sku_id";
  public static final String SKU_DESCRIPTION = "sku_description";
  public static final String USAGE_START_TIME = "usage_start_time";
  public static final String USAGE_END_TIME = "usage_end_time";
  public static final String PROJECT_ID = "project_id";
  public static final String PROJECT_NUMBER = "project_number";
  public static final String PROJECT_NAME = "project_name";
  public static final String LABELS = "labels";
  public static final String PROJECT_LABELS = "project_labels";
  public static final String LOCATION_LOCATION = "location_location";
  public static final String LOCATION_REGION = "location_region";
  public static final String LOCATION_ZONE = "location_zone";
  public static final String RESOURCE_NAME = "resource_name";
  public static final String RESOURCE_GLOBAL_NAME = "resource_global_name";
  public static final String COST = "cost";
  public static final String COST_AT_LIST = "cost_at_list";
  public static final String CURRENCY = "currency";
  public static final String CURRENCY_CONVERSION_RATE = "currency_conversion_rate";
  public static final String USAGE_AMOUNT = "usage_amount";
  public static final String USAGE_UNIT = "usage_unit";
  public static final String USAGE_AMOUNT_IN_PRICING_UNITS = "usage_amount_in_pricing_units";
  public static final String USAGE_PRICING_UNIT = "usage_pricing_unit";
  public static final String INVOICE_MONTH = "invoice_month";
  public static final String COST_TYPE = "cost_type";
  public static final String EXPORT_TIME = "export_time";
  public static final String TRANSACTION_TYPE = "transaction_type";
  public static final String SELLER_NAME = "seller_name";
  public static final String CREDIT_INDEX = "credit_index";
  public static final String CREDIT_ID = "credit_id";
  public static final String CREDIT_NAME = "credit_name";
  public static final String CREDIT_FULL_NAME = "credit_full_name";
  public static final String CREDIT_TYPE = "credit_type";
  public static final String CREDIT_AMOUNT = "credit_amount";

  /** The time zone of {@code invoice.month}: Google bills in Pacific time months. */
  public static final String INVOICE_TIME_ZONE = "America/Los_Angeles";

  private GcpBillingColumns() {}
}
