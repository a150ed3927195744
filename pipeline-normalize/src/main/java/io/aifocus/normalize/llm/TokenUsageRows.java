package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.Rejections;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The FOCUS columns every priced token row shares (provider usage exports): prices and costs from the
 * price book, quantities in tokens, the token x_ columns, the provider names. One place, so every token
 * source prices and labels rows alike. Mapping: docs/sources/openai-usage.md, anthropic-usage.md.
 */
final class TokenUsageRows {
  static final Map<String, String> PROVIDER_NAMES = GatewayLogNormalizer.PROVIDERS;
  /**
   * A row's tag map, computed once in the rows before the split: Tags and x_Team (twice per team tag key) read
   * it, and each reading written out in place repeated the whole map expression.
   */
  static final String TAG_MAP = "_aif_tag_map";

  private TokenUsageRows() {}

  /**
   * A cost-report line (openai-costs, anthropic-cost): the provider bills the line as a whole, with no unit price.
   * FOCUS requires SkuId, ListUnitPrice and PricingQuantity on Usage rows (CAU-SkuId-C-005-C,
   * CAU-ListUnitPrice-C-005-C, CAU-PricingQuantity-C-005-C), so the line is recorded as one unit ({@code Units})
   * at its amount: ListUnitPrice = ContractedUnitPrice = the amount, ListCost = ListUnitPrice × PricingQuantity
   * exactly. ConsumedQuantity keeps the tokens where the report gives them. SkuId = SkuPriceId = {@code sku}.
   */
  static void wholeLine(FocusRow row, Column sku, Column amount) {
    row.set(SKU_ID, sku);
    row.set(SKU_PRICE_ID, sku);
    row.set(PRICING_QUANTITY, lit(1));
    row.set(PRICING_UNIT, lit("Units"));
    row.set(PRICING_CATEGORY, lit("Standard"));
    row.set(LIST_UNIT_PRICE, amount);
    row.set(CONTRACTED_UNIT_PRICE, amount);
    row.set(PRICING_CURRENCY_LIST_UNIT_PRICE, amount);
    row.set(PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, amount);
  }

  /** A SkuId part: lower case, runs of other characters than letters, digits and dots as one '-'. */
  static Column skuPart(Column text) {
    return org.apache.spark.sql.functions.regexp_replace(org.apache.spark.sql.functions.lower(org.apache.spark.sql.functions.trim(text)),
        "[^a-z0-9.]+", "-");
  }

  /** Sets the provider name columns, service and category columns. */
  static void provider(FocusRow row, String displayName) {
    Column name = lit(displayName);
    row.set(INVOICE_ISSUER_NAME, name);
    row.set(PROVIDER_NAME, name);
    row.set(SERVICE_PROVIDER_NAME, name);
    row.set(PUBLISHER_NAME, name);
    row.set(HOST_PROVIDER_NAME, name);
    row.set(SERVICE_CATEGORY, lit("AI and Machine Learning"));
    row.set(SERVICE_SUBCATEGORY, lit("Generative AI"));
    row.set(SERVICE_NAME, lit(displayName + " API"));
    row.set(CHARGE_CATEGORY, lit("Usage"));
    row.set(CHARGE_FREQUENCY, lit("Usage-Based"));
  }

  /**
   * A row's token count, unit price and cost, computed once per row in a projection before the split and referred
   * to by name: the FOCUS row repeats each of them several times (four cost columns, four unit price columns, the
   * checks), and written out in place every repetition multiplied the size of the plan Spark analyses and optimizes.
   */
  record Priced(Dataset<Row> rows, Column tokens, Column unitPrice, Column cost) {
    static final String TOKENS = "_aif_tokens";
    static final String UNIT_PRICE = "_aif_unit_price";
    static final String COST = "_aif_cost";

    /** {@code index} must be a column reference to the materialized price index ({@link PriceBook#cost}). */
    static Priced of(Dataset<Row> rows, PriceBook book, Column index, Column type, Column tokens, Column batch,
        Column requestInputTokens) {
      Dataset<Row> withTokens = rows.withColumn(TOKENS, tokens);
      Column count = col(TOKENS);
      Dataset<Row> priced = withTokens
          .withColumn(UNIT_PRICE, book.unitPricePerMillion(index, type, batch, requestInputTokens))
          .withColumn(COST, book.cost(index, type, batch, requestInputTokens, count));
      return new Priced(priced, count, col(UNIT_PRICE), col(COST));
    }
  }

