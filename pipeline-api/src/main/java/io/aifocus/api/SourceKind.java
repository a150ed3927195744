package io.aifocus.api;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Every input kind aifocus reads, named in lower-kebab case on the command line and in config. */
public enum SourceKind {
  /** AWS Cost and Usage Report: CUR 2.0 (Parquet/CSV) and legacy CUR CSV. */
  AWS_CUR("aws-cur"),
  /** A native FOCUS 1.0, 1.1, 1.2 or 1.3 file (CSV or Parquet), upgraded to 1.3. */
  FOCUS("focus"),
  /** Alias of {@link #FOCUS} for Microsoft Cost Management FOCUS exports (FocusCost 1.0, 1.0r2, 1.2-preview, 1.2). */
  AZURE_FOCUS("azure-focus"),
  /** Alias of {@link #FOCUS} for AWS Data Exports FOCUS exports (1.0, 1.2). */
  AWS_FOCUS("aws-focus"),
  /** Alias of {@link #FOCUS} for Google Cloud FOCUS billing export extracts. */
  GCP_FOCUS("gcp-focus"),
  /** Azure Cost Management cost details exports (EA and MCA/MPA; actual and amortized), CSV(.gz) or Parquet. */
  AZURE_COST("azure-cost"),
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

  /** Whether this kind reads native FOCUS files: {@link #FOCUS} and its provider aliases. */
  public boolean isFocusFile() {
    return this == FOCUS || this == AZURE_FOCUS || this == AWS_FOCUS || this == GCP_FOCUS;
  }

  public static String knownIds() {
    return Arrays.stream(values()).map(SourceKind::id).collect(Collectors.joining(", "));
  }
}
