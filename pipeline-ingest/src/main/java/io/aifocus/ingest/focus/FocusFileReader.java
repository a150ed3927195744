package io.aifocus.ingest.focus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;

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
import io.aifocus.schema.FocusColumn;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusSchema;
import io.aifocus.schema.source.RawSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Reads native FOCUS Cost and Usage files (CSV(.gz) or Parquet) of FOCUS 1.0, 1.0r2, 1.1, 1.2 or 1.3.
 *
 * <p>Per file: the header (CSV) or schema (Parquet) is checked for the required columns of {@code
 * sources/focus.yaml}; column names that match a FOCUS 1.3 id up to case are renamed to that id; scalar
 * Parquet columns are read as strings like CSV cells (maps such as AWS's {@code Tags} stay maps), so files
 * of both formats and all versions union and parse the same way; and the file's FOCUS version goes into
 * {@link #VERSION_COLUMN}. Files are unified by name, columns a file lacks are null on its rows (a column
 * that is a map in one file and text in another becomes JSON text everywhere). Columns
 * that are not FOCUS columns (provider {@code x_} columns, older names) are kept as read; the normalizer
 * decides what to use. Those that are not in {@code known} of {@code sources/focus.yaml} either (provider {@code x_}
 * columns such as {@code x_BilledCostInUsd}, anything else) are schema drift: kept as JSON in {@link
 * RawColumns#SOURCE_EXTRAS} (not with {@code source-extras: ignore}) and named per file in {@link
 * RawInput#unknownColumns()}.
 *
 * <p>Option {@value #VERSION_OPTION}: the FOCUS version of every file of the source, instead of the
 * version detected from the columns (the newest {@code introducedIn} of the FOCUS 1.3 columns present;
 * {@code 1.0r2}, a revision of Microsoft's FOCUS 1.0 export with the columns of 1.0, and {@code 1.2-preview},
 * Microsoft's preview of 1.2 with the columns of 1.2, can only be declared).
 *
 * <p>The same reader serves the provider aliases {@code azure-focus}, {@code aws-focus} and {@code gcp-focus}: only the
 * source kind the rows are recorded under differs (the normalizer adds the provider's defaults).
 */
public final class FocusFileReader implements SourceReader {
  /** Source option naming the FOCUS version of the files. */
  public static final String VERSION_OPTION = "focus-version";
  /**
   * Hidden column with the FOCUS version of the row's file ({@link #VERSIONS}); read by
   * FocusUpgradeNormalizer, which declares the same name.
   */
  public static final String VERSION_COLUMN = RawColumns.FOCUS_VERSION;
  /** The versions this reader accepts, oldest first. */
  public static final List<String> VERSIONS = List.of("1.0", "1.0r2", "1.1", "1.2-preview", "1.2", "1.3");

  private static final String OLDEST = "1.0";
  /** FOCUS 1.3 column ids by lower-case name: Spark resolves names up to case, so do the checks. */
  private static final Map<String, String> FOCUS_IDS = focusIdsByLowerCase();

  private final RawSchema schema = RawSchema.load(SourceKind.FOCUS.id());
  /** Non-FOCUS names that are not drift (sources/focus.yaml {@code known}), lower case. */
  private final Set<String> knownLowerCase = knownLowerCase(schema);
  private final SourceKind kind;

  public FocusFileReader() {
    this(SourceKind.FOCUS);
  }

  /** A reader recording its rows under {@code kind}: {@code focus} or one of its provider aliases. */
  public FocusFileReader(SourceKind kind) {
    if (!kind.isFocusFile()) {
      throw new IllegalArgumentException("Invalid source kind for native FOCUS files: " + kind.id());
    }
    this.kind = kind;
  }

  @Override
  public SourceKind kind() {
    return kind;
  }

  @Override
  public RawInput load(SparkSession spark, SourceSpec spec) {
    Optional<String> declared = declaredVersion(spec);
    SourceExtras.Mode extras = SourceExtras.mode(spec);
    List<String> files = InputFiles.list(spark, spec.path());
    List<Dataset<Row>> parts = new ArrayList<>();
    Map<String, List<String>> unknown = new LinkedHashMap<>();
    for (String file : files) {
      readFile(spark, file, declared, extras, unknown).ifPresent(parts::add);
    }
    Dataset<Row> all = parts.isEmpty() ? empty(spark) : union(parts);
    return new RawInput(
        kind(),
        all,
        files,
        Values.decimal(col(FocusColumns.BILLED_COST)),
        Values.timestamp(col(FocusColumns.BILLING_PERIOD_START)),
        unknown);
  }

  private Optional<Dataset<Row>> readFile(SparkSession spark, String file, Optional<String> declared,
      SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    return switch (InputFiles.formatOf(file)) {
      case CSV -> readCsv(spark, file, declared, extras, unknown);
      case PARQUET -> Optional.of(canonical(file, SparkFiles.parquet(spark, file), declared, extras, unknown));
      case JSON -> throw new PipelineException(
          PipelineErrorCode.UNSUPPORTED_FILE_FORMAT, file + ": " + kind.id() + " reads CSV(.gz) or Parquet, not JSON");
    };
  }

  private Optional<Dataset<Row>> readCsv(SparkSession spark, String file, Optional<String> declared,
      SourceExtras.Mode extras, Map<String, List<String>> unknown) {
    Optional<List<String>> header = CsvHeader.read(spark.sparkContext().hadoopConfiguration(), file);
    if (header.isEmpty()) {
      return Optional.empty(); // an empty file is zero rows, recorded in pipeline_runs by its file list
    }
    return Optional.of(canonical(file, SparkFiles.csv(spark, file, header.get()), declared, extras, unknown));
  }

  /**
   * Renames one file's columns to FOCUS 1.3 ids, checks the required columns, reads scalars as strings
   * and adds the version column and the unknown columns as JSON (recorded in {@code unknown} under the file).
   */
  private Dataset<Row> canonical(String file, Dataset<Row> df, Optional<String> declared, SourceExtras.Mode extras,
      Map<String, List<String>> unknown) {
    Map<String, Column> columns = new LinkedHashMap<>();
    List<String> unknownNames = new ArrayList<>();
    for (StructField field : df.schema().fields()) {
      String name = field.name();
      if (name.startsWith("_aif_")) {
        continue;
      }
      String canonical = FOCUS_IDS.getOrDefault(name.toLowerCase(Locale.ROOT), name);
      if (!FOCUS_IDS.containsKey(name.toLowerCase(Locale.ROOT))
          && !knownLowerCase.contains(name.toLowerCase(Locale.ROOT))) {
        unknownNames.add(name);
      }
      Column value = col(SparkFiles.quote(name));
      if (field.dataType() instanceof AtomicType && !field.dataType().equals(DataTypes.StringType)) {
        value = value.cast(DataTypes.StringType);
      }
      if (columns.putIfAbsent(canonical, value.as(canonical)) != null) {
        throw new PipelineException(
            PipelineErrorCode.MALFORMED_HEADER,
            file + ": columns map to the same FOCUS column '" + canonical + "' twice (e.g. '" + name + "')");
      }
    }
    for (String required : schema.requiredColumns()) {
      if (!columns.containsKey(required)) {
        throw new PipelineException(
            PipelineErrorCode.MISSING_REQUIRED_COLUMN,
            file + ": missing required column '" + required + "' (source kind " + kind.id() + ")");
      }
    }
    String version = version(file, List.copyOf(columns.keySet()), declared);
    List<Column> out = new ArrayList<>(columns.values());
    out.add(col(RawColumns.CORRUPT_RECORD));
    out.add(col(RawColumns.SOURCE_FILE));
    out.add(col(RawColumns.SOURCE_LINE));
    out.add(lit(version).as(VERSION_COLUMN));
    out.add(ExtraColumns.of(unknownNames, extras));
    if (!unknownNames.isEmpty()) {
      unknown.put(file, List.copyOf(unknownNames));
    }
    return df.select(out.toArray(Column[]::new));
  }

  /**
   * Unifies the files by column name. A column whose type differs between files (AWS Parquet's {@code
   * Tags} map next to a CSV's JSON string) becomes JSON text in the files where it is not a string.
   */
  static Dataset<Row> union(List<Dataset<Row>> parts) {
    Map<String, Set<DataType>> types = new HashMap<>();
    for (Dataset<Row> part : parts) {
      for (StructField field : part.schema().fields()) {
        types.computeIfAbsent(field.name(), k -> new HashSet<>()).add(field.dataType());
      }
    }
    Dataset<Row> all = null;
    for (Dataset<Row> part : parts) {
      for (StructField field : part.schema().fields()) {
        if (types.get(field.name()).size() > 1 && !field.dataType().equals(DataTypes.StringType)) {
          part = part.withColumn(field.name(), to_json(col(SparkFiles.quote(field.name()))));
        }
      }
      all = all == null ? part : all.unionByName(part, true);
    }
    return all;
  }

  /**
   * The declared version, or the detected one. A declared version older than a column the file has is a
   * contradiction (the upgrade would overwrite that column), so it fails.
   */
  static String version(String file, List<String> columns, Optional<String> declared) {
    String detected = OLDEST;
    String evidence = null;
    for (String name : columns) {
      Optional<FocusColumn> column = FocusSchema.costAndUsage().find(name);
      if (column.isPresent() && rank(column.get().introducedIn()) > rank(detected)) {
        detected = column.get().introducedIn();
        evidence = name;
      }
    }
    if (declared.isEmpty()) {
      return detected;
    }
    if (rank(declared.get()) < rank(detected)) {
      throw new PipelineException(
          PipelineErrorCode.INVALID_CONFIG,
          file + ": option " + VERSION_OPTION + "=" + declared.get() + " but the file has column '" + evidence
              + "', introduced in FOCUS " + detected + "; remove the option or declare " + detected);
    }
    return declared.get();
  }

  static Optional<String> declaredVersion(SourceSpec spec) {
    String value = spec.options().get(VERSION_OPTION);
    if (value == null) {
      return Optional.empty();
    }
    String version = value.strip();
    if (!VERSIONS.contains(version)) {
      throw new PipelineException(
          PipelineErrorCode.INVALID_CONFIG,
          spec.path() + ": option " + VERSION_OPTION + "='" + value + "' is not a supported FOCUS version; use one of "
              + String.join(", ", VERSIONS));
    }
    return Optional.of(version);
  }

  /**
   * Orders versions by their Cost and Usage columns: everything up to 1.0 (0.5, 1.0-preview, 1.0, 1.0r2)
   * is 0, then 1.1, 1.2, 1.3.
   */
  static int rank(String version) {
    return switch (version) {
      case "1.1" -> 1;
      case "1.2", "1.2-preview" -> 2;
      case "1.3" -> 3;
      default -> 0;
    };
  }

  private static Set<String> knownLowerCase(RawSchema schema) {
    Set<String> out = new HashSet<>();
    schema.known().forEach(name -> out.add(name.toLowerCase(Locale.ROOT)));
    return Set.copyOf(out);
  }

  private static Map<String, String> focusIdsByLowerCase() {
    Map<String, String> ids = new LinkedHashMap<>();
    for (String id : FocusSchema.costAndUsage().columnIds()) {
      ids.put(id.toLowerCase(Locale.ROOT), id);
    }
    return Map.copyOf(ids);
  }

  /** No rows (every file empty): the FOCUS 1.3 columns as strings plus the hidden columns. */
  private static Dataset<Row> empty(SparkSession spark) {
    List<StructField> fields = new ArrayList<>();
    for (String id : FocusSchema.costAndUsage().columnIds()) {
      fields.add(DataTypes.createStructField(id, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_FILE, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_LINE, DataTypes.LongType, true));
    fields.add(DataTypes.createStructField(VERSION_COLUMN, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_EXTRAS, DataTypes.StringType, true));
    return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
  }
}
