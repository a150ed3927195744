package io.aifocus.jobs;

import io.aifocus.api.Normalizer;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceReader;
import io.aifocus.ingest.awscur.AwsCurReader;
import io.aifocus.ingest.focus.FocusFileReader;
import io.aifocus.ingest.llm.GatewayLogReader;
import io.aifocus.ingest.llm.OpenAiCostsReader;
import io.aifocus.normalize.awscur.AwsCurNormalizer;
import io.aifocus.normalize.focus.FocusUpgradeNormalizer;
import io.aifocus.normalize.llm.GatewayLogNormalizer;
import io.aifocus.normalize.llm.OpenAiCostsNormalizer;

/** The registry of source kinds: one reader and one normalizer per {@link SourceKind}. */
final class Sources {
  private Sources() {}

  static SourceReader reader(SourceKind kind) {
    return switch (kind) {
      case AWS_CUR -> new AwsCurReader();
      case FOCUS -> new FocusFileReader();
      case GATEWAY_LOG -> new GatewayLogReader();
      case OPENAI_COSTS -> new OpenAiCostsReader();
    };
  }

  static Normalizer normalizer(SourceKind kind) {
    return switch (kind) {
      case AWS_CUR -> new AwsCurNormalizer();
      case FOCUS -> new FocusUpgradeNormalizer();
      case GATEWAY_LOG -> new GatewayLogNormalizer();
      case OPENAI_COSTS -> new OpenAiCostsNormalizer();
    };
  }
}