  /**
   * Sets the price, cost, quantity and token columns of a row of {@code type} priced by {@code priced};
   * {@code index} must be a column reference to the materialized price index.
   */
  static void price(FocusRow row, PriceBook book, Column index, Column type, Priced priced, Column batch,
      Column skuId) {
    Column tokens = priced.tokens();
    Column unitPrice = priced.unitPrice();
    Column cost = priced.cost();
    Column currency = book.currency(index);
    row.set(BILLED_COST, cost);
    row.set(EFFECTIVE_COST, cost);
    row.set(LIST_COST, cost);
    row.set(CONTRACTED_COST, cost);
    row.set(BILLING_CURRENCY, currency);
    row.set(PRICING_CURRENCY, currency);
    row.set(PRICING_CURRENCY_EFFECTIVE_COST, cost);
    Column hasPrice = unitPrice.isNotNull();
    row.set(SKU_METER, meter(type));
    row.set(SKU_ID, skuId);
    row.set(SKU_PRICE_ID, when(hasPrice, skuPriceId(skuId, book.version(index), type, batch)));
    row.set(PRICING_CATEGORY, when(hasPrice, lit("Standard")));
    row.set(PRICING_UNIT, when(hasPrice, lit("1000000 Tokens")));
    row.set(PRICING_QUANTITY, when(hasPrice, tokens.cast(Parse.MONEY).divide(lit(1_000_000))));
    row.set(LIST_UNIT_PRICE, unitPrice);
    row.set(CONTRACTED_UNIT_PRICE, unitPrice);
    row.set(PRICING_CURRENCY_LIST_UNIT_PRICE, unitPrice);
    row.set(PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, unitPrice);
    row.set(CONSUMED_QUANTITY, tokens);
    row.set(CONSUMED_UNIT, lit("Tokens"));
    row.set(ExtensionColumns.USAGE_TYPE, type);
    row.set(ExtensionColumns.PRICE_BOOK_VERSION, book.version(index));
    row.set(ExtensionColumns.INPUT_TOKENS, when(type.equalTo(lit(TokenType.INPUT.id())), tokens));
    row.set(ExtensionColumns.OUTPUT_TOKENS, when(type.equalTo(lit(TokenType.OUTPUT.id())), tokens));
    row.set(ExtensionColumns.CACHED_INPUT_TOKENS, when(type.equalTo(lit(TokenType.CACHE_READ.id())), tokens));
    row.set(ExtensionColumns.CACHE_WRITE_TOKENS, when(type.equalTo(lit(TokenType.CACHE_WRITE_5M.id()))
        .or(type.equalTo(lit(TokenType.CACHE_WRITE_1H.id()))), tokens));
  }

  /**
   * {@code <SkuId>/<price version>/<token type>[/batch]}: one price row (a model pattern) prices several
   * models, so the SKU is part of the id (FOCUS: a SkuPriceId has exactly one parent SkuId).
   */
  static Column skuPriceId(Column skuId, Column version, Column type, Column batch) {
    return concat(skuId, lit("/"), version, lit("/"), type, when(batch, lit("/batch")).otherwise(lit("")));
  }

  static Column meter(Column type) {
    Column out = lit(null).cast(DataTypes.StringType);
    for (TokenType t : TokenType.values()) {
      out = when(type.equalTo(lit(t.id())), lit(t.meter())).otherwise(out);
    }
    return out;
  }

  /**
   * Number and timestamp checks of every scalar raw column, required values, and token counts that must be
   * whole and non-negative ({@code decimal} columns), checked on every row of a record so a record is
   * accepted or quarantined as a whole.
   */
  static void checkRawValues(Rejections rejections, RawSchema schema, Function<String, Column> raw) {
    checkRawValues(rejections, schema, raw, Set.of());
  }

  /** As above; {@code amounts} are decimal columns holding money, not counts (any decimal accepted). */
  static void checkRawValues(Rejections rejections, RawSchema schema, Function<String, Column> raw, Set<String> amounts) {
    for (RawColumn column : schema.scalarColumns()) {
      Column value = raw.apply(column.name());
      switch (column.type()) {
        case "decimal" -> {
          Column parsed = Parse.decimal(value);
          rejections.number(column.name(), value, parsed);
          if (amounts.contains(column.name())) {
            continue;
          }
          rejections.check(column.name(), parsed.isNotNull().and(parsed.lt(lit(0)).or(parsed.notEqual(floor(parsed)))),
              PipelineErrorCode.INVALID_VALUE, concat(lit(column.name() + ": not a whole non-negative count: '"),
                  value.cast(DataTypes.StringType), lit("'")));
        }
        case "timestamp" -> rejections.timestamp(column.name(), value, Parse.timestamp(value));
        default -> { }
      }
    }
    for (String required : schema.requiredColumns()) {
      rejections.required(required, raw.apply(required));
    }
  }

  /** A PRICE_NOT_FOUND check: the row has what pricing needs but no price. */
  static void checkPriced(Rejections rejections, Column pricable, Column cost, String provider, Column model,
      Column type, Column at, PriceBook book) {
    rejections.check("model", pricable.and(cost.isNull()), PipelineErrorCode.PRICE_NOT_FOUND,
        concat(lit("no price for provider '" + provider + "', model '"), org.apache.spark.sql.functions.coalesce(model, lit("")),
            lit("', token type "), type, lit(" at "), at.cast(DataTypes.StringType),
            lit(" in price book " + book.name())));
  }
}
