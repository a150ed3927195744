package io.aifocus.schema.source;

/** Canonical raw column names of the openai-usage source; see sources/openai-usage.yaml. */
public final class OpenAiUsageColumns {
  public static final String START_TIME = "start_time";
  public static final String END_TIME = "end_time";
  public static final String OBJECT = "object";
  public static final String MODEL = "model";
  public static final String INPUT_TOKENS = "input_tokens";
  public static final String INPUT_CACHED_TOKENS = "input_cached_tokens";
  public static final String INPUT_CACHE_WRITE_TOKENS = "input_cache_write_tokens";
  public static final String INPUT_UNCACHED_TOKENS = "input_uncached_tokens";
  public static final String OUTPUT_TOKENS = "output_tokens";
  public static final String INPUT_AUDIO_TOKENS = "input_audio_tokens";
  public static final String OUTPUT_AUDIO_TOKENS = "output_audio_tokens";
  public static final String INPUT_IMAGE_TOKENS = "input_image_tokens";
  public static final String OUTPUT_IMAGE_TOKENS = "output_image_tokens";
  public static final String NUM_MODEL_REQUESTS = "num_model_requests";
  public static final String PROJECT_ID = "project_id";
  public static final String USER_ID = "user_id";
  public static final String API_KEY_ID = "api_key_id";
  public static final String BATCH = "batch";
  public static final String SERVICE_TIER = "service_tier";

  private OpenAiUsageColumns() {}
}
