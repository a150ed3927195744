package io.aifocus.schema.source;

/** Raw field names of the gateway-log source; see sources/gateway-log.yaml. */
public final class GatewayLogColumns {
  public static final String TIMESTAMP = "timestamp";
  public static final String REQUEST_ID = "request_id";
  public static final String PROVIDER = "gen_ai.provider.name";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String RESPONSE_MODEL = "gen_ai.response.model";
  public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String CACHE_READ_TOKENS = "gen_ai.usage.cache_read.input_tokens";
  public static final String CACHE_CREATION_TOKENS = "gen_ai.usage.cache_creation.input_tokens";
  public static final String CACHE_CREATION_1H_TOKENS = "aifocus.usage.cache_creation_1h.input_tokens";
  public static final String BATCH = "aifocus.batch";
  public static final String ACCOUNT_ID = "account_id";
  public static final String TEAM = "team";
  public static final String FEATURE = "feature";
  public static final String WORKFLOW = "workflow";
  public static final String WORKFLOW_RUN_ID = "workflow_run_id";
  public static final String CUSTOMER = "customer";
  public static final String BUSINESS_UNIT = "business_unit";
  public static final String ENDPOINT = "endpoint";
  public static final String ENVIRONMENT = "environment";
  public static final String TAGS = "tags";

  private GatewayLogColumns() {}
}
