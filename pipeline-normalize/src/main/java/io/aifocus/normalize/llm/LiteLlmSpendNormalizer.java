package io.aifocus.normalize.llm;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.LiteLlmSpendColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Lookups;
import io.aifocus.normalize.ModelIds;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * litellm-spend raw rows (one per request) → one FOCUS 1.3 usage row per request carrying LiteLLM's spend.
 * Mapping: docs/sources/litellm-spend.md.
 */
public final class LiteLlmSpendNormalizer implements Normalizer {
  /** LiteLLM's custom_llm_provider ids → display names (others as given). */
  static final Map<String, String> PROVIDERS = Map.of(
      "openai", "OpenAI", "text-completion-openai", "OpenAI", "anthropic", "Anthropic", "bedrock", "AWS",
      "azure", "Microsoft", "azure_ai", "Microsoft", "vertex_ai", "Google Cloud", "gemini", "Google",
      "mistral", "Mistral AI", "cohere", "Cohere");
  static final String ACCOUNT = "litellm";
  /** spend_logs_metadata keys that become x_ attribution columns. */
  static final String FEATURE_KEY = "feature";
  static final String WORKFLOW_KEY = "workflow";
  static final String ENDPOINT_KEY = "endpoint";
  static final String CUSTOMER_KEY = "customer";

  private final RawSchema schema = RawSchema.load(SourceKind.LITELLM_SPEND.id());

