package io.aifocus.normalize.gcp;

import static io.aifocus.schema.FocusColumns.*;
import static io.aifocus.schema.source.GcpBillingColumns.*;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.upper;
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
import io.aifocus.normalize.RawValues;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.source.GcpBillingColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * GCP Cloud Billing export rows (flattened by the gcp-billing reader) → FOCUS 1.3. Mapping and decisions in
 * docs/sources/gcp-billing.md; this class is their single implementation. A charge row (credit_index 0) keeps
 * the gross {@code cost}; each credit is its own {@code Credit} row with the charge's dimensions (project,
 * labels, service, SKU, team, model), so Σ BilledCost = Σ EffectiveCost = cost + Σ credits (the net cost).
 */
public final class GcpBillingNormalizer implements Normalizer {
  static final String PROVIDER = "Google Cloud";
  /** cost_type → ChargeCategory; credits are {@code Credit}. */
  static final Map<String, String> CATEGORY_BY_COST_TYPE =
      Map.of("regular", "Usage", "tax", "Tax", "adjustment", "Adjustment", "rounding_error", "Adjustment");

  private static final Map<String, String> CATEGORY_BY_SERVICE =
      Lookups.map("aifocus/normalize/gcp-service-subcategories.csv", 0, 1);
  private static final Map<String, String> SUBCATEGORY_BY_SERVICE =
      Lookups.map("aifocus/normalize/gcp-service-subcategories.csv", 0, 2);
  /** Services whose token/character SKUs are LLM model charges. */
  static final String AI_SERVICE = "(?i)^(vertex ai|gemini api|generative language api)$";
  /** SKU descriptions of token-priced model usage. */
  static final String TOKEN_SKU = "(?i).*\\b(input|output|tokens?|characters?)\\b.*";

  private final RawSchema schema = RawSchema.load(SourceKind.GCP_BILLING.id());

  @Override
  public SourceKind kind() {
    return SourceKind.GCP_BILLING;
  }

