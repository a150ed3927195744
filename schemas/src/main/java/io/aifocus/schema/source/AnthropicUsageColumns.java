package io.aifocus.schema.source;

/** Canonical raw column names of the anthropic-usage source; see sources/anthropic-usage.yaml. */
public final class AnthropicUsageColumns {
  public static final String STARTING_AT = "starting_at";
  public static final String ENDING_AT = "ending_at";
  public static final String MODEL = "model";
  public static final String UNCACHED_INPUT_TOKENS = "uncached_input_tokens";
  public static final String CACHE_READ_INPUT_TOKENS = "cache_read_input_tokens";
  public static final String CACHE_CREATION_5M_INPUT_TOKENS = "cache_creation_5m_input_tokens";
  public static final String CACHE_CREATION_1H_INPUT_TOKENS = "cache_creation_1h_input_tokens";
  public static final String OUTPUT_TOKENS = "output_tokens";
  public static final String WEB_SEARCH_REQUESTS = "web_search_requests";
  public static final String SERVICE_TIER = "service_tier";
  public static final String CONTEXT_WINDOW = "context_window";
  public static final String WORKSPACE_ID = "workspace_id";
  public static final String API_KEY_ID = "api_key_id";
  public static final String ACCOUNT_ID = "account_id";
  public static final String SERVICE_ACCOUNT_ID = "service_account_id";
  public static final String INFERENCE_GEO = "inference_geo";

  /** service_tier value of Message Batches usage (priced with the batch discount). */
  public static final String BATCH_TIER = "batch";
  /** context_window value of requests above 200k input tokens (long-context prices). */
  public static final String LONG_CONTEXT_WINDOW = "200k-1M";

  private AnthropicUsageColumns() {}
}
