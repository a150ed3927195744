package io.aifocus.normalize;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * Normalized LLM model ids: lower case, provider and region prefixes removed, token-type suffixes
 * removed, separators unified to {@code -}. {@code USE1-Claude3.5Sonnet-input-tokens} → {@code
 * claude3.5sonnet}; {@code anthropic.claude-3-haiku-20240307-v1:0} → {@code claude-3-haiku-20240307-v1-0}.
 */
public final class ModelIds {
  /** CUR usage-type region prefix such as {@code USE1-} or {@code EU-}. */
  static final String REGION_PREFIX = "^[A-Z]{2,4}[0-9]?-";
  /** Token/usage suffixes of Bedrock usage types. */
  static final String TOKEN_SUFFIX =
      "(?i)(-(cache-?read|cache-?write|batch))?(-(input|output))?-(tokens?|token-count|images?|units?)$";
  static final String PROVIDER_PREFIX =
      "^(anthropic|amazon|meta|mistral|cohere|ai21|openai|google|deepseek|stability|writer|qwen)\\.";

  /**
   * GCP SKU descriptions of model charges name the model, then the token/modality part: {@code Gemini 2.5 Flash
   * Text Input Tokens}, {@code Claude 3.5 Sonnet v2 Output Tokens}, {@code Gemini 1.5 Pro - Cached Input}.
   * Group 1 is the model part.
   */
  static final String SKU_MODEL =
      "(?i)^(.+?)[\\s-]+(text|image|audio|video|multimodal|long|short|cached|cache|batch|online|input|output|"
          + "character|characters|tokens?)\\b.*$";

  private ModelIds() {}

  /** Plain-Java form of {@link #fromSkuDescription(Column)}: null when the description names no token part. */
  public static String fromSkuDescription(String sku) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(SKU_MODEL).matcher(sku.strip());
    if (!m.matches()) {
      return null;
    }
    return m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-+|-+$)", "");
  }

  /** The normalized model of a GCP SKU description ({@code Gemini 2.0 Flash Text Output Tokens} → gemini-2.0-flash). */
  public static Column fromSkuDescription(Column sku) {
    Column model = org.apache.spark.sql.functions.regexp_extract(sku, SKU_MODEL, 1);
    Column s = regexp_replace(lower(model), lit("[^a-z0-9.]+"), lit("-"));
    s = regexp_replace(s, lit("(^-+|-+$)"), lit(""));
    return when(sku.isNull().or(model.equalTo(lit(""))), lit(null).cast(org.apache.spark.sql.types.DataTypes.StringType))
        .otherwise(s);
  }

  /**
   * The normalized model of a product name such as {@code Claude 3.5 Sonnet} (AWS Marketplace "(Amazon Bedrock
   * Edition)" products): lower case, spaces dropped, other separators {@code -}, so it equals the id of the same
   * model in Bedrock usage types ({@code USE1-Claude3.5Sonnet-input-tokens} → {@code claude3.5sonnet}).
   */
  public static Column fromProductName(Column name) {
    Column s = regexp_replace(lower(name), lit("\\s+"), lit(""));
    s = regexp_replace(s, lit(PROVIDER_PREFIX), lit(""));
    s = regexp_replace(s, lit("[^a-z0-9.]+"), lit("-"));
    s = regexp_replace(s, lit("(^-+|-+$)"), lit(""));
    return when(name.isNull().or(s.equalTo(lit(""))), lit(null).cast(org.apache.spark.sql.types.DataTypes.StringType))
        .otherwise(s);
  }

  /** Plain-Java form of {@link #fromUsageType(Column)}, for tests and config. */
  public static String normalize(String raw) {
    String s = raw.strip().replaceAll(REGION_PREFIX, "");
    s = s.replaceAll(TOKEN_SUFFIX, "");
    s = s.toLowerCase(Locale.ROOT).replaceAll(PROVIDER_PREFIX, "");
    return s.replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-+|-+$)", "");
  }

  /** Spark form of {@link #normalize(String)}; null stays null. */
  public static Column fromUsageType(Column raw) {
    Column s = regexp_replace(raw, lit(REGION_PREFIX), lit(""));
    s = regexp_replace(s, lit(TOKEN_SUFFIX), lit(""));
    s = regexp_replace(lower(s), lit(PROVIDER_PREFIX), lit(""));
    s = regexp_replace(s, lit("[^a-z0-9.]+"), lit("-"));
    s = regexp_replace(s, lit("(^-+|-+$)"), lit(""));
    return when(raw.isNull(), lit(null)).otherwise(s);
  }
}
