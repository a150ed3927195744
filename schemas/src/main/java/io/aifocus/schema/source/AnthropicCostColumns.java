package io.aifocus.schema.source;

/** Canonical raw column names of the anthropic-cost source; see sources/anthropic-cost.yaml. */
public final class AnthropicCostColumns {
  public static final String STARTING_AT = "starting_at";
  public static final String ENDING_AT = "ending_at";
  public static final String AMOUNT = "amount";
  public static final String CURRENCY = "currency";
  public static final String COST_TYPE = "cost_type";
  public static final String TOKEN_TYPE = "token_type";
  public static final String DESCRIPTION = "description";
  public static final String MODEL = "model";
  public static final String SERVICE_TIER = "service_tier";
  public static final String CONTEXT_WINDOW = "context_window";
  public static final String INFERENCE_GEO = "inference_geo";
  public static final String WORKSPACE_ID = "workspace_id";

  /** amount is in the lowest currency unit (cents): divide by this to get currency units. */
  public static final int MINOR_UNITS_PER_UNIT = 100;

  private AnthropicCostColumns() {}
}
