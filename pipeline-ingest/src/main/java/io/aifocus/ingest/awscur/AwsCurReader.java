package io.aifocus.ingest.awscur;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.trim;
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
import io.aifocus.schema.source.AwsCurColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads AWS Cost and Usage Reports: CUR 2.0 (Parquet, or CSV(.gz) with snake_case headers and JSON map
 * columns) and legacy CUR CSV(.gz) ({@code lineItem/UnblendedCost} headers, {@code resourceTags/*}
 * columns). Every file is brought to the canonical CUR 2.0 layout of {@code sources/aws-cur.yaml}: the
 * declared scalar columns (missing optional ones as null), the maps {@code product}, {@code
 * resource_tags} and {@code cost_category}, and the {@link RawColumns}.
 *
 * <p>Columns that are in neither the raw schema nor the rest of the CUR data dictionary ({@code known} and {@code
 * knownPrefixes} of {@code sources/aws-cur.yaml}), and are not product, resource tag or cost category entries, are
 * schema drift: kept as JSON in {@link RawColumns#SOURCE_EXTRAS} (or dropped with {@code source-extras: ignore}) and
 * named per file in {@link RawInput#unknownColumns()}.
 */
public final class AwsCurReader implements SourceReader {
  private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  private static final DecimalType MONEY = DataTypes.createDecimalType(38, 12);
  private static final DecimalType SUMMAND = DataTypes.createDecimalType(37, 12);

  private final RawSchema schema = RawSchema.load(SourceKind.AWS_CUR.id());
  private final Set<String> scalarNames =
      schema.scalarColumns().stream().map(RawColumn::name).collect(Collectors.toUnmodifiableSet());

  @Override
  public SourceKind kind() {
    return SourceKind.AWS_CUR;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    SourceExtras.Mode extras = SourceExtras.mode(spec);
    List<String> files = InputFiles.list(spark, spec.path());
    Map<String, List<String>> unknown = new LinkedHashMap<>();
    Dataset<Row> all = null;
    for (String file : files) {
      Optional<Dataset<Row>> one = readFile(spark, file, extras, unknown);
      if (one.isPresent()) {
        all = all == null ? one.get() : all.unionByName(one.get());
      }
    }
    if (all == null) {
      all = spark.createDataFrame(List.of(), emptyCanonical(spark).schema());
    }
    return new RawInput(
        kind(),
        all,
        files,
        netBilledAmount(all.schema()),
        Values.timestamp(col(AwsCurColumns.BILL_BILLING_PERIOD_START_DATE),
            Values.typeOf(all.schema(), AwsCurColumns.BILL_BILLING_PERIOD_START_DATE)),
        unknown);
  }

  /**
   * The reconciliation amount of a row, the bill net of discounts (docs/sources/aws-cur.md "Discounts"), parsed
   * here independently of the normalizer: {@code line_item_net_unblended_cost} when present; else the unblended
   * cost plus the row's discount total ({@code discount_total_discount}, else the {@code discount} map's {@code
   * total_discount}, else the sum of the map's numeric values), never on discount line items; else the unblended
   * cost. Typed (Parquet) amounts are read by their type ({@link Values#decimal(Column, DataType)}).
   */
  static Column netBilledAmount(StructType schema) {
    Column gross = amount(schema, AwsCurColumns.LINE_ITEM_UNBLENDED_COST);
    Column net = amount(schema, AwsCurColumns.LINE_ITEM_NET_UNBLENDED_COST);
    Column type = col(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE);
    // null without a type; an untrimmed value is no known type (the row is quarantined as such)
    Column discountLine = when(Values.text(type).isNotNull(),
        type.cast(DataTypes.StringType).isin(AwsCurColumns.DISCOUNT_LINE_ITEM_TYPES.toArray()));
    Column map = col(AwsCurColumns.DISCOUNT);
    Column amounts = map_filter(transform_values(map, (k, v) -> Values.decimal(v)), (k, v) -> v.isNotNull());
    Column mapSum = when(size(amounts).gt(0),
        aggregate(map_values(amounts), lit(BigDecimal.ZERO).cast(MONEY), (acc, v) -> exactSum(acc, v)));
    Column total = coalesce(amount(schema, AwsCurColumns.DISCOUNT_TOTAL_DISCOUNT),
        element_at(amounts, lit(AwsCurColumns.DISCOUNT_TOTAL_KEY)), mapSum);
    Column netted = when(discountLine.unary_$bang(), exactSum(gross, total)); // like the normalizer: no type, no netting
    return coalesce(net, netted, gross);
  }

  private static Column amount(StructType schema, String column) {
    return Values.decimal(col(column), Values.typeOf(schema, column));
  }

  /** a + b at scale 12 without Spark's precision-loss rounding of two DECIMAL(38,12). */
  private static Column exactSum(Column a, Column b) {
    return a.cast(SUMMAND).plus(b.cast(SUMMAND)).cast(MONEY);
  }

  private Optional<Dataset<Row>> readFile(
      SparkSession spark, String file, SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    return switch (InputFiles.formatOf(file)) {
      case CSV -> readCsv(spark, file, extras, unknown);
      case PARQUET -> Optional.of(canonical(file, SparkFiles.parquet(spark, file), extras, unknown));
      case JSON -> throw new PipelineException(
          PipelineErrorCode.UNSUPPORTED_FILE_FORMAT, file + ": aws-cur reads CSV(.gz) or Parquet, not JSON");
    };
  }

  private Optional<Dataset<Row>> readCsv(
      SparkSession spark, String file, SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    Optional<List<String>> header = CsvHeader.read(spark.sparkContext().hadoopConfiguration(), file);
    if (header.isEmpty()) {
      return Optional.empty(); // an empty file is zero rows, recorded in pipeline_runs by its file list
    }
    return Optional.of(canonical(file, SparkFiles.csv(spark, file, header.get()), extras, unknown));
  }

  /**
   * Renames one file's columns to the canonical layout, checks the required columns and keeps the unknown ones
   * (recorded in {@code unknown} under the file).
   */
  private Dataset<Row> canonical(
      String file, Dataset<Row> df, SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    List<String> unknownNames = new ArrayList<>();
    Map<String, Column> scalars = new LinkedHashMap<>();
    Map<String, List<Column>> mapKeys = new LinkedHashMap<>();
    Map<String, List<Column>> mapValues = new LinkedHashMap<>();
    Map<String, Column> nativeMaps = new LinkedHashMap<>();
    for (StructField field : df.schema().fields()) {
      String name = field.name();
      if (name.startsWith("_aif_")) {
        continue;
      }
      CurColumnNames.Target target = CurColumnNames.target(name, scalarNames::contains);
      Column value = col(SparkFiles.quote(name));
      if (target.mapKey().isPresent()) {
        mapKeys.computeIfAbsent(target.column(), k -> new ArrayList<>()).add(lit(target.mapKey().get()));
        mapValues.computeIfAbsent(target.column(), k -> new ArrayList<>()).add(value.cast(DataTypes.StringType));
      } else if (isMapColumn(target.column())) {
        nativeMaps.put(target.column(), asStringMap(value, field.dataType()));
      } else if (!schema.isKnown(target.column())) {
        unknownNames.add(name);
      } else if (scalars.putIfAbsent(target.column(), value) != null) {
        throw new PipelineException(
            PipelineErrorCode.MALFORMED_HEADER,
            file + ": columns map to the same CUR column '" + target.column() + "' twice (e.g. '" + name + "')");
      }
    }
    for (String required : schema.requiredColumns()) {
      if (!scalars.containsKey(required)) {
        throw new PipelineException(
            PipelineErrorCode.MISSING_REQUIRED_COLUMN,
            file + ": missing required column '" + required + "' (source kind aws-cur; legacy name "
                + legacyName(required) + ")");
      }
    }
    List<Column> out = new ArrayList<>();
    for (RawColumn column : schema.columns()) {
      if (column.isMap()) {
        out.add(mapColumn(column.name(), nativeMaps, mapKeys, mapValues).as(column.name()));
      } else {
        Column value = scalars.get(column.name());
        out.add((value == null ? lit(null).cast(DataTypes.StringType) : value).as(column.name()));
      }
    }
    out.add(col(RawColumns.CORRUPT_RECORD));
    out.add(col(RawColumns.SOURCE_FILE));
    out.add(col(RawColumns.SOURCE_LINE));
    out.add(ExtraColumns.of(unknownNames, extras));
    if (!unknownNames.isEmpty()) {
      unknown.put(file, List.copyOf(unknownNames));
    }
    return df.select(out.toArray(Column[]::new));
  }

  private boolean isMapColumn(String name) {
    return schema.mapColumns().stream().anyMatch(c -> c.name().equals(name));
  }

  private static Column mapColumn(
      String name, Map<String, Column> nativeMaps, Map<String, List<Column>> keys, Map<String, List<Column>> values) {
    if (nativeMaps.containsKey(name)) {
      return nativeMaps.get(name);
    }
    if (keys.containsKey(name)) {
      return map_from_arrays(
          array(keys.get(name).toArray(Column[]::new)), array(values.get(name).toArray(Column[]::new)));
    }
    return lit(null).cast(STRING_MAP);
  }

  /** A CUR 2.0 map column: native map in Parquet, a JSON object string in CSV. */
  private static Column asStringMap(Column value, DataType type) {
    if (type instanceof MapType) {
      return value.cast(STRING_MAP);
    }
    Column text = trim(value.cast(DataTypes.StringType));
    return when(text.isNull().or(text.equalTo(lit(""))), lit(null).cast(STRING_MAP))
        .otherwise(from_json(text, STRING_MAP));
  }

  private static String legacyName(String canonical) {
    int underscore = canonical.indexOf('_');
    String category = canonical.substring(0, underscore);
    String rest = canonical.substring(underscore + 1);
    if (category.equals("line")) {
      category = "lineItem";
      rest = rest.substring("item_".length());
    } else if (category.equals("savings")) {
      category = "savingsPlan";
      rest = rest.substring("plan_".length());
    }
    StringBuilder camel = new StringBuilder();
    for (String part : rest.split("_")) {
      camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return "'" + category + "/" + camel + "'";
  }

  private Dataset<Row> emptyCanonical(SparkSession spark) {
    List<StructField> fields = new ArrayList<>();
    for (RawColumn column : schema.columns()) {
      fields.add(DataTypes.createStructField(column.name(), column.isMap() ? STRING_MAP : DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_FILE, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_LINE, DataTypes.LongType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_EXTRAS, DataTypes.StringType, true));
    return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
  }
}
