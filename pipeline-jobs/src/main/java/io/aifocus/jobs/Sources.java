package io.aifocus.jobs;

import io.aifocus.api.Normalizer;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.ingest.awscur.AwsCurReader;
import io.aifocus.ingest.azure.AzureCostReader;
import io.aifocus.ingest.focus.FocusFileReader;
import io.aifocus.ingest.gcp.GcpBillingReader;
import io.aifocus.ingest.llm.AnthropicCostReader;
import io.aifocus.ingest.llm.AnthropicUsageReader;
import io.aifocus.ingest.llm.GatewayLogReader;
import io.aifocus.ingest.llm.LiteLlmSpendReader;
import io.aifocus.ingest.llm.OpenAiCostsReader;
import io.aifocus.ingest.llm.OpenAiUsageReader;
import io.aifocus.normalize.awscur.AwsCurNormalizer;
import io.aifocus.normalize.azure.AzureCostNormalizer;
import io.aifocus.normalize.focus.FocusUpgradeNormalizer;
import io.aifocus.normalize.gcp.GcpBillingNormalizer;
import io.aifocus.normalize.llm.AnthropicCostNormalizer;
import io.aifocus.normalize.llm.AnthropicUsageNormalizer;
import io.aifocus.normalize.llm.GatewayLogNormalizer;
import io.aifocus.normalize.llm.LiteLlmSpendNormalizer;
import io.aifocus.normalize.llm.OpenAiCostsNormalizer;
import io.aifocus.normalize.llm.OpenAiUsageNormalizer;

/** The registry of source kinds: one reader and one normalizer per {@link SourceKind}. */
final class Sources {
  private Sources() {}

  static SourceReader reader(SourceKind kind) {
    return switch (kind) {
      case AWS_CUR -> new AwsCurReader();
      case FOCUS, AZURE_FOCUS, AWS_FOCUS, GCP_FOCUS -> new FocusFileReader(kind);
      case AZURE_COST -> new AzureCostReader();
      case GATEWAY_LOG -> new GatewayLogReader();
      case OPENAI_COSTS -> new OpenAiCostsReader();
      case OPENAI_USAGE -> new OpenAiUsageReader();
      case ANTHROPIC_USAGE -> new AnthropicUsageReader();
      case ANTHROPIC_COST -> new AnthropicCostReader();
      case LITELLM_SPEND -> new LiteLlmSpendReader();
      case GCP_BILLING -> new GcpBillingReader();
    };
  }

  static Normalizer normalizer(SourceKind kind) {
    return switch (kind) {
      case AWS_CUR -> new AwsCurNormalizer();
      case FOCUS, AZURE_FOCUS, AWS_FOCUS, GCP_FOCUS -> new FocusUpgradeNormalizer(kind);
      case AZURE_COST -> new AzureCostNormalizer();
      case GATEWAY_LOG -> new GatewayLogNormalizer();
      case OPENAI_COSTS -> new OpenAiCostsNormalizer();
      case OPENAI_USAGE -> new OpenAiUsageNormalizer();
      case ANTHROPIC_USAGE -> new AnthropicUsageNormalizer();
      case ANTHROPIC_COST -> new AnthropicCostNormalizer();
      case LITELLM_SPEND -> new LiteLlmSpendNormalizer();
      case GCP_BILLING -> new GcpBillingNormalizer();
    };
  }
}
