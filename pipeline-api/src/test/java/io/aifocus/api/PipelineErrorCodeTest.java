package io.aifocus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PipelineErrorCodeTest {
  @Test
  void codesAreUniqueAndInTheirModuleRange() {
    assertThat(Arrays.stream(PipelineErrorCode.values()).map(PipelineErrorCode::code)).doesNotHaveDuplicates();
    for (PipelineErrorCode code : PipelineErrorCode.values()) {
      assertThat(code.code()).isBetween(1000, 9999);
      assertThat(code.code() / 1000).as(code.name()).isIn(1, 2, 3, 9);
    }
  }

  @Test
  void docsListEveryCodeWithItsNameAndCategory() throws IOException {
    String doc = Files.readString(SparkTestSession.projectRoot().resolve("docs/errors.md"));
    for (PipelineErrorCode code : PipelineErrorCode.values()) {
      assertThat(doc).contains("| AIF-" + code.code() + " | " + code.name() + " | " + code.category() + " |");
    }
  }

  @Test
  void messagesCarryTheLabelAndUnknownKindsListTheKnownOnes() {
    assertThat(new PipelineException(PipelineErrorCode.INPUT_NOT_FOUND, "x.csv: gone").getMessage())
        .isEqualTo("AIF-1001 INPUT_NOT_FOUND: x.csv: gone");
    assertThatThrownBy(() -> SourceKind.fromId("gcp"))
        .hasMessage("AIF-9002 UNKNOWN_SOURCE_KIND: Unknown source kind 'gcp'. Known kinds: aws-cur, focus, azure-focus, aws-focus, gcp-focus, azure-cost, gateway-log, openai-costs, openai-usage, anthropic-usage, anthropic-cost, litellm-spend, gcp-billing");
    assertThat(SourceKind.fromId("aws-cur")).isEqualTo(SourceKind.AWS_CUR);
  }
}
