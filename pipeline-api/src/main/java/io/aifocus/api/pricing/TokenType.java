package io.aifocus.api.pricing;

/**
 * The kinds of tokens LLM providers price differently. Each usage row of an LLM source carries exactly one.
 * Input is always the <em>uncached</em> input: cache reads and cache writes are their own token types, so a
 * cached token is counted once and priced at its own (cache) price, never at the full input price.
 */
public enum TokenType {
  INPUT("input", "Input Tokens"),
  OUTPUT("output", "Output Tokens"),
  CACHE_READ("cache-read", "Cache Read Input Tokens"),
  CACHE_WRITE_5M("cache-write-5m", "Cache Write 5m Input Tokens"),
  CACHE_WRITE_1H("cache-write-1h", "Cache Write 1h Input Tokens");

  private final String id;
  private final String meter;

  TokenType(String id, String meter) {
    this.id = id;
    this.meter = meter;
  }

  /** Lower-kebab id, as stored in raw rows. */
  public String id() {
    return id;
  }

  /** The FOCUS SkuMeter of rows of this token type. */
  public String meter() {
    return meter;
  }

  public static TokenType fromId(String id) {
    for (TokenType type : values()) {
      if (type.id.equals(id)) {
        return type;
      }
    }
    throw new IllegalArgumentException("Unknown token type: " + id);
  }
}