  /** One bill line, one tally row: the split is over the raw rows themselves. */
  @Override
  public boolean oneTallyRowPerRawRow() {
    return true;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    Dataset<Row> raw = input.rows();
    RawValues values = new RawValues(raw.schema());
    Column isCredit = coalesce(col(CREDIT_INDEX), lit("0")).notEqual(lit("0"));
    Column costType = lower(Parse.text(col(COST_TYPE)));
    Column cost = values.decimal(COST);
    Column creditAmount = values.decimal(CREDIT_AMOUNT);
    Column billed = when(isCredit, creditAmount).otherwise(cost);
    Column currency = upper(Parse.text(col(CURRENCY)));
    Column chargeStart = timestamp(col(USAGE_START_TIME));
    Column chargeEnd = timestamp(col(USAGE_END_TIME));
    Column month = Parse.text(col(INVOICE_MONTH));
    Column billingStart = when(month.rlike("^[0-9]{6}$"), to_utc_timestamp(
        try_to_timestamp(concat(month, lit("01")), lit("yyyyMMdd")), INVOICE_TIME_ZONE));
    Column billingEnd = to_utc_timestamp(
        add_months(from_utc_timestamp(billingStart, INVOICE_TIME_ZONE), 1).cast(DataTypes.TimestampType),
        INVOICE_TIME_ZONE);
    Column chargeCategory = when(isCredit, lit("Credit"))
        .otherwise(Lookups.lookup(CATEGORY_BY_COST_TYPE, costType));
    Column service = Parse.text(col(SERVICE_DESCRIPTION));
    Column sku = Parse.text(col(SKU_DESCRIPTION));
    Column thirdParty = coalesce(Parse.text(col(TRANSACTION_TYPE)), lit("")).startsWith("THIRD_PARTY");
    Column seller = Parse.text(col(SELLER_NAME));

    FocusRow row = new FocusRow();
    row.set(BILLED_COST, billed);
    row.set(EFFECTIVE_COST, billed);
    row.set(LIST_COST, when(isCredit, creditAmount).otherwise(coalesce(values.decimal(COST_AT_LIST), cost)));
    row.set(CONTRACTED_COST, billed);
    row.set(BILLING_CURRENCY, currency);
    row.set(PRICING_CURRENCY, currency);
    row.set(PRICING_CURRENCY_EFFECTIVE_COST, billed);
    row.set(io.aifocus.schema.FocusColumns.BILLING_ACCOUNT_ID, Parse.text(col(GcpBillingColumns.BILLING_ACCOUNT_ID)));
    row.set(BILLING_ACCOUNT_TYPE, lit("Billing Account"));
    Column project = Parse.text(col(PROJECT_ID));
    row.set(SUB_ACCOUNT_ID, project);
    row.set(SUB_ACCOUNT_NAME, when(project.isNotNull(), coalesce(Parse.text(col(PROJECT_NAME)), project)));
    row.set(SUB_ACCOUNT_TYPE, when(project.isNotNull(), lit("Project")));
    row.set(BILLING_PERIOD_START, billingStart);
    row.set(BILLING_PERIOD_END, billingEnd);
    row.set(CHARGE_PERIOD_START, chargeStart);
    row.set(CHARGE_PERIOD_END, chargeEnd);
    row.set(CHARGE_CATEGORY, chargeCategory);
    row.set(CHARGE_CLASS, lit(null).cast(DataTypes.StringType));
    row.set(CHARGE_FREQUENCY, when(isCredit.or(costType.equalTo(lit("regular"))), lit("Usage-Based"))
        .otherwise(lit("One-Time")));
    row.set(CHARGE_DESCRIPTION, when(isCredit, coalesce(Parse.text(col(CREDIT_FULL_NAME)), Parse.text(col(CREDIT_NAME))))
        .otherwise(sku));
    row.set(INVOICE_ISSUER_NAME, lit(PROVIDER));
    row.set(PROVIDER_NAME, lit(PROVIDER));
    row.set(SERVICE_PROVIDER_NAME, when(thirdParty, coalesce(seller, lit(PROVIDER))).otherwise(lit(PROVIDER)));
    row.set(PUBLISHER_NAME, when(thirdParty, coalesce(seller, lit(PROVIDER))).otherwise(lit(PROVIDER)));
    row.set(HOST_PROVIDER_NAME, lit(PROVIDER));

    // a model sold through Marketplace (e.g. Claude on Vertex AI) is a service of its own name: Generative AI
    Column aiCharge = service.rlike(AI_SERVICE).or(thirdParty).and(coalesce(sku, lit("")).rlike(TOKEN_SKU));
    Column category = coalesce(Lookups.lookup(CATEGORY_BY_SERVICE, service),
        when(aiCharge, lit("AI and Machine Learning")), lit("Other"));
    row.set(SERVICE_CATEGORY, category);
    row.set(SERVICE_SUBCATEGORY, coalesce(Lookups.lookup(SUBCATEGORY_BY_SERVICE, service),
        when(aiCharge, lit("Generative AI")), concat(lit("Other ("), category, lit(")"))));
    row.set(SERVICE_NAME, service);
    Column region = Parse.text(col(LOCATION_REGION));
    row.set(REGION_ID, region);
    row.set(REGION_NAME, region);
    row.set(AVAILABILITY_ZONE, Parse.text(col(LOCATION_ZONE)));
    Column resourceId = coalesce(Parse.text(col(RESOURCE_GLOBAL_NAME)), Parse.text(col(GcpBillingColumns.RESOURCE_NAME)));
    row.set(RESOURCE_ID, resourceId);
    row.set(io.aifocus.schema.FocusColumns.RESOURCE_NAME, when(resourceId.isNotNull(), coalesce(Parse.text(col(GcpBillingColumns.RESOURCE_NAME)), resourceId)));

    // SKU and quantities: charge rows of regular usage only; no unit prices (the export has no list or
    // contracted unit price; price.effective_price of the detailed table is after tiering), so no SkuPriceId.
    Column usageRow = isCredit.unary_$bang().and(costType.equalTo(lit("regular")));
    row.set(io.aifocus.schema.FocusColumns.SKU_ID, when(isCredit.unary_$bang(), Parse.text(col(GcpBillingColumns.SKU_ID))));
    row.set(SKU_METER, when(isCredit.unary_$bang().and(Parse.text(col(GcpBillingColumns.SKU_ID)).isNotNull()), sku));
    Column consumed = values.decimal(USAGE_AMOUNT);
    Column consumedUnit = Parse.text(col(USAGE_UNIT));
    Column hasConsumed = usageRow.and(consumed.isNotNull()).and(consumedUnit.isNotNull());
    row.set(CONSUMED_QUANTITY, when(hasConsumed, consumed));
    row.set(CONSUMED_UNIT, when(hasConsumed, consumedUnit));

    Column tagMap = labelMap(col(LABELS), col(PROJECT_LABELS));
    row.set(TAGS, Tags.json(tagMap));
    row.set(ExtensionColumns.TEAM, Tags.team(tagMap, context.teamTagKeys()));
    row.set(ExtensionColumns.MODEL, coalesce(when(aiCharge, ModelIds.fromSkuDescription(sku)),
        lit(CostAndUsageTable.NO_MODEL)));
    row.set(ExtensionColumns.SOURCE_KIND, lit(kind().id()));
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.setSourceExtras(raw.schema());
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    row.set(ExtensionColumns.SERVICE_CODE, Parse.text(col(SERVICE_ID)));
    row.set(ExtensionColumns.USAGE_TYPE, when(isCredit.unary_$bang(), Parse.text(col(USAGE_PRICING_UNIT))));
    row.set(ExtensionColumns.LINE_ITEM_TYPE, when(isCredit, Parse.text(col(CREDIT_TYPE))).otherwise(costType));
    row.set(ExtensionColumns.SOURCE_RECORD_ID, when(isCredit, Parse.text(col(CREDIT_ID))));

    Rejections rejections = new Rejections().malformedMessage("line is not a JSON object of a billing export row");
    for (RawColumn column : schema.columns()) {
      if (column.name().equals(COST) || column.name().startsWith("credit_")) {
        continue; // checked per row kind below
      }
      Column rawValue = col(column.name());
      switch (column.type()) {
        case "decimal" -> rejections.number(column.name(), values, values.decimal(column.name()));
        case "timestamp" -> rejections.timestamp(column.name(), rawValue, timestamp(rawValue));
        default -> {}
      }
    }
    for (String required : schema.requiredColumns()) {
      if (!required.equals(COST)) {
        rejections.required(required, values);
      }
    }
    rejections.required(COST, values);
    rejections.number(COST, col(COST), cost);
    rejections.check(CREDIT_AMOUNT, isCredit.and(Parse.present(col(CREDIT_AMOUNT)).unary_$bang()),
        PipelineErrorCode.MISSING_REQUIRED_VALUE, lit("credits[].amount: required value is missing"));
    rejections.check(CREDIT_AMOUNT, isCredit.and(Parse.unparsable(col(CREDIT_AMOUNT), creditAmount)),
        PipelineErrorCode.UNPARSABLE_NUMBER,
        concat(lit("credits[].amount: not a number: '"), col(CREDIT_AMOUNT), lit("'")));
    rejections.check(INVOICE_MONTH, month.isNotNull().and(billingStart.isNull()), PipelineErrorCode.INVALID_VALUE,
        concat(lit("invoice.month: not a month YYYYMM: '"), month, lit("'")));
    rejections.check(COST_TYPE, costType.isNotNull().and(isCredit.unary_$bang())
            .and(Lookups.lookup(CATEGORY_BY_COST_TYPE, costType).isNull()), PipelineErrorCode.INVALID_VALUE,
        concat(lit("cost_type: unknown value '"), costType, lit("' (known: adjustment, regular, rounding_error, tax)")));
    rejections.check(CURRENCY, currency.isNotNull().and(currency.rlike("^[A-Z]{3}$").unary_$bang()),
        PipelineErrorCode.INVALID_VALUE, concat(lit("currency: not a currency code: '"), currency, lit("'")));
    rejections.check(USAGE_END_TIME, chargeEnd.lt(chargeStart), PipelineErrorCode.INVALID_VALUE,
        lit(USAGE_END_TIME + ": ends before it starts"));

    List<String> rawColumns = schema.columns().stream().map(RawColumn::name).toList();
    return rejections.split(kind(), raw, row.columns(), rawColumns, billed, billingStart);
  }

  /**
   * BigQuery JSON extracts write timestamps as {@code 2026-11-03 10:00:00 UTC}; Parquet ones come as ISO text.
   */
  static Column timestamp(Column raw) {
    return Parse.timestamp(regexp_replace(Parse.text(raw), lit("\\s+UTC$"), lit("Z")));
  }

  /**
   * Resource labels, then project labels (a resource label wins on the same key), as a map; repeated keys
   * keep their first value (a map literal with a repeated key would fail the query).
   */
  static Column labelMap(Column labels, Column projectLabels) {
    Column none = org.apache.spark.sql.functions.array().cast(DataTypes.createArrayType(new StructType()
        .add("key", DataTypes.StringType).add("value", DataTypes.StringType)));
    Column valid = filter(concat(coalesce(labels, none), coalesce(projectLabels, none)),
        e -> Parse.text(e.getField("key")).isNotNull());
    Column keys = array_distinct(transform(valid, e -> e.getField("key")));
    Column values = transform(keys, k -> element_at(filter(valid, e -> e.getField("key").equalTo(k)), 1).getField("value"));
    return when(size(valid).equalTo(0), lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)))
        .otherwise(map_from_arrays(keys, values));
  }
}
