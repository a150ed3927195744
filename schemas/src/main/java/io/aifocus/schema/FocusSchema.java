package io.aifocus.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A FOCUS dataset definition loaded from its schema file. Java reads the file and never restates it:
 * everything that depends on column types, nullability or allowed values asks this class.
 */
public final class FocusSchema {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new Jdk8Module())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private static final FocusSchema COST_AND_USAGE = load("focus/1.3/cost-and-usage.yaml");
  private static final FocusSchema CONTRACT_COMMITMENT = load("focus/1.3/contract-commitment.yaml");

  private final String focusVersion;
  private final String dataset;
  private final List<FocusColumn> columns;
  private final Map<String, FocusColumn> byId;

  private FocusSchema(String focusVersion, String dataset, List<FocusColumn> columns) {
    this.focusVersion = requireNonNull(focusVersion, "focusVersion is null");
    this.dataset = requireNonNull(dataset, "dataset is null");
    this.columns = List.copyOf(columns);
    Map<String, FocusColumn> map = new LinkedHashMap<>();
    for (FocusColumn column : columns) {
      if (map.put(column.id(), column) != null) {
        throw new IllegalStateException("Duplicate column " + column.id() + " in " + dataset);
      }
    }
    this.byId = Map.copyOf(map);
  }

  /** FOCUS 1.3 Cost and Usage dataset (65 columns). */
  public static FocusSchema costAndUsage() {
    return COST_AND_USAGE;
  }

  /** FOCUS 1.3 Contract Commitment dataset (13 columns). */
  public static FocusSchema contractCommitment() {
    return CONTRACT_COMMITMENT;
  }

  static FocusSchema load(String resource) {
    record File(String focusVersion, String dataset, List<FocusColumn> columns) {}
    try (InputStream in = openResource(resource)) {
      File file = YAML.readValue(in, File.class);
      return new FocusSchema(file.focusVersion(), file.dataset(), file.columns());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read FOCUS schema " + resource, e);
    }
  }

  static InputStream openResource(String resource) {
    InputStream in = FocusSchema.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("Schema resource missing from the classpath: " + resource);
    }
    return in;
  }

  static ObjectMapper yaml() {
    return YAML;
  }

  public String focusVersion() {
    return focusVersion;
  }

  public String dataset() {
    return dataset;
  }

  public List<FocusColumn> columns() {
    return columns;
  }

  public List<String> columnIds() {
    return columns.stream().map(FocusColumn::id).toList();
  }

  public Optional<FocusColumn> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public FocusColumn column(String id) {
    FocusColumn column = byId.get(id);
    if (column == null) {
      throw new IllegalArgumentException("Unknown " + dataset + " column: " + id);
    }
    return column;
  }

  /** The Spark schema of the dataset, in specification order; every field nullable at the Spark level. */
  public StructType sparkSchema() {
    StructField[] fields = new StructField[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      FocusColumn column = columns.get(i);
      fields[i] =
          DataTypes.createStructField(
              column.id(),
              sparkType(column.dataType(), column.precision(), column.scale()),
              true,
              metadata(column));
    }
    return DataTypes.createStructType(fields);
  }

  /** The Spark type a FOCUS data type is stored as. */
  public static DataType sparkType(FocusDataType type, Integer precision, Integer scale) {
    return switch (type) {
      case String, JSON -> DataTypes.StringType;
      case DateTime -> DataTypes.TimestampType;
      case Decimal -> DataTypes.createDecimalType(precision, scale);
    };
  }

  private Metadata metadata(FocusColumn column) {
    return new MetadataBuilder()
        .putString("focus.version", focusVersion)
        .putString("focus.dataset", dataset)
        .putString("focus.featureLevel", column.featureLevel().name())
        .putString("focus.dataType", column.dataType().name())
        .build();
  }
}
