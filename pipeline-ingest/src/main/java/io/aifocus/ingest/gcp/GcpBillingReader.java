package io.aifocus.ingest.gcp;

import static io.aifocus.schema.source.GcpBillingColumns.*;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.transform;
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
import io.aifocus.ingest.ExtraColumns;
import io.aifocus.ingest.InputFiles;
import io.aifocus.ingest.JsonLines;
import io.aifocus.ingest.SparkFiles;
import io.aifocus.ingest.Values;
import io.aifocus.schema.source.RawSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads GCP Cloud Billing export rows extracted from BigQuery (standard or detailed table) as newline-delimited
 * JSON ({@code .json}, {@code .jsonl}, {@code .ndjson}, gzip allowed) or Parquet. Both are read into the nested
 * export record with every leaf as text (a Parquet file through its JSON form, so one code path; numbers keep
 * their shortest decimal form, never a binary double in aifocus), then flattened to sources/gcp-billing.yaml.
 *
 * <p>One raw row per export row (credit_index 0, billed amount {@code cost}) plus one per element of
 * {@code credits[]} (credit_index k, billed amount {@code credits[k-1].amount}): Σ billed = Σ cost + Σ credits,
 * the net cost, and every raw row reconciles to one FOCUS or quarantine row. The billing period is
 * {@code invoice.month} as a Pacific-time month. A line that is not a JSON object is one corrupt row with its
 * line number.
 *
 * <p>Top-level fields that are not in the export's documented record ({@code known} of {@code
 * sources/gcp-billing.yaml}) are schema drift: kept in {@link RawColumns#SOURCE_EXTRAS} as one JSON object per export
 * row (JSON values as they are in the line, through Spark's VARIANT; Parquet values as typed), on its credit rows too,
 * and named per file in {@link RawInput#unknownColumns()}. A JSON file's unknown fields are found by one query over the
 * file; with {@code source-extras: ignore} that query is not run (and the fields are not named).
 */
public final class GcpBillingReader implements SourceReader {
  private static final DataType TEXT = DataTypes.StringType;
  private static final DataType KEY_VALUES = DataTypes.createArrayType(strings("key", "value"));
  private static final StructType CREDIT = strings("id", "name", "full_name", "type", "amount");

  /** The export record as aifocus reads it: every leaf text, repeated {key, value} records kept as arrays. */
  static final StructType RECORD = new StructType()
      .add("billing_account_id", TEXT)
      .add("service", strings("id", "description"))
      .add("sku", strings("id", "description"))
      .add("usage_start_time", TEXT)
      .add("usage_end_time", TEXT)
      .add("project", strings("id", "number", "name").add("labels", KEY_VALUES))
      .add("labels", KEY_VALUES)
      .add("location", strings("location", "country", "region", "zone"))
      .add("resource", strings("name", "global_name"))
      .add("cost", TEXT)
      .add("cost_at_list", TEXT)
      .add("currency", TEXT)
      .add("currency_conversion_rate", TEXT)
      .add("usage", strings("amount", "unit", "amount_in_pricing_units", "pricing_unit"))
      .add("credits", DataTypes.createArrayType(CREDIT))
      .add("invoice", strings("month"))
      .add("cost_type", TEXT)
      .add("export_time", TEXT)
      .add("transaction_type", TEXT)
      .add("seller_name", TEXT);

  /** Top-level fields a Parquet extract must have (a JSON line without one is a row-level problem). */
  static final List<String> REQUIRED_FIELDS =
      List.of("billing_account_id", "service", "usage_start_time", "usage_end_time", "cost", "currency", "invoice",
          "cost_type");

  /** The documented top-level fields of the export record. */
  private static final List<String> KNOWN = RawSchema.load(SourceKind.GCP_BILLING.id()).known();
  private static final String EXTRA_FIELDS = "_aif_extra_fields";

  @Override
  public SourceKind kind() {
    return SourceKind.GCP_BILLING;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    SourceExtras.Mode extras = SourceExtras.mode(spec);
    List<String> files = InputFiles.list(spark, spec.path());
    Map<String, List<String>> unknown = new LinkedHashMap<>();
    Dataset<Row> all = null;
    for (String file : files) {
      Dataset<Row> one = switch (InputFiles.formatOf(file)) {
        case JSON -> json(spark, file, extras, unknown);
        case PARQUET -> parquet(spark, file, extras, unknown);
        case CSV -> throw new PipelineException(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT, file
            + ": gcp-billing reads BigQuery extracts as newline-delimited JSON or Parquet (a CSV extract cannot hold"
            + " the repeated credits and labels)");
      };
      Dataset<Row> flat = flatten(one);
      all = all == null ? flat : all.unionByName(flat);
    }
    if (all == null) {
      all = flatten(spark.createDataFrame(List.of(), withBookkeeping(RECORD)));
    }
    Column billed = when(col(CREDIT_INDEX).equalTo(lit("0")), Values.decimal(col(COST)))
        .otherwise(Values.decimal(col(CREDIT_AMOUNT)));
    return new RawInput(kind(), all, files, billed, invoicePeriodStart(col(INVOICE_MONTH)), unknown);
  }

  /**
   * A JSON Lines extract with its unknown top-level fields: the line's fields as a map of VARIANT values, the unknown
   * keys found by one distinct query, the JSON object rebuilt with sorted keys.
   */
  private static Dataset<Row> json(
      SparkSession spark, String file, SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    Dataset<Row> lines = JsonLines.readKeepingText(spark, file, RECORD);
    if (extras == SourceExtras.Mode.IGNORE) {
      return lines.withColumn(RawColumns.SOURCE_EXTRAS, ExtraColumns.none()).drop(JsonLines.LINE);
    }
    Column fields = from_json(col(JsonLines.LINE),
        DataTypes.createMapType(DataTypes.StringType, DataTypes.VariantType), Map.of("mode", "PERMISSIVE"));
    Column others = map_filter(fields, (k, v) -> not(k.isin(KNOWN.toArray())));
    Dataset<Row> withOthers = lines.withColumn(EXTRA_FIELDS, others).drop(JsonLines.LINE);
    List<String> names = withOthers.select(explode(map_keys(col(EXTRA_FIELDS)))).distinct().collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
    if (!names.isEmpty()) {
      unknown.put(file, names);
    }
    Column keys = array_sort(map_keys(col(EXTRA_FIELDS)));
    Column sorted = map_from_arrays(keys, transform(keys, k -> element_at(col(EXTRA_FIELDS), k)));
    return withOthers.withColumn(RawColumns.SOURCE_EXTRAS, ExtraColumns.ofObject(to_json(sorted))).drop(EXTRA_FIELDS);
  }

  /**
   * The UTC start of the Pacific-time month {@code YYYYMM}; null when the text is not such a month. Pacific
   * midnight is 07:00 or 08:00 UTC depending on daylight saving time.
   */
  public static Column invoicePeriodStart(Column month) {
    Column text = Values.text(month);
    Column local = try_to_timestamp(concat(text, lit("01")), lit("yyyyMMdd"));
    return when(text.rlike("^[0-9]{6}$"), to_utc_timestamp(local, INVOICE_TIME_ZONE));
  }

  private static Dataset<Row> parquet(
      SparkSession spark, String file, SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    Dataset<Row> df = SparkFiles.parquet(spark, file);
    Set<String> present = Arrays.stream(df.columns()).collect(Collectors.toSet());
    for (String required : REQUIRED_FIELDS) {
      if (!present.contains(required)) {
        throw new PipelineException(PipelineErrorCode.MISSING_REQUIRED_COLUMN,
            file + ": missing required column '" + required + "' (source kind gcp-billing)");
      }
    }
    List<Column> data = new ArrayList<>();
    List<String> unknownNames = new ArrayList<>();
    for (String name : df.columns()) {
      if (!name.startsWith("_aif_")) {
        data.add(col(SparkFiles.quote(name)));
        if (!KNOWN.contains(name)) {
          unknownNames.add(name);
        }
      }
    }
    if (!unknownNames.isEmpty()) {
      unknown.put(file, unknownNames.stream().sorted().toList());
    }
    // through JSON text, so Parquet numbers, timestamps and nested records arrive in the same text form as JSON
    Column record = from_json(to_json(struct(data.toArray(Column[]::new))), RECORD,
        Map.of("mode", "PERMISSIVE"));
    List<Column> out = new ArrayList<>();
    for (String field : RECORD.fieldNames()) {
      out.add(record.getField(field).as(field));
    }
    out.add(col(RawColumns.CORRUPT_RECORD));
    out.add(col(RawColumns.SOURCE_FILE));
    out.add(col(RawColumns.SOURCE_LINE));
    out.add(ExtraColumns.of(unknownNames, extras));
    return df.select(out.toArray(Column[]::new));
  }

  /** Nested record → the flat raw layout, one row per export row and credit. */
  private static Dataset<Row> flatten(Dataset<Row> nested) {
    Column nullText = lit(null).cast(TEXT);
    Column chargeRow = struct(lit("0").as(CREDIT_INDEX), nullText.as("id"), nullText.as("name"),
        nullText.as("full_name"), nullText.as("type"), nullText.as("amount"));
    Column creditRows = transform(coalesce(col("credits"), array().cast(DataTypes.createArrayType(CREDIT))),
        (c, i) -> struct(i.plus(1).cast(TEXT).as(CREDIT_INDEX), c.getField("id").as("id"), c.getField("name").as("name"),
            c.getField("full_name").as("full_name"), c.getField("type").as("type"), c.getField("amount").as("amount")));
    Column line = explode(concat(array(chargeRow), creditRows));
    Dataset<Row> exploded = nested.select(col("*"), line.as("_aif_line"));
    Column l = col("_aif_line");
    return exploded.select(
        col("billing_account_id").as(BILLING_ACCOUNT_ID),
        col("service.id").as(SERVICE_ID),
        col("service.description").as(SERVICE_DESCRIPTION),
        col("sku.id").as(SKU_ID),
        col("sku.description").as(SKU_DESCRIPTION),
        col("usage_start_time").as(USAGE_START_TIME),
        col("usage_end_time").as(USAGE_END_TIME),
        col("project.id").as(PROJECT_ID),
        col("project.number").as(PROJECT_NUMBER),
        col("project.name").as(PROJECT_NAME),
        col("labels").as(LABELS),
        col("project.labels").as(PROJECT_LABELS),
        col("location.location").as(LOCATION_LOCATION),
        col("location.region").as(LOCATION_REGION),
        col("location.zone").as(LOCATION_ZONE),
        col("resource.name").as(RESOURCE_NAME),
        col("resource.global_name").as(RESOURCE_GLOBAL_NAME),
        col("cost").as(COST),
        col("cost_at_list").as(COST_AT_LIST),
        col("currency").as(CURRENCY),
        col("currency_conversion_rate").as(CURRENCY_CONVERSION_RATE),
        col("usage.amount").as(USAGE_AMOUNT),
        col("usage.unit").as(USAGE_UNIT),
        col("usage.amount_in_pricing_units").as(USAGE_AMOUNT_IN_PRICING_UNITS),
        col("usage.pricing_unit").as(USAGE_PRICING_UNIT),
        col("invoice.month").as(INVOICE_MONTH),
        col("cost_type").as(COST_TYPE),
        col("export_time").as(EXPORT_TIME),
        col("transaction_type").as(TRANSACTION_TYPE),
        col("seller_name").as(SELLER_NAME),
        l.getField(CREDIT_INDEX).as(CREDIT_INDEX),
        l.getField("id").as(CREDIT_ID),
        l.getField("name").as(CREDIT_NAME),
        l.getField("full_name").as(CREDIT_FULL_NAME),
        l.getField("type").as(CREDIT_TYPE),
        l.getField("amount").as(CREDIT_AMOUNT),
        col(RawColumns.CORRUPT_RECORD),
        col(RawColumns.SOURCE_FILE),
        col(RawColumns.SOURCE_LINE),
        col(RawColumns.SOURCE_EXTRAS));
  }

  private static StructType withBookkeeping(StructType record) {
    return record.add(RawColumns.CORRUPT_RECORD, TEXT).add(RawColumns.SOURCE_FILE, TEXT)
        .add(RawColumns.SOURCE_LINE, DataTypes.LongType).add(RawColumns.SOURCE_EXTRAS, TEXT);
  }

  private static StructType strings(String... names) {
    StructType out = new StructType();
    for (String name : names) {
      out = out.add(name, TEXT);
    }
    return out;
  }
}
