package io.aifocus.schema.source;

import java.util.List;

/** Canonical (CUR 2.0) column names of the aws-cur raw schema; see sources/aws-cur.yaml. */
public final class AwsCurColumns {
  public static final String IDENTITY_LINE_ITEM_ID = "identity_line_item_id";
  public static final String IDENTITY_TIME_INTERVAL = "identity_time_interval";
  public static final String BILL_INVOICE_ID = "bill_invoice_id";
  public static final String BILL_INVOICING_ENTITY = "bill_invoicing_entity";
  public static final String BILL_BILLING_ENTITY = "bill_billing_entity";
  public static final String BILL_BILL_TYPE = "bill_bill_type";
  public static final String BILL_PAYER_ACCOUNT_ID = "bill_payer_account_id";
  public static final String BILL_PAYER_ACCOUNT_NAME = "bill_payer_account_name";
  public static final String BILL_BILLING_PERIOD_START_DATE = "bill_billing_period_start_date";
  public static final String BILL_BILLING_PERIOD_END_DATE = "bill_billing_period_end_date";
  public static final String LINE_ITEM_USAGE_ACCOUNT_ID = "line_item_usage_account_id";
  public static final String LINE_ITEM_USAGE_ACCOUNT_NAME = "line_item_usage_account_name";
  public static final String LINE_ITEM_LINE_ITEM_TYPE = "line_item_line_item_type";
  public static final String LINE_ITEM_USAGE_START_DATE = "line_item_usage_start_date";
  public static final String LINE_ITEM_USAGE_END_DATE = "line_item_usage_end_date";
  public static final String LINE_ITEM_PRODUCT_CODE = "line_item_product_code";
  public static final String LINE_ITEM_USAGE_TYPE = "line_item_usage_type";
  public static final String LINE_ITEM_OPERATION = "line_item_operation";
  public static final String LINE_ITEM_AVAILABILITY_ZONE = "line_item_availability_zone";
  public static final String LINE_ITEM_RESOURCE_ID = "line_item_resource_id";
  public static final String LINE_ITEM_USAGE_AMOUNT = "line_item_usage_amount";
  public static final String LINE_ITEM_CURRENCY_CODE = "line_item_currency_code";
  public static final String LINE_ITEM_UNBLENDED_RATE = "line_item_unblended_rate";
  public static final String LINE_ITEM_UNBLENDED_COST = "line_item_unblended_cost";
  public static final String LINE_ITEM_NET_UNBLENDED_RATE = "line_item_net_unblended_rate";
  public static final String LINE_ITEM_NET_UNBLENDED_COST = "line_item_net_unblended_cost";
  public static final String LINE_ITEM_LINE_ITEM_DESCRIPTION = "line_item_line_item_description";
  public static final String LINE_ITEM_TAX_TYPE = "line_item_tax_type";
  public static final String LINE_ITEM_LEGAL_ENTITY = "line_item_legal_entity";
  public static final String PRICING_PUBLIC_ON_DEMAND_COST = "pricing_public_on_demand_cost";
  public static final String PRICING_PUBLIC_ON_DEMAND_RATE = "pricing_public_on_demand_rate";
  public static final String PRICING_TERM = "pricing_term";
  public static final String PRICING_UNIT = "pricing_unit";
  public static final String PRICING_RATE_CODE = "pricing_rate_code";
  public static final String PRICING_RATE_ID = "pricing_rate_id";
  public static final String PRICING_PURCHASE_OPTION = "pricing_purchase_option";
  public static final String PRICING_CURRENCY = "pricing_currency";
  public static final String PRODUCT_SERVICECODE = "product_servicecode";
  public static final String PRODUCT_SKU = "product_sku";
  public static final String PRODUCT_REGION_CODE = "product_region_code";
  public static final String PRODUCT_PRODUCT_FAMILY = "product_product_family";
  public static final String PRODUCT_INSTANCE_TYPE = "product_instance_type";
  public static final String PRODUCT_FROM_LOCATION = "product_from_location";
  public static final String PRODUCT_TO_LOCATION = "product_to_location";
  public static final String PRODUCT_LOCATION = "product_location";
  public static final String RESERVATION_RESERVATION_A_R_N = "reservation_reservation_a_r_n";
  public static final String RESERVATION_EFFECTIVE_COST = "reservation_effective_cost";
  public static final String RESERVATION_UNUSED_AMORTIZED_UPFRONT_FEE_FOR_BILLING_PERIOD = "reservation_unused_amortized_upfront_fee_for_billing_period";
  public static final String RESERVATION_UNUSED_RECURRING_FEE = "reservation_unused_recurring_fee";
  public static final String RESERVATION_UNUSED_QUANTITY = "reservation_unused_quantity";
  public static final String RESERVATION_NUMBER_OF_RESERVATIONS = "reservation_number_of_reservations";
  public static final String SAVINGS_PLAN_SAVINGS_PLAN_A_R_N = "savings_plan_savings_plan_a_r_n";
  public static final String SAVINGS_PLAN_SAVINGS_PLAN_EFFECTIVE_COST = "savings_plan_savings_plan_effective_cost";
  public static final String SAVINGS_PLAN_SAVINGS_PLAN_RATE = "savings_plan_savings_plan_rate";
  public static final String SAVINGS_PLAN_TOTAL_COMMITMENT_TO_DATE = "savings_plan_total_commitment_to_date";
  public static final String SAVINGS_PLAN_USED_COMMITMENT = "savings_plan_used_commitment";
  public static final String SAVINGS_PLAN_OFFERING_TYPE = "savings_plan_offering_type";
  public static final String DISCOUNT_TOTAL_DISCOUNT = "discount_total_discount";
  public static final String SPLIT_LINE_ITEM_PARENT_RESOURCE_ID = "split_line_item_parent_resource_id";
  public static final String SPLIT_LINE_ITEM_SPLIT_USAGE = "split_line_item_split_usage";
  public static final String SPLIT_LINE_ITEM_SPLIT_USAGE_RATIO = "split_line_item_split_usage_ratio";
  public static final String SPLIT_LINE_ITEM_SPLIT_COST = "split_line_item_split_cost";
  public static final String SPLIT_LINE_ITEM_UNUSED_COST = "split_line_item_unused_cost";
  public static final String PRODUCT = "product";
  public static final String RESOURCE_TAGS = "resource_tags";
  public static final String COST_CATEGORY = "cost_category";
  public static final String DISCOUNT = "discount";
  /** Key of the {@code discount} map holding the sum of the row's discounts. */
  public static final String DISCOUNT_TOTAL_KEY = "total_discount";
  /**
   * Values of {@code line_item_line_item_type} of discount line items: they are a discount themselves, so the
   * {@code discount} map is never netted into their cost (reader reconciliation and normalizer agree on this list).
   */
  public static final List<String> DISCOUNT_LINE_ITEM_TYPES = List.of(
      "BundledDiscount", "Discount", "PrivateRateDiscount", "SppDiscount", "DistributorDiscount", "EdpDiscount");

  private AwsCurColumns() {}
}
