package io.aifocus.schema;

/**
 * FOCUS 1.3 Contract Commitment column ids.
 *
 * <p>The only place column-name literals live; FocusSchemaDriftTest checks these constants against the
 * schema files in both directions.
 */
public final class ContractCommitmentColumns {
  public static final String BILLING_CURRENCY = "BillingCurrency";
  public static final String CONTRACT_COMMITMENT_CATEGORY = "ContractCommitmentCategory";
  public static final String CONTRACT_COMMITMENT_COST = "ContractCommitmentCost";
  public static final String CONTRACT_COMMITMENT_DESCRIPTION = "ContractCommitmentDescription";
  public static final String CONTRACT_COMMITMENT_ID = "ContractCommitmentId";
  public static final String CONTRACT_COMMITMENT_PERIOD_END = "ContractCommitmentPeriodEnd";
  public static final String CONTRACT_COMMITMENT_PERIOD_START = "ContractCommitmentPeriodStart";
  public static final String CONTRACT_COMMITMENT_QUANTITY = "ContractCommitmentQuantity";
  public static final String CONTRACT_COMMITMENT_TYPE = "ContractCommitmentType";
  public static final String CONTRACT_COMMITMENT_UNIT = "ContractCommitmentUnit";
  public static final String CONTRACT_ID = "ContractId";
  public static final String CONTRACT_PERIOD_END = "ContractPeriodEnd";
  public static final String CONTRACT_PERIOD_START = "ContractPeriodStart";

  private ContractCommitmentColumns() {}
}
