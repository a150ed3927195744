package io.aifocus.schema.source;

import java.util.List;

/** Raw column names of the litellm-spend source (LiteLLM_SpendLogs); see sources/litellm-spend.yaml. */
public final class LiteLlmSpendColumns {
  public static final String REQUEST_ID = "request_id";
  public static final String CALL_TYPE = "call_type";
  public static final String API_KEY = "api_key";
  public static final String SPEND = "spend";
  public static final String TOTAL_TOKENS = "total_tokens";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String COMPLETION_TOKENS = "completion_tokens";
  public static final String START_TIME = "startTime";
  public static final String END_TIME = "endTime";
  public static final String MODEL = "model";
  public static final String MODEL_GROUP = "model_group";
  public static final String CUSTOM_LLM_PROVIDER = "custom_llm_provider";
  public static final String USER = "user";
  public static final String END_USER = "end_user";
  public static final String TEAM_ID = "team_id";
  public static final String ORGANIZATION_ID = "organization_id";
  public static final String METADATA = "metadata";
  public static final String REQUEST_TAGS = "request_tags";
  public static final String CACHE_HIT = "cache_hit";
  public static final String STATUS = "status";

  /** Columns of the table that hold prompts or responses (personal data): never read. */
  public static final List<String> BODY_COLUMNS = List.of("messages", "response", "proxy_server_request");

  private LiteLlmSpendColumns() {}
}
