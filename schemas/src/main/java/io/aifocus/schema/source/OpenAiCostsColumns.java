package io.aifocus.schema.source;

/** Canonical raw column names of the openai-costs source; see sources/openai-costs.yaml. */
public final class OpenAiCostsColumns {
  public static final String START_TIME = "start_time";
  public static final String END_TIME = "end_time";
  public static final String AMOUNT_VALUE = "amount_value";
  public static final String AMOUNT_CURRENCY = "amount_currency";
  public static final String LINE_ITEM = "line_item";
  public static final String PROJECT_ID = "project_id";
  public static final String API_KEY_ID = "api_key_id";
  public static final String QUANTITY = "quantity";
  public static final String QUANTITY_UNIT = "quantity_unit";

  private OpenAiCostsColumns() {}
}
