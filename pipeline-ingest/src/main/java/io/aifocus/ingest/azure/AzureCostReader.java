package io.aifocus.ingest.azure;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceExtras;
import io.aifocus.api.SourceReader;
import io.aifocus.api.SourceSpec;
import io.aifocus.ingest.CsvHeader;
import io.aifocus.ingest.ExtraColumns;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.SparkFiles;
import io.aifocus.ingest.Values;
import io.aifocus.schema.source.AzureCostColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Reads Azure Cost Management cost details exports (EA PascalCase, MCA/MPA camelCase, c360 and pay-as-you-go
 * spellings; actual or amortized; CSV(.gz) or Parquet) into the canonical layout of {@code sources/azure-cost.yaml}.
 *
 * <p>Traps handled here: UTF-8 BOM and CRLF (CsvHeader, Spark's line reader); header spellings and localized headers
 * ({@link AzureHeaders}); dates as {@code MM/dd/yyyy}, {@code M/d/yyyy} (day first, {@code dd/MM/yyyy}, on a row
 * where a first field exceeds 12), {@code yyyy-MM-dd} or ISO date-times,
 * rewritten to {@code yyyy-MM-dd} (unparsable values are kept for the normalizer to quarantine); {@code Tags} and
 * {@code AdditionalInfo} JSON without the outer braces (wrapped).
 *
 * <p>Actual vs amortized: each file's dataset comes from the source option {@value #DATASET_OPTION} or, without
 * it, from its path ({@code amortized} or {@code actual} in the file name, else in a folder name). When a billing
 * period (billing account and period start) has rows of both datasets, the source is Microsoft's FOCUS recipe: every
 * amortized row plus only the commitment purchases and refunds (ChargeType Purchase/Refund with PricingModel
 * Reservation/SavingsPlan) of the actual rows; the other actual rows of that period are restated by the amortized
 * file and are not read. Rows whose record Spark could not parse are always kept (they are quarantined).
 *
 * <p>Headers that are neither read nor otherwise known Azure columns ({@link AzureHeaders#known}) are schema drift:
 * kept as JSON in {@link RawColumns#SOURCE_EXTRAS} (not with {@code source-extras: ignore}) and named per file in
 * {@link RawInput#unknownColumns()}.
 */
public final class AzureCostReader implements SourceReader {
  /** Source option: {@code actual} or {@code amortized} for every file of the source. */
  public static final String DATASET_OPTION = "dataset";

  private static final Set<String> COMMITMENT_MODELS = Set.of("reservation", "savingsplan");
  /** A slash date ({@code 1/31/2024}, {@code 31/01/2024}); group 1 is its first field. */
  private static final String SLASH_DATE = "^(\\d{1,2})/\\d{1,2}/\\d{4}$";

  private final RawSchema schema = RawSchema.load(SourceKind.AZURE_COST.id());
  private final AzureHeaders headers = new AzureHeaders(schema);

  @Override
  public SourceKind kind() {
    return SourceKind.AZURE_COST;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    Optional<String> declared = declaredDataset(spec);
    SourceExtras.Mode extras = SourceExtras.mode(spec);
    List<String> files = InputFiles.list(spark, spec.path());
    Map<String, List<String>> unknown = new LinkedHashMap<>();
    Dataset<Row> all = null;
    for (String file : files) {
      Optional<Dataset<Row>> one = readFile(spark, file, declared, extras, unknown);
      if (one.isPresent()) {
        all = all == null ? one.get() : all.unionByName(one.get());
      }
    }
    if (all == null) {
      all = spark.createDataFrame(List.of(), emptySchema());
    }
    return new RawInput(
        kind(),
        recipeRows(all),
        files,
        billedAmount(),
        Values.timestamp(col(AzureCostColumns.BILLING_PERIOD_START_DATE)),
        unknown);
  }

  /**
   * The billed amount of a raw row, for the input side of the reconciliation: the cost, except 0 for usage a
   * reservation or savings plan covered (billed through the commitment purchase; amortized files carry the share of
   * the commitment there, actual files 0).
   */
  public static Column billedAmount() {
    return when(coveredByCommitment(), lit(0).cast(DataTypes.createDecimalType(38, 12)))
        .otherwise(Values.decimal(col(AzureCostColumns.COST_IN_BILLING_CURRENCY)));
  }

  /** PricingModel Reservation or SavingsPlan on a row that is not a purchase or refund. */
  static Column coveredByCommitment() {
    return commitmentModel().and(not(purchaseOrRefund()));
  }

  private static Column commitmentModel() {
    return coalesce(squeezed(AzureCostColumns.PRICING_MODEL).isin(COMMITMENT_MODELS.toArray()), lit(false));
  }

  private static Column purchaseOrRefund() {
    return coalesce(squeezed(AzureCostColumns.CHARGE_TYPE).isin("purchase", "refund"), lit(false));
  }

  /** Lower case without white space ({@code Savings Plan} → {@code savingsplan}). */
  private static Column squeezed(String column) {
    return lower(regexp_replace(col(column), "\\s", ""));
  }

  /**
   * Marks each row's period as having both datasets or one, and drops the actual rows the amortized file restates.
   * Lazy: one window over (billing account, billing period start).
   */
  static Dataset<Row> recipeRows(Dataset<Row> all) {
    Column datasets =
        size(collect_set(col(AzureCostColumns.DATASET))
            .over(Window.partitionBy(
                trim(col(AzureCostColumns.BILLING_ACCOUNT_ID)), trim(col(AzureCostColumns.BILLING_PERIOD_START_DATE)))));
    Dataset<Row> marked =
        all.withColumn(
            AzureCostColumns.PERIOD_DATASETS,
            when(datasets.geq(2), lit(AzureCostColumns.BOTH)).otherwise(lit(AzureCostColumns.ALONE)));
    Column restated =
        col(AzureCostColumns.DATASET).equalTo(lit(AzureCostColumns.ACTUAL))
            .and(col(AzureCostColumns.PERIOD_DATASETS).equalTo(lit(AzureCostColumns.BOTH)))
            .and(not(commitmentModel().and(purchaseOrRefund())))
            .and(col(RawColumns.CORRUPT_RECORD).isNull());
    return marked.where(not(restated));
  }

  private Optional<Dataset<Row>> readFile(SparkSession spark, String file, Optional<String> declared,
      SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    return switch (InputFiles.formatOf(file)) {
      case CSV -> {
        // the Azure spellings first: a header like 'MeterNameMeterRegion' is named, not only counted
        Optional<List<String>> header = CsvHeader.read(spark.sparkContext().hadoopConfiguration(), file,
            names -> headers.map(file, names, schema.requiredColumns()));
        if (header.isEmpty()) {
          yield Optional.empty(); // an empty file is zero rows, recorded in pipeline_runs by its file list
        }
        yield Optional.of(canonical(file, SparkFiles.csv(spark, file, header.get()), declared, extras, unknown));
      }
      case PARQUET -> Optional.of(canonical(file, SparkFiles.parquet(spark, file), declared, extras, unknown));
      case JSON -> throw new PipelineException(
          PipelineErrorCode.UNSUPPORTED_FILE_FORMAT, file + ": azure-cost reads CSV(.gz) or Parquet, not JSON");
    };
  }

  /** One file in the canonical layout, traps fixed, with its dataset, agreement and unknown columns. */
  private Dataset<Row> canonical(String file, Dataset<Row> df, Optional<String> declared, SourceExtras.Mode extras,
      Map<String, List<String>> unknown) {
    List<String> names = new ArrayList<>();
    List<String> unknownNames = new ArrayList<>();
    for (StructField field : df.schema().fields()) {
      if (!field.name().startsWith("_aif_")) {
        names.add(field.name());
        if (!headers.known(field.name())) {
          unknownNames.add(field.name());
        }
      }
    }
    Map<Integer, String> mapped = headers.map(file, names, schema.requiredColumns());
    Map<String, String> sourceOf = new HashMap<>();
    mapped.forEach((i, canonical) -> sourceOf.put(canonical, names.get(i)));
    String dataset = dataset(file, declared);
    String agreement = agreement(sourceOf.keySet());

    Column dayFirst = dayFirst(schema.columns().stream()
        .filter(c -> c.type().equals("timestamp") && sourceOf.containsKey(c.name()))
        .map(c -> sourceOf.get(c.name())).toList());
    List<Column> out = new ArrayList<>();
    for (RawColumn column : schema.columns()) {
      String source = sourceOf.get(column.name());
      Column value =
          source == null
              ? lit(null).cast(DataTypes.StringType)
              : col(SparkFiles.quote(source)).cast(DataTypes.StringType);
      if (column.type().equals("timestamp")) {
        value = isoDate(value, dayFirst);
      } else if (column.name().equals(AzureCostColumns.TAGS)
          || column.name().equals(AzureCostColumns.ADDITIONAL_INFO)) {
        value = jsonObject(value);
      }
      out.add(value.as(column.name()));
    }
    out.add(col(RawColumns.CORRUPT_RECORD));
    out.add(col(RawColumns.SOURCE_FILE));
    out.add(col(RawColumns.SOURCE_LINE));
    out.add(lit(dataset).as(AzureCostColumns.DATASET));
    out.add(lit(agreement).as(AzureCostColumns.AGREEMENT));
    out.add(ExtraColumns.of(unknownNames, extras));
    if (!unknownNames.isEmpty()) {
      unknown.put(file, List.copyOf(unknownNames));
    }
    return df.select(out.toArray(Column[]::new));
  }

  /**
   * Whether a row writes its slash dates day first ({@code 31/01/2024}, some locales): true when any of its slash
   * dates has a first field above 12. Per row and lazy (no extra pass over the file): every row carries the required
   * BillingPeriodEndDate, the last day of a month (28 to 31), so each row of a day-first export shows its order
   * itself, and a row of a month-first export never has a first field above 12 (Azure's default, month first, then
   * holds for ambiguous dates such as {@code 01/02/2024}).
   */
  static Column dayFirst(List<String> dateColumns) {
    Column any = lit(false);
    for (String name : dateColumns) {
      Column s = trim(col(SparkFiles.quote(name)).cast(DataTypes.StringType));
      any = any.or(coalesce(s.rlike(SLASH_DATE).and(regexp_extract(s, SLASH_DATE, 1).cast(DataTypes.IntegerType).gt(12)),
          lit(false)));
    }
    return any;
  }

  /**
   * {@code yyyy-MM-dd} from {@code M/d/yyyy} (US, as EA and c360 CSVs write it; {@code d/M/yyyy} on a day-first
   * row), {@code yyyy-MM-dd} or an ISO date-time; the raw value when none parses (the normalizer quarantines it).
   * Azure dates are days.
   */
  static Column isoDate(Column raw, Column dayFirst) {
    Column s = trim(raw);
    Column slash = when(dayFirst, try_to_timestamp(s, lit("d/M/yyyy"))).otherwise(try_to_timestamp(s, lit("M/d/yyyy")));
    Column parsed = coalesce(slash, s.try_cast(DataTypes.TimestampType));
    return when(parsed.isNotNull(), date_format(parsed, "yyyy-MM-dd")).otherwise(raw);
  }

  /** A JSON object string: EA writes {@code "k": "v","k2": "v2"} without the braces; blanks stay as they are. */
  static Column jsonObject(Column raw) {
    Column s = trim(raw);
    return when(s.isNull().or(s.equalTo(lit(""))).or(s.startsWith("{")), raw).otherwise(concat(lit("{"), s, lit("}")));
  }

  /** MCA/MPA files have pricing-currency and invoice columns EA files lack. */
  static String agreement(Set<String> columns) {
    boolean mca =
        columns.contains(AzureCostColumns.PRICING_CURRENCY)
            || columns.contains(AzureCostColumns.EXCHANGE_RATE_PRICING_TO_BILLING)
            || columns.contains(AzureCostColumns.COST_IN_PRICING_CURRENCY)
            || columns.contains(AzureCostColumns.PAYG_COST_IN_BILLING_CURRENCY)
            || columns.contains(AzureCostColumns.INVOICE_ID);
    return mca ? AzureCostColumns.MCA : AzureCostColumns.EA;
  }

  /** The declared dataset, else {@code amortized}/{@code actual} in the file name, else in a folder name. */
  static String dataset(String file, Optional<String> declared) {
    if (declared.isPresent()) {
      return declared.get();
    }
    String path = file.toLowerCase(Locale.ROOT).replace('\\', '/');
    String name = path.substring(path.lastIndexOf('/') + 1);
    for (String text : List.of(name, path)) {
      boolean amortized = text.contains(AzureCostColumns.AMORTIZED);
      boolean actual = text.contains(AzureCostColumns.ACTUAL);
      if (amortized != actual) {
        return amortized ? AzureCostColumns.AMORTIZED : AzureCostColumns.ACTUAL;
      }
    }
    throw new PipelineException(
        PipelineErrorCode.INVALID_CONFIG,
        file + ": cannot tell whether this is an actual or an amortized cost export (source kind azure-cost): put"
            + " 'actual' or 'amortized' in its file or folder name, or set the source option " + DATASET_OPTION
            + " when every file of the source is of one dataset");
  }

  static Optional<String> declaredDataset(SourceSpec spec) {
    String value = spec.options().get(DATASET_OPTION);
    if (value == null) {
      return Optional.empty();
    }
    String dataset = value.strip().toLowerCase(Locale.ROOT);
    if (!dataset.equals(AzureCostColumns.ACTUAL) && !dataset.equals(AzureCostColumns.AMORTIZED)) {
      throw new PipelineException(
          PipelineErrorCode.INVALID_CONFIG,
          spec.path() + ": option " + DATASET_OPTION + "='" + value + "' is not a cost dataset; use actual or amortized");
    }
    return Optional.of(dataset);
  }

  private org.apache.spark.sql.types.StructType emptySchema() {
    List<StructField> fields = new ArrayList<>();
    for (RawColumn column : schema.columns()) {
      fields.add(DataTypes.createStructField(column.name(), DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_FILE, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_LINE, DataTypes.LongType, true));
    fields.add(DataTypes.createStructField(AzureCostColumns.DATASET, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(AzureCostColumns.AGREEMENT, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_EXTRAS, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }
}
