package io.aifocus.normalize.focus;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.Normalizer;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.normalize.FocusRow;
import io.aifocus.normalize.Names;
import io.aifocus.normalize.Parse;
import io.aifocus.normalize.Rejections;
import io.aifocus.normalize.Tags;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumn;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusSchema;
import io.aifocus.schema.source.RawSchema;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Native FOCUS 1.0, 1.0r2, 1.1, 1.2 or 1.3 rows → FOCUS 1.3 rows of focus_cost_and_usage.
 *
 * <p>Every FOCUS 1.3 column the input has is parsed into its declared type (blank and the literal {@code
 * NULL} become null; maps and structs of Parquet exports become JSON text). A row with an unparsable
 * number or date/time in any Decimal or DateTime column, or without a value in a required column of
 * {@code sources/focus.yaml}, goes to quarantine. Columns the file's version does not have are filled
 * where FOCUS 1.3 defines an equivalent, else left null:
 *
 * <ul>
 *   <li>ServiceProviderName ← ProviderName (1.3 deprecates ProviderName in favour of it);
 *   <li>HostProviderName ← ProviderName on rows of pre-1.3 files. Assumption: before 1.3 a provider sold
 *       what ran on its own infrastructure, so the host is the provider, also for marketplace charges
 *       (PublisherName) and for tax (1.3 allows null there but does not require it);
 *   <li>PricingCurrency ← BillingCurrency (pre-1.2 files priced in the billing currency);
 *       PricingCurrencyEffectiveCost, PricingCurrencyListUnitPrice, PricingCurrencyContractedUnitPrice ←
 *       EffectiveCost, ListUnitPrice, ContractedUnitPrice when PricingCurrency equals BillingCurrency;
 *   <li>ServiceSubcategory ← "Other (ServiceCategory)" on rows without one (FOCUS 1.0/1.1 files);
 *   <li>older names ({@link #OLDER_NAMES}) fill their 1.3 column when it has no value.
 * </ul>
 *
 * <p>x_Team comes from the Tags, x_Model is {@code none}; AWS FOCUS exports' x_ServiceCode, x_UsageType
 * and x_Operation are kept. Columns outside the FOCUS and known names arrive as the reader's JSON in x_SourceExtras
 * (provider x_ columns such as x_BilledCostInUsd); other columns are ignored.
 */
public final class FocusUpgradeNormalizer implements Normalizer {
  /** Hidden column with the FOCUS version of the row's file, added by the focus reader (same name there). */
  public static final String VERSION_COLUMN = RawColumns.FOCUS_VERSION;
  /** The version whose rows carry HostProviderName themselves. */
  static final String HOST_PROVIDER_VERSION = "1.3";

  /**
   * Names older FOCUS versions or provider exports used for what is a FOCUS 1.3 column now. Used on a row
   * whose 1.3 column has no value.
   */
  static final Map<String, List<String>> OLDER_NAMES =
      Map.of(
          FocusColumns.REGION_ID, List.of("Region"), // 0.5 and 1.0-preview
          FocusColumns.CONSUMED_QUANTITY, List.of("UsageQuantity"), // 1.0-preview
          FocusColumns.CONSUMED_UNIT, List.of("UsageUnit"), // 1.0-preview
          FocusColumns.INVOICE_ID, List.of("x_InvoiceId"), // Microsoft FocusCost 1.0/1.0r2; FOCUS since 1.2
          FocusColumns.PRICING_CURRENCY, List.of("x_PricingCurrency")); // Microsoft FocusCost 1.0/1.0r2

  /** aifocus extension columns that AWS FOCUS exports carry under the same names. */
  static final List<String> PROVIDER_EXTENSIONS =
      List.of(ExtensionColumns.SERVICE_CODE, ExtensionColumns.USAGE_TYPE, ExtensionColumns.OPERATION);

  /** Unit price columns FOCUS 1.2+ requires to be non-negative. */
  static final List<String> NON_NEGATIVE_PRICES =
      List.of(FocusColumns.LIST_UNIT_PRICE, FocusColumns.CONTRACTED_UNIT_PRICE,
          FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE);

  private static final String USAGE = "Usage";
  private static final String PURCHASE = "Purchase";
  /** ServiceSubcategory of a pre-1.2 row: FOCUS' catch-all subcategory of its ServiceCategory. */
  private static final String OTHER_SUBCATEGORY_FORMAT = "Other (%s)";

  private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  /**
   * ProviderName of rows without one, per provider alias (the generic {@code focus} kind has no default). FOCUS 1.0
   * through 1.2 require ProviderName, but hand-made extracts drop it; the value then also fills ServiceProviderName
   * and HostProviderName. The names are the ones the providers' own FOCUS exports write.
   */
  static final Map<SourceKind, String> PROVIDER_DEFAULTS =
      Map.of(SourceKind.AZURE_FOCUS, "Microsoft", SourceKind.AWS_FOCUS, "AWS", SourceKind.GCP_FOCUS, "Google Cloud");

  private final RawSchema schema = RawSchema.load(SourceKind.FOCUS.id());
  private final SourceKind kind;

  public FocusUpgradeNormalizer() {
    this(SourceKind.FOCUS);
  }

  /** A normalizer for {@code focus} or one of its provider aliases ({@link #PROVIDER_DEFAULTS}). */
  public FocusUpgradeNormalizer(SourceKind kind) {
    if (!kind.isFocusFile()) {
      throw new IllegalArgumentException("Invalid source kind for native FOCUS files: " + kind.id());
    }
    this.kind = kind;
  }

  @Override
  public SourceKind kind() {
    return kind;
  }

  /** One bill line, one tally row: the split is over the raw rows themselves. */
  @Override
  public boolean oneTallyRowPerRawRow() {
    return true;
  }

  @Override
  public NormalizeResult normalize(RawInput input, NormalizeContext context) {
    if (input.kind() != kind()) {
      throw new IllegalArgumentException(
          "Invalid input kind: " + input.kind().id() + " (expected " + kind.id() + ")");
    }
    Dataset<Row> raw = input.rows();
    Input in = new Input(raw.schema());
    Rejections rejections = new Rejections();
    for (String required : schema.requiredColumns()) {
      rejections.required(required, in.raw(required).orElse(lit(null).cast(DataTypes.StringType)));
    }

    Map<String, Column> values = new LinkedHashMap<>();
    for (FocusColumn column : FocusSchema.costAndUsage().columns()) {
      Optional<Column> value = in.raw(column.id());
      if (value.isEmpty()) {
        continue;
      }
      Column rawValue = value.get();
      Column parsed =
          switch (column.dataType()) {
            case Decimal -> {
              Column number = Parse.decimal(rawValue);
              rejections.number(column.id(), rawValue, number);
              yield number;
            }
            case DateTime -> {
              Column time = Parse.timestamp(rawValue);
              rejections.timestamp(column.id(), rawValue, time);
              yield time;
            }
            case String -> column.allowedValues().isEmpty()
                ? Parse.text(rawValue)
                : allowedValue(column, Parse.text(rawValue), rejections);
            case JSON -> json(rawValue, in.type(column.id()));
          };
      values.put(column.id(), parsed);
    }

    String providerDefault = PROVIDER_DEFAULTS.get(kind);
    if (providerDefault != null) {
      values.put(FocusColumns.PROVIDER_NAME, coalesce(value(values, FocusColumns.PROVIDER_NAME), lit(providerDefault)));
    }

    // FOCUS: a charge without unit prices that is unrelated to other rows (credits, corrections) sets
    // ListCost, ContractedCost and EffectiveCost equal to BilledCost. Older exports left them null there.
    Column billed = values.get(FocusColumns.BILLED_COST);
    for (String cost : List.of(FocusColumns.LIST_COST, FocusColumns.CONTRACTED_COST, FocusColumns.EFFECTIVE_COST)) {
      if (billed != null) {
        values.put(cost, values.containsKey(cost) ? coalesce(values.get(cost), billed) : billed);
      }
    }

    // FOCUS 1.2+: unit prices are non-negative (the sign of a credit is in its cost). Older exports wrote
    // negative unit prices on credit rows; where FOCUS allows a null unit price (not Usage, not Purchase) the
    // price is dropped, the costs are kept as delivered.
    Column category = values.get(FocusColumns.CHARGE_CATEGORY);
    if (category != null) {
      Column priceMayBeNull = category.isNull().or(not(category.isin(USAGE, PURCHASE)));
      for (String price : NON_NEGATIVE_PRICES) {
        Column value = values.get(price);
        if (value != null) {
          values.put(price, when(not(priceMayBeNull.and(value.lt(0))), value));
        }
      }
    }

    FocusRow row = new FocusRow();
    values.forEach(row::set);
    fillUpgrades(row, values, in);
    row.set(ExtensionColumns.TEAM, team(in, context));
    row.set(ExtensionColumns.MODEL, CostAndUsageTable.NO_MODEL);
    row.set(ExtensionColumns.SOURCE_KIND, kind().id());
    row.set(ExtensionColumns.SOURCE_FILE, col(RawColumns.SOURCE_FILE));
    row.setSourceExtras(raw.schema());
    row.set(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.set(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    for (String extension : PROVIDER_EXTENSIONS) {
      in.column(extension).ifPresent(c -> row.set(extension, Parse.text(c)));
    }

    List<String> rawColumns = new ArrayList<>();
    for (String name : raw.columns()) {
      if (!name.startsWith("_aif_")) {
        rawColumns.add(name);
      }
    }
    return rejections.split(
        kind(), raw, row.columns(), rawColumns, input.billedAmount(), input.billingPeriodStart());
  }

  /**
   * An enumerated value in its canonical spelling (older exports wrote {@code Usage-based}); a value that
   * matches no allowed value even ignoring case quarantines the row.
   */
  private static Column allowedValue(FocusColumn column, Column text, Rejections rejections) {
    Column lower = lower(text);
    Column canonical = lit(null).cast(DataTypes.StringType);
    for (String allowed : column.allowedValues()) {
      canonical = when(lower.equalTo(lit(allowed.toLowerCase(Locale.ROOT))), lit(allowed)).otherwise(canonical);
    }
    rejections.check(column.id(), text.isNotNull().and(canonical.isNull()), PipelineErrorCode.INVALID_VALUE,
        concat(lit(column.id() + ": '"), text, lit("' is not one of " + String.join(", ", column.allowedValues()))));
    return canonical;
  }

  /** The 1.3 columns older versions lack, from their pre-1.3 equivalents. */
  private static void fillUpgrades(FocusRow row, Map<String, Column> values, Input in) {
    Column provider = value(values, FocusColumns.PROVIDER_NAME);
    row.set(
        FocusColumns.SERVICE_PROVIDER_NAME, coalesce(value(values, FocusColumns.SERVICE_PROVIDER_NAME), provider));
    row.set(
        FocusColumns.HOST_PROVIDER_NAME,
        when(in.hasHostProviderName(), value(values, FocusColumns.HOST_PROVIDER_NAME)).otherwise(provider));

    // ServiceSubcategory (FOCUS 1.2, not null since): files without it get the catch-all "Other (<category>)",
    // an allowed value of every category, rather than a guess at a finer subcategory.
    Column category = value(values, FocusColumns.SERVICE_CATEGORY);
    row.set(
        FocusColumns.SERVICE_SUBCATEGORY,
        coalesce(
            value(values, FocusColumns.SERVICE_SUBCATEGORY),
            when(category.isNotNull(), format_string(OTHER_SUBCATEGORY_FORMAT, category))));

    Column billingCurrency = value(values, FocusColumns.BILLING_CURRENCY);
    Column pricingCurrency = coalesce(value(values, FocusColumns.PRICING_CURRENCY), billingCurrency);
    Column sameCurrency = pricingCurrency.equalTo(billingCurrency);
    row.set(FocusColumns.PRICING_CURRENCY, pricingCurrency);
    row.set(
        FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST,
        coalesce(
            value(values, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST),
            when(sameCurrency, value(values, FocusColumns.EFFECTIVE_COST))));
    row.set(
        FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE,
        coalesce(
            value(values, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE),
            when(sameCurrency, value(values, FocusColumns.LIST_UNIT_PRICE))));
    row.set(
        FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE,
        coalesce(
            value(values, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE),
            when(sameCurrency, value(values, FocusColumns.CONTRACTED_UNIT_PRICE))));
  }

  /** x_Team from the Tags: a JSON object string (CSV) or a map (Parquet). */
  private static Column team(Input in, NormalizeContext context) {
    Optional<Column> tags = in.column(FocusColumns.TAGS);
    if (tags.isEmpty()) {
      return lit(CostAndUsageTable.UNATTRIBUTED_TEAM);
    }
    Column tagMap =
        in.type(FocusColumns.TAGS) instanceof MapType
            ? tags.get().cast(STRING_MAP)
            : from_json(Parse.text(tags.get()), STRING_MAP);
    return Tags.team(tagMap, context.teamTagKeys());
  }

  /** A JSON column as text: strings as read, Parquet maps as sorted-key JSON, other nested values as JSON. */
  private static Column json(Column raw, DataType type) {
    if (type instanceof MapType map && map.valueType().equals(DataTypes.StringType)) {
      return Tags.json(raw);
    }
    if (type instanceof MapType || type instanceof StructType || type instanceof ArrayType) {
      return to_json(raw);
    }
    return Parse.text(raw);
  }

  private static Column value(Map<String, Column> values, String column) {
    Column value = values.get(column);
    if (value != null) {
      return value;
    }
    return lit(null).cast(CostAndUsageTable.schema().apply(column).dataType());
  }

  /** The raw columns of the input, found by name up to case as Spark resolves them. */
  private static final class Input {
    private final Map<String, StructField> byName = new LinkedHashMap<>();

    Input(StructType schema) {
      for (StructField field : schema.fields()) {
        byName.putIfAbsent(field.name().toLowerCase(Locale.ROOT), field);
      }
    }

    Optional<Column> column(String name) {
      StructField field = byName.get(name.toLowerCase(Locale.ROOT));
      return field == null ? Optional.empty() : Optional.of(col(Names.quote(field.name())));
    }

    DataType type(String name) {
      return byName.get(name.toLowerCase(Locale.ROOT)).dataType();
    }

    /** The raw value of a FOCUS 1.3 column, falling back to its older names on rows where it is blank. */
    Optional<Column> raw(String id) {
      List<Column> candidates = new ArrayList<>();
      column(id).ifPresent(candidates::add);
      for (String older : OLDER_NAMES.getOrDefault(id, List.of())) {
        column(older).ifPresent(candidates::add);
      }
      if (candidates.size() <= 1) {
        return candidates.stream().findFirst();
      }
      Column value = candidates.get(candidates.size() - 1).cast(DataTypes.StringType);
      for (int i = candidates.size() - 2; i >= 0; i--) {
        Column candidate = candidates.get(i);
        value = when(Parse.present(candidate), candidate.cast(DataTypes.StringType)).otherwise(value);
      }
      return Optional.of(value);
    }

    /**
     * Whether a row's file has HostProviderName (FOCUS 1.3): the reader's version column, or, for input
     * built without it, whether the column exists at all.
     */
    Column hasHostProviderName() {
      Optional<Column> version = column(VERSION_COLUMN);
      if (version.isPresent()) {
        return coalesce(version.get().equalTo(lit(HOST_PROVIDER_VERSION)), lit(false));
      }
      return lit(column(FocusColumns.HOST_PROVIDER_NAME).isPresent());
    }
  }
}
