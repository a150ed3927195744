package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SourceKind;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped consumption rules (aifocus/credits/consumption.yaml) as docs/credits.md states them. No Spark. */
class ConsumptionRulesTest {
  private final ConsumptionRules rules = ConsumptionRules.load();

  @Test
  void everyLlmSourceIsUsageOrCostAndBedrockRowsOfTheAwsBillAreCost() {
    for (String usage : new String[] {"gateway-log", "openai-usage", "anthropic-usage", "litellm-spend"}) {
      assertThat(rules.match(usage, "OpenAI API").orElseThrow().role()).as(usage).isEqualTo(ConsumptionRules.Role.USAGE);
    }
    for (String cost : new String[] {"openai-costs", "anthropic-cost"}) {
      assertThat(rules.match(cost, "Anthropic API").orElseThrow().role()).as(cost).isEqualTo(ConsumptionRules.Role.COST);
    }
    ConsumptionRules.Rule bedrock = rules.match("aws-cur", "Amazon Bedrock").orElseThrow();
    assertThat(bedrock.role()).isEqualTo(ConsumptionRules.Role.COST);
    assertThat(rules.providerKey(bedrock, "AWS")).isEqualTo("aws/bedrock");
    // a Marketplace model sold through Bedrock: the seller is the service provider, the key is still aws/bedrock
    ConsumptionRules.Rule marketplace = rules.match("aws-cur", "Claude 3 Haiku (Amazon Bedrock Edition)").orElseThrow();
    assertThat(rules.providerKey(marketplace, "Anthropic, PBC")).isEqualTo("aws/bedrock");
    assertThat(rules.match("aws-cur", "Amazon Elastic Compute Cloud")).isEmpty();
    assertThat(rules.match("focus", "Amazon Bedrock")).isEmpty();
    assertThat(rules.match("k8s-gpu", null)).isEmpty();
    // every source kind named exists (the loader maps ids through SourceKind.fromId): the LLM sources and the AWS
    // bill's Bedrock rows; FOCUS imports, Azure and GCP bills burn no grant (no rule for their AI services yet)
    Set<SourceKind> named = rules.rules().stream().flatMap(r -> r.sourceKinds().stream()).collect(Collectors.toSet());
    assertThat(named).isEqualTo(EnumSet.of(SourceKind.AWS_CUR, SourceKind.GATEWAY_LOG, SourceKind.OPENAI_COSTS,
        SourceKind.OPENAI_USAGE, SourceKind.ANTHROPIC_USAGE, SourceKind.ANTHROPIC_COST, SourceKind.LITELLM_SPEND));
  }

  @Test
  void providerNamesMapToOneKeyAndUnitsToTokens() {
    ConsumptionRules.Rule llm = rules.match("gateway-log", "AWS API").orElseThrow();
    assertThat(rules.providerKey(llm, "AWS")).isEqualTo("aws/bedrock"); // the gateway's aws.bedrock traffic
    assertThat(rules.providerKey(llm, "OpenAI")).isEqualTo("openai");
    assertThat(rules.canonical("OpenAI")).isEqualTo(rules.canonical("openai"));
    assertThat(rules.canonical("AWS")).isEqualTo(rules.canonical("aws/bedrock"));
    assertThat(rules.tokens("Tokens", new BigDecimal("12"))).contains(new BigDecimal("12"));
    assertThat(rules.tokens("1K tokens", new BigDecimal("52000")).orElseThrow()).isEqualByComparingTo("52000000");
    assertThat(rules.tokens("1M tokens", new BigDecimal("0.5")).orElseThrow()).isEqualByComparingTo("500000");
    assertThat(rules.tokens("Hrs", BigDecimal.ONE)).isEmpty();
    assertThat(rules.tokens(null, BigDecimal.ONE)).isEmpty();
  }

  @Test
  void theSqlPredicateSaysTheSameAsTheRules() {
    assertThat(rules.sql()).isEqualTo("(x_SourceKind IN ('gateway-log', 'openai-usage', 'anthropic-usage', 'litellm-spend')"
        + " OR x_SourceKind IN ('openai-costs', 'anthropic-cost') OR (x_SourceKind IN ('aws-cur') AND (ServiceName IN"
        + " ('Amazon Bedrock', 'AmazonBedrock') OR endswith(ServiceName, '(Amazon Bedrock Edition)'))))");
  }
}
