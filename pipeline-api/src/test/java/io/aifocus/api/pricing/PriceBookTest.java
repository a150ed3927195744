package io.aifocus.api.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineException;
import io.aifocus.api.SparkTestSession;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The sample price book and the pricing arithmetic, in plain Java (no Spark). */
class PriceBookTest {
  static final PriceBook BOOK = PriceBook.load(SparkTestSession.projectRoot().resolve("sample-data/llm/price-book.csv"));

  @Test
  void thePriceInEffectAtTheChargeTimeIsUsedNotTodays() {
    Price before = BOOK.find("openai", "gpt-4o-mini-2024-07-18", Instant.parse("2026-11-14T23:59:59Z")).orElseThrow();
    Price after = BOOK.find("OpenAI", "GPT-4o-mini-2024-07-18", Instant.parse("2026-11-15T00:00:00Z")).orElseThrow();
    assertThat(before.version()).isEqualTo("openai-gpt-4o-mini-2024-07-18");
    assertThat(after.version()).isEqualTo("openai-gpt-4o-mini-2026-11-15");
    assertThat(before.unitPrice(TokenType.INPUT, false, 0)).contains(new BigDecimal("0.15"));
    assertThat(after.unitPrice(TokenType.INPUT, false, 0)).contains(new BigDecimal("0.12"));
    // gpt-4o* also matches gpt-4o-mini, but the more specific row comes first in the file
    assertThat(BOOK.find("openai", "gpt-4o-2024-08-06", Instant.parse("2026-11-15T00:00:00Z")).orElseThrow().version())
        .isEqualTo("openai-gpt-4o-2024-10-01");
    assertThat(BOOK.find("openai", "gpt-4o-mini", Instant.parse("2024-01-01T00:00:00Z"))).isEmpty();
    assertThat(BOOK.find("anthropic", "gpt-4o-mini", Instant.parse("2026-11-15T00:00:00Z"))).isEmpty();
  }

  @Test
  void cachedTokensArePricedAtTheCachePriceBatchAndLongContextApply() {
    Price sonnet = BOOK.find("anthropic", "claude-sonnet-4-5-20250929", Instant.parse("2026-11-03T10:00:00Z")).orElseThrow();
    assertThat(sonnet.unitPrice(TokenType.CACHE_READ, false, 1000)).contains(new BigDecimal("0.3"));
    assertThat(sonnet.unitPrice(TokenType.CACHE_WRITE_5M, false, 1000)).contains(new BigDecimal("3.75"));
    assertThat(sonnet.unitPrice(TokenType.CACHE_WRITE_1H, false, 1000)).contains(new BigDecimal("6"));
    assertThat(sonnet.unitPrice(TokenType.INPUT, true, 1000).orElseThrow()).isEqualByComparingTo("1.5");
    assertThat(sonnet.unitPrice(TokenType.INPUT, false, 200_000)).contains(new BigDecimal("3"));
    assertThat(sonnet.unitPrice(TokenType.INPUT, false, 200_001)).contains(new BigDecimal("6"));
    assertThat(sonnet.unitPrice(TokenType.OUTPUT, true, 250_000).orElseThrow()).isEqualByComparingTo("11.25");
    // no long-context price for cache reads: the regular one applies
    assertThat(sonnet.unitPrice(TokenType.CACHE_READ, false, 250_000)).contains(new BigDecimal("0.3"));
    Price embedding = BOOK.find("openai", "text-embedding-3-small", Instant.parse("2026-11-03T10:00:00Z")).orElseThrow();
    assertThat(embedding.unitPrice(TokenType.OUTPUT, false, 0)).isEmpty();
  }

  @Test
  void costIsExactTokensTimesPricePerMillion() {
    assertThat(Price.cost(1_234_567, new BigDecimal("0.15"))).isEqualByComparingTo("0.18518505");
    assertThat(Price.cost(1, new BigDecimal("0.000001"))).isEqualByComparingTo("0.000000000001");
    assertThat(Price.cost(3, new BigDecimal("0.0000001"))).isEqualByComparingTo("0"); // below 12 places rounds
    assertThat(Price.cost(7, new BigDecimal("0.0000001"))).isEqualByComparingTo("0.000000000001");
  }

  @Test
  void badPriceBooksFailNamingLineAndColumn() {
    String header = String.join(",", PriceBook.HEADER);
    assertThatThrownBy(() -> PriceBook.parse("p.csv", "provider,model\n"))
        .isInstanceOf(PipelineException.class).hasMessageContaining("AIF-9001").hasMessageContaining("p.csv:1: price book column header");
    assertThatThrownBy(() -> PriceBook.parse("p.csv", header + "\nv,openai,gpt*,2026-11-01,,USD,abc,1,,,,,,,\n"))
        .hasMessageContaining("p.csv:2: price book column input_per_1m: not a number: 'abc'");
    assertThatThrownBy(() -> PriceBook.parse("p.csv", header + "\nv,openai,gpt*,2026-11-01,2026-10-01,USD,1,1,,,,,,,\n"))
        .hasMessageContaining("p.csv:2: price book column line: Invalid price v: effective-to is not after effective-from");
    assertThatThrownBy(() -> PriceBook.parse("p.csv", header + "\nv,openai,gpt*,Nov 1,,USD,1,1,,,,,,,\n"))
        .hasMessageContaining("p.csv:2: price book column effective_from");
    assertThatThrownBy(() -> PriceBook.parse("p.csv", header + "\nv,openai,gpt*,2026-11-01,,USD,1.1234567,1,,,,,,,\n"))
        .hasMessageContaining("at most 6 decimal places");
  }

  @Test
  void theYamlFormHoldsTheSamePricesAsTheCsvForm() {
    PriceBook yaml = PriceBook.load(SparkTestSession.projectRoot().resolve("sample-data/llm/price-book.yaml"));
    assertThat(yaml.prices()).hasSize(BOOK.prices().size()).isEqualTo(BOOK.prices());
    assertThat(yaml.name()).isEqualTo("price-book.yaml");
  }

  @Test
  void aBadYamlPriceBookNamesTheEntryAndKey() {
    assertThatThrownBy(() -> PriceBook.parseYaml("p.yaml", "prices:\n  - version: v\n    provider: openai\n"
        + "    model_pattern: x\n    effective_from: 2026-01-01\n    currency: USD\n    input_per_1m: abc\n"))
        .isInstanceOf(PipelineException.class).hasMessageContaining("AIF-9001")
        .hasMessageContaining("p.yaml:prices[0]: price book column input_per_1m: not a number: 'abc'");
    assertThatThrownBy(() -> PriceBook.parseYaml("p.yaml", "prices:\n  - version: v\n    inptu_per_1m: 1\n"))
        .hasMessageContaining("p.yaml:prices[0]: price book column inptu_per_1m: unknown key");
    assertThatThrownBy(() -> PriceBook.parseYaml("p.yaml", "price: []\n"))
        .hasMessageContaining("p.yaml:top level: price book column prices: expected a mapping with one key 'prices'");
    // a price with more than 6 decimal places is rejected in YAML as in CSV (no floating point on the way)
    assertThatThrownBy(() -> PriceBook.parseYaml("p.yaml", "prices:\n  - version: v\n    provider: openai\n"
        + "    model_pattern: x\n    effective_from: 2026-01-01\n    currency: USD\n    input_per_1m: 0.1234567\n"))
        .hasMessageContaining("at most 6 decimal places");
  }
}
