package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.GatewayLogColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Lookups;
import io.aifocus.normalize.ModelIds;
import io.aifocus.normalize.Names;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.RawValues;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * gateway-log raw rows (one per request and token type) → FOCUS 1.3 usage rows priced from the price book.
 * The mapping is documented in docs/sources/gateway-log.md; this class is its single implementation.
 */
public final class GatewayLogNormalizer implements Normalizer {
  static final String TAG_ENVIRONMENT = "environment";
  static final String TAG_BUSINESS_UNIT = "business-unit";
  /** Display names of well-known provider ids (OpenTelemetry gen_ai.provider.name values). */
  static final Map<String, String> PROVIDERS = Map.of(
      "openai", "OpenAI", "anthropic", "Anthropic", "aws.bedrock", "AWS", "azure.ai.openai", "Microsoft",
      "azure.ai.inference", "Microsoft", "gcp.vertex_ai", "Google Cloud", "gcp.gemini", "Google",
      "mistral_ai", "Mistral AI", "cohere", "Cohere", "x_ai", "xAI");

  private static final String PRICE_INDEX = "_aif_price_index";

  private final RawSchema schema = RawSchema.load(SourceKind.GATEWAY_LOG.id());

  @Override
  public SourceKind kind() {
    return SourceKind.GATEWAY_LOG;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    PriceBook book = context.priceBook();
    Column type = col(RawColumns.TOKEN_TYPE);
    // typed parses: the raw columns are text, which Spark's cast reads with blanks, NULL and padding as Parse.text
    // does (ParseTest), so a value is cast once instead of trimmed and compared first
    RawValues values = new RawValues(input.rows().schema());
    Column at = values.timestamp(TIMESTAMP);
    Column providerId = lower(Parse.text(raw(PROVIDER)));
    Column model = coalesce(Parse.text(raw(RESPONSE_MODEL)), Parse.text(raw(REQUEST_MODEL)));
    Column batch = coalesce(lower(trim(raw(BATCH))).equalTo(lit("true")), lit(false));
    Column inputTokens = values.decimal(INPUT_TOKENS);
    Column outputTokens = values.decimal(OUTPUT_TOKENS);
    Column cacheRead = values.decimal(CACHE_READ_TOKENS);
    Column cacheCreation = values.decimal(CACHE_CREATION_TOKENS);
    Column cacheCreation1h = values.decimal(CACHE_CREATION_1H_TOKENS);
    Column zero = lit(0);
    Column writes = coalesce(cacheCreation, cacheCreation1h, zero);
    Column tokensOfType = when(type.equalTo(lit(TokenType.INPUT.id())),
            inputTokens.minus(coalesce(cacheRead, zero)).minus(writes))
        .when(type.equalTo(lit(TokenType.OUTPUT.id())), outputTokens)
        .when(type.equalTo(lit(TokenType.CACHE_READ.id())), cacheRead)
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_5M.id())), cacheCreation.minus(coalesce(cacheCreation1h, zero)))
        .when(type.equalTo(lit(TokenType.CACHE_WRITE_1H.id())), cacheCreation1h);

    // materialized once: the price expressions repeat it (see PriceBook#cost)
    Dataset<Row> indexed = input.rows().withColumn(PRICE_INDEX, book.index(Parse.text(raw(PROVIDER)), model, at));
    Column index = col(PRICE_INDEX);
    TokenUsageRows.Priced priced = TokenUsageRows.Priced.of(indexed, book, index, type, tokensOfType, batch, inputTokens);
    Dataset<Row> rows = priced.rows();
    Column tokens = priced.tokens();
    Column cost = priced.cost();
    Column providerName = coalesce(Lookups.lookup(PROVIDERS, providerId), Parse.text(raw(PROVIDER)));
    Column meter = TokenUsageRows.meter(type);

    FocusRow row = new FocusRow();
    row.set(BILLING_ACCOUNT_ID, coalesce(Parse.text(raw(ACCOUNT_ID)), providerId));
    row.set(BILLING_ACCOUNT_TYPE, lit("Organization"));
    Column month = date_trunc("month", at);
    row.set(BILLING_PERIOD_START, month);
    row.set(BILLING_PERIOD_END, add_months(month, 1).cast(DataTypes.TimestampType));
    Column hour = date_trunc("hour", at);
    row.set(CHARGE_PERIOD_START, hour);
    row.set(CHARGE_PERIOD_END, hour.plus(org.apache.spark.sql.functions.expr("INTERVAL 1 HOUR")));
    row.set(CHARGE_CATEGORY, lit("Usage"));
    row.set(CHARGE_FREQUENCY, lit("Usage-Based"));
    row.set(CHARGE_DESCRIPTION, concat(model, lit(" "), meter, when(batch, lit(" (batch)")).otherwise(lit(""))));
    row.set(INVOICE_ISSUER_NAME, providerName);
    row.set(PROVIDER_NAME, providerName);
    row.set(SERVICE_PROVIDER_NAME, providerName);
    row.set(PUBLISHER_NAME, providerName);
    row.set(HOST_PROVIDER_NAME, providerName);
    row.set(SERVICE_CATEGORY, lit("AI and Machine Learning"));
    row.set(SERVICE_SUBCATEGORY, lit("Generative AI"));
    row.set(SERVICE_NAME, concat(providerName, lit(" API")));
    Column normalizedModel = ModelIds.fromUsageType(model);
    Column skuId = concat(providerId, lit("/"), normalizedModel);
    // costs, currencies, SKU, prices, quantities, x_UsageType, x_PriceBookVersion and the token columns
    TokenUsageRows.price(row, book, index, type, priced, batch, skuId);

    Column freeTags = map_filter(coalesce(col(io.aifocus.schema.source.GatewayLogColumns.TAGS), Lookups.emptyStringMap()),
        (k, v) -> k.notEqual(lit(TAG_ENVIRONMENT)).and(k.notEqual(lit(TAG_BUSINESS_UNIT))));
    Column fieldTags = map_from_entries(filter(array(
        struct(lit(TAG_ENVIRONMENT).as("key"), Parse.text(raw(ENVIRONMENT)).as("value")),
        struct(lit(TAG_BUSINESS_UNIT).as("key"), Parse.text(raw(BUSINESS_UNIT)).as("value"))),
        e -> e.getField("value").isNotNull()));
    rows = rows.withColumn(TokenUsageRows.TAG_MAP, map_concat(freeTags, fieldTags));
    Column tagMap = col(TokenUsageRows.TAG_MAP);
    row.set(io.aifocus.schema.FocusColumns.TAGS, Tags.json(tagMap));
    row.set(ExtensionColumns.TEAM, coalesce(Parse.text(raw(TEAM)), Tags.team(tagMap, context.teamTagKeys())));
    row.set(ExtensionColumns.MODEL, normalizedModel);
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, providerId);
    row.set(ExtensionColumns.SOURCE_RECORD_ID, Parse.text(raw(REQUEST_ID)));
    row.set(ExtensionColumns.REQUESTS, when(type.equalTo(lit(TokenType.INPUT.id())), lit(1)).otherwise(lit(0)));
    row.set(ExtensionColumns.FEATURE, Parse.text(raw(FEATURE)));
    row.set(ExtensionColumns.CUSTOMER, Parse.text(raw(CUSTOMER)));
    row.set(ExtensionColumns.WORKFLOW, Parse.text(raw(WORKFLOW)));
    row.set(ExtensionColumns.WORKFLOW_RUN_ID, Parse.text(raw(WORKFLOW_RUN_ID)));
    row.set(ExtensionColumns.ENDPOINT, Parse.text(raw(ENDPOINT)));

    Rejections rejections = new Rejections()
        .malformedMessage("line is not a JSON object with the gateway-log field types (truncated line, bad JSON, tags not an object)");
    for (RawColumn column : schema.scalarColumns()) {
      Column value = raw(column.name());
      switch (column.type()) {
        case "decimal" -> {
          Column parsed = values.decimal(column.name());
          rejections.number(column.name(), value, parsed);
          rejections.check(column.name(), parsed.isNotNull().and(parsed.lt(lit(0)).or(parsed.notEqual(floor(parsed)))),
              PipelineErrorCode.INVALID_VALUE, concat(lit(column.name() + ": not a whole non-negative token count: '"),
                  value.cast(DataTypes.StringType), lit("'")));
        }
        case "timestamp" -> rejections.timestamp(column.name(), value, values.timestamp(column.name()));
        default -> {}
      }
    }
    for (String required : schema.requiredColumns()) {
      rejections.required(required, raw(required));
    }
    // checked on every row of the request, so a request is accepted or quarantined as a whole
    Column uncached = inputTokens.minus(coalesce(cacheRead, zero)).minus(writes);
    rejections.check(INPUT_TOKENS, uncached.isNotNull().and(uncached.lt(lit(0))), PipelineErrorCode.INVALID_VALUE,
        lit(INPUT_TOKENS + ": smaller than its cache reads + cache writes (input tokens include cached tokens)"));
    Column fiveMinute = cacheCreation.minus(coalesce(cacheCreation1h, zero));
    rejections.check(CACHE_CREATION_TOKENS, fiveMinute.isNotNull().and(fiveMinute.lt(lit(0))), PipelineErrorCode.INVALID_VALUE,
        lit(CACHE_CREATION_TOKENS + ": smaller than its 1-hour part " + CACHE_CREATION_1H_TOKENS));
    rejections.check(PROVIDER, Parse.present(raw(PROVIDER)).and(Parse.present(raw(REQUEST_MODEL)))
            .and(at.isNotNull()).and(tokens.geq(lit(0))).and(cost.isNull()),
        PipelineErrorCode.PRICE_NOT_FOUND,
        concat(lit("no price for provider '"), coalesce(Parse.text(raw(PROVIDER)), lit("")), lit("', model '"),
            coalesce(model, lit("")), lit("', token type "), type, lit(" at "), at.cast(DataTypes.StringType),
            lit(" in price book " + book.name())));

    List<String> rawColumns = new ArrayList<>(schema.columns().stream().map(RawColumn::name).toList());
    rawColumns.add(RawColumns.TOKEN_TYPE);
    // one row per charge period, provider, model, token type, price and attribution key (TokenRowAggregation)
    return TokenRowAggregation.aggregate(
        rejections.countDropped().split(kind(), rows, row.columns(), rawColumns, cost, month));
  }

  private static Column raw(String name) {
    return col(Names.quote(name));
  }

}