  @Override
  public SourceKind kind() {
    return SourceKind.LITELLM_SPEND;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    Column spend = Parse.decimal(col(SPEND));
    Column start = Parse.timestamp(col(START_TIME));
    Column metadata = decoded(col(METADATA));
    Column requestTags = decoded(col(REQUEST_TAGS));
    Column prompt = Parse.decimal(col(PROMPT_TOKENS));
    Column completion = Parse.decimal(col(COMPLETION_TOKENS));
    Column zero = lit(0);
    Column cacheRead = Parse.decimal(get_json_object(metadata, "$.additional_usage_values.cache_read_input_tokens"));
    Column cacheWrite = Parse.decimal(get_json_object(metadata, "$.additional_usage_values.cache_creation_input_tokens"));
    Column uncached = prompt.minus(coalesce(cacheRead, zero)).minus(coalesce(cacheWrite, zero));
    Column providerId = lower(Parse.text(col(CUSTOM_LLM_PROVIDER)));
    Column providerName = coalesce(Lookups.lookup(PROVIDERS, providerId), Parse.text(col(CUSTOM_LLM_PROVIDER)),
        lit("LiteLLM"));
    Column model = Parse.text(col(MODEL));
    Column month = date_trunc("month", start);

    FocusRow row = new FocusRow();
    row.set(BILLED_COST, spend);
    row.set(EFFECTIVE_COST, spend);
    row.set(LIST_COST, spend);
    row.set(CONTRACTED_COST, spend);
    row.set(BILLING_CURRENCY, lit("USD"));
    row.set(PRICING_CURRENCY, lit("USD"));
    row.set(PRICING_CURRENCY_EFFECTIVE_COST, spend);
    row.set(BILLING_ACCOUNT_ID, coalesce(Parse.text(col(ORGANIZATION_ID)), lit(ACCOUNT)));
    row.set(BILLING_ACCOUNT_TYPE, lit("Organization"));
    row.set(BILLING_PERIOD_START, month);
    row.set(BILLING_PERIOD_END, add_months(month, 1).cast(DataTypes.TimestampType));
    Column hour = date_trunc("hour", start);
    row.set(CHARGE_PERIOD_START, hour);
    row.set(CHARGE_PERIOD_END, hour.plus(org.apache.spark.sql.functions.expr("INTERVAL 1 HOUR")));
    row.set(CHARGE_CATEGORY, lit("Usage"));
    row.set(CHARGE_FREQUENCY, lit("Usage-Based"));
    row.set(CHARGE_DESCRIPTION, concat(coalesce(model, lit("unknown model")), lit(" request via LiteLLM")));
    for (String name : List.of(INVOICE_ISSUER_NAME, PROVIDER_NAME, SERVICE_PROVIDER_NAME, PUBLISHER_NAME, HOST_PROVIDER_NAME)) {
      row.set(name, providerName);
    }
    row.set(SERVICE_CATEGORY, lit("AI and Machine Learning"));
    row.set(SERVICE_SUBCATEGORY, lit("Generative AI"));
    row.set(SERVICE_NAME, concat(providerName, lit(" API")));
    Column normalizedModel = ModelIds.fromUsageType(model);
    row.set(SKU_ID, concat(coalesce(providerId, lit("litellm")), lit("/"), coalesce(normalizedModel, lit("unknown"))));
    row.set(SKU_METER, lit("Requests"));
    row.set(SKU_PRICE_ID, concat(lit("litellm/"), coalesce(providerId, lit("unknown")), lit("/"),
        coalesce(normalizedModel, lit("unknown"))));
    // LiteLLM prices a request as a whole: one request at its spend, exact (no per-token split invented)
    row.set(PRICING_CATEGORY, lit("Standard"));
    row.set(PRICING_UNIT, lit("Requests"));
    row.set(PRICING_QUANTITY, lit(1));
    row.set(LIST_UNIT_PRICE, spend);
    row.set(CONTRACTED_UNIT_PRICE, spend);
    row.set(PRICING_CURRENCY_LIST_UNIT_PRICE, spend);
    row.set(PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, spend);
    row.set(CONSUMED_QUANTITY, prompt.plus(completion));
    row.set(CONSUMED_UNIT, lit("Tokens"));

    Column callerTags = coalesce(from_json(get_json_object(metadata, "$.spend_logs_metadata"),
        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)), Lookups.emptyStringMap());
    Column tagList = from_json(requestTags, DataTypes.createArrayType(DataTypes.StringType));
    Column distinctTags = org.apache.spark.sql.functions.array_distinct(
        org.apache.spark.sql.functions.filter(tagList, t -> t.isNotNull()));
    Column requestTagMap = coalesce(map_from_arrays(transform(distinctTags, t -> concat(lit("request-tag:"), t)),
        transform(distinctTags, t -> lit("true"))), Lookups.emptyStringMap());
    Map<String, Column> fields = new LinkedHashMap<>();
    fields.put("litellm-user", Parse.text(col(USER)));
    fields.put("api-key-alias", Parse.text(get_json_object(metadata, "$.user_api_key_alias")));
    fields.put("model-group", Parse.text(col(MODEL_GROUP)));
    fields.put("cache-hit", lower(Parse.text(col(CACHE_HIT))));
    fields.put("status", lower(Parse.text(col(STATUS))));
    Column fieldTags = AnthropicUsageNormalizer.tagMap(fields);
    // map keys must stay unique across the merged maps: caller tags never shadow request tags or fields
    Column free = map_filter(callerTags, (k, v) -> k.isin(FEATURE_KEY, WORKFLOW_KEY, ENDPOINT_KEY, CUSTOMER_KEY)
        .or(k.startsWith("request-tag:")).unary_$bang());
    Column tagMap = map_concat(map_filter(map_concat(free, requestTagMap),
        (k, v) -> k.isin(fields.keySet().toArray()).unary_$bang()), fieldTags);
    row.set(TAGS, Tags.json(tagMap));
    Column teamAlias = Parse.text(get_json_object(metadata, "$.user_api_key_team_alias"));
    row.set(ExtensionColumns.TEAM, coalesce(teamAlias, Parse.text(col(TEAM_ID)),
        Tags.team(callerTags, context.teamTagKeys())));
    row.set(ExtensionColumns.MODEL, coalesce(normalizedModel, lit(CostAndUsageTable.NO_MODEL)));
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, providerId);
    row.set(ExtensionColumns.USAGE_TYPE, Parse.text(col(CALL_TYPE)));
    row.set(ExtensionColumns.SOURCE_RECORD_ID, Parse.text(col(REQUEST_ID)));
    row.set(ExtensionColumns.INPUT_TOKENS, uncached);
    row.set(ExtensionColumns.OUTPUT_TOKENS, completion);
    row.set(ExtensionColumns.CACHED_INPUT_TOKENS, cacheRead);
    row.set(ExtensionColumns.CACHE_WRITE_TOKENS, cacheWrite);
    row.set(ExtensionColumns.REQUESTS, lit(1));
    row.set(ExtensionColumns.FEATURE, Parse.text(org.apache.spark.sql.functions.element_at(callerTags, lit(FEATURE_KEY))));
    row.set(ExtensionColumns.WORKFLOW, Parse.text(org.apache.spark.sql.functions.element_at(callerTags, lit(WORKFLOW_KEY))));
    row.set(ExtensionColumns.ENDPOINT, Parse.text(org.apache.spark.sql.functions.element_at(callerTags, lit(ENDPOINT_KEY))));
    row.set(ExtensionColumns.CUSTOMER, coalesce(Parse.text(col(END_USER)),
        Parse.text(org.apache.spark.sql.functions.element_at(callerTags, lit(CUSTOMER_KEY)))));

    Rejections rejections = new Rejections()
        .malformedMessage("record does not match the header (CSV) or is not a JSON object of the declared fields (JSONL)");
    TokenUsageRows.checkRawValues(rejections, schema, LiteLlmSpendNormalizer::raw, java.util.Set.of(SPEND));
    rejections.check(METADATA, Parse.present(col(METADATA)).and(get_json_object(metadata, "$").isNull()),
        PipelineErrorCode.INVALID_VALUE, lit(METADATA + ": not a JSON object (nor a JSON-encoded string of one)"));
    rejections.check(REQUEST_TAGS, Parse.present(col(REQUEST_TAGS)).and(tagList.isNull()),
        PipelineErrorCode.INVALID_VALUE, lit(REQUEST_TAGS + ": not a JSON array of strings (nor a JSON-encoded string of one)"));
    rejections.check(PROMPT_TOKENS, uncached.isNotNull().and(uncached.lt(zero)), PipelineErrorCode.INVALID_VALUE,
        lit(PROMPT_TOKENS + ": smaller than the cache reads + writes in metadata.additional_usage_values"));
    List<String> rawColumns = schema.columns().stream().map(RawColumn::name).toList();
    // one row per charge period, provider, model, token type, price and attribution key (TokenRowAggregation)
    return TokenRowAggregation.aggregate(
        rejections.countDropped().split(kind(), input.rows(), row.columns(), rawColumns, spend, month));
  }

  /** JSON text of a value that is either JSON or a JSON-encoded string holding JSON; null when blank. */
  static Column decoded(Column raw) {
    Column text = Parse.text(raw);
    Column unwrapped = get_json_object(concat(lit("{\"v\":"), text, lit("}")), "$.v");
    return when(trim(text).startsWith("\""), unwrapped).otherwise(text);
  }

  private static Column raw(String name) {
    return col(io.aifocus.normalize.Names.quote(name));
  }
}
