package io.aifocus.api;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Every input kind aifocus reads, named in lower-kebab case on the command line and in config. */
public enum SourceKind {
  /** AWS Cost and Usage Report: CUR 2.0 (Parquet/CSV) and legacy CUR CSV. */
  AWS_CUR("aws-cur"),
  /** A native FOCUS 1.0, 1.1, 1.2 or 1.3 file (CSV or Parquet), upgraded to 1.3. */
  FOCUS("focus"),
  /** The aifocus JSONL request log of an LLM gateway or application, priced from the price book. */
  GATEWAY_LOG("gateway-log"),
  /** OpenAI Costs API pages (billed amounts per day, optionally per line item and project). */
  OPENAI_COSTS("openai-costs"),
  /** OpenAI Usage API pages (completions, embeddings): tokens per bucket, priced from the price book. */
  OPENAI_USAGE("openai-usage"),
  /** Anthropic Admin API usage report pages (messages): tokens per bucket, priced from the price book. */
  ANTHROPIC_USAGE("anthropic-usage"),
  /** Anthropic Admin API cost report pages: billed amounts per day (amounts in cents). */
  ANTHROPIC_COST("anthropic-cost"),
  /** LiteLLM proxy spend logs (LiteLLM_SpendLogs as CSV or JSONL): one row per request at LiteLLM's own price. */
  LITELLM_SPEND("litellm-spend"),
  /** GCP Cloud Billing export rows extracted from BigQuery (standard or detailed table) as JSON Lines or Parquet. */
  GCP_BILLING("gcp-billing");

  private final String id;

  SourceKind(String id) {
    this.id = id;
  }

  /** The kebab-case name users type. */
  public String id() {
    return id;
  }

  public static SourceKind fromId(String id) {
    for (SourceKind kind : values()) {
      if (kind.id.equals(id)) {
        return kind;
      }
    }
    throw new PipelineException(
        PipelineErrorCode.UNKNOWN_SOURCE_KIND,
        "Unknown source kind '" + id + "'. Known kinds: " + knownIds());
  }

  public static String knownIds() {
    return Arrays.stream(values()).map(SourceKind::id).collect(Collectors.joining(", "));
  }
}
