package io.aifocus.ingest.focus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.CsvRecords;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.junit.jupiter.api.Test;

class FocusFileReaderTest {
  private static final Path SAMPLES = SparkTestSession.projectRoot().resolve("sample-data/focus");

  private final SparkSession spark = SparkTestSession.get();
  private final FocusFileReader reader = new FocusFileReader();

  @Test
  void readsTheFocus10SampleAsVersion10WithEveryRowAndTheBilledTotal() {
    Path file = SAMPLES.resolve("focus-1.0-sample.csv");
    List<Map<String, String>> records = CsvRecords.read(file);

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.FOCUS, file.toString()));

    assertThat(input.kind()).isEqualTo(SourceKind.FOCUS);
    assertThat(input.files()).singleElement().asString().endsWith("/sample-data/focus/focus-1.0-sample.csv");
    assertThat(input.rows().count()).isEqualTo(records.size());
    assertThat(input.rows().columns()).contains(records.get(0).keySet().toArray(String[]::new));
    assertThat(distinct(input.rows(), FocusFileReader.VERSION_COLUMN)).containsExactly("1.0");
    // Spark refuses queries on raw CSV that reference only the corrupt-record column, hence BilledCost too
    assertThat(
            input.rows()
                .where(col(RawColumns.CORRUPT_RECORD).isNotNull().or(col(FocusColumns.BILLED_COST).isNull()))
                .count())
        .isZero();
    assertThat(input.rows().where(col(RawColumns.SOURCE_FILE).endsWith("/focus-1.0-sample.csv")).count())
        .isEqualTo(records.size());

    BigDecimal expectedTotal =
        records.stream().map(r -> new BigDecimal(r.get(FocusColumns.BILLED_COST))).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(billedTotal(input)).isEqualByComparingTo(expectedTotal);
    Set<Instant> expectedPeriods =
        records.stream()
            .map(r -> LocalDateTime.parse(r.get(FocusColumns.BILLING_PERIOD_START).replace(' ', 'T')).toInstant(ZoneOffset.UTC))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<Instant> periods =
        input.rows().select(input.billingPeriodStart().as("p")).distinct().collectAsList().stream()
            .map(r -> instant(r.get(0)))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(periods).isEqualTo(expectedPeriods).hasSize(2);
  }

  @Test
  void unionsFilesOfDifferentVersionsByNameAndSkipsEmptyFiles() throws IOException {
    Path dir = SparkTestSession.newDirectory("focus-union");
    Files.copy(SAMPLES.resolve("focus-1.2-tiny.csv"), dir.resolve("a-focus-1.2.csv"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("b-focus-1.3.csv.gz")))) {
      out.write(Files.readAllBytes(SAMPLES.resolve("focus-1.3-tiny.csv")));
    }
    Files.writeString(dir.resolve("c-empty.csv"), "");
    List<Map<String, String>> v12 = CsvRecords.read(SAMPLES.resolve("focus-1.2-tiny.csv"));
    List<Map<String, String>> v13 = CsvRecords.read(SAMPLES.resolve("focus-1.3-tiny.csv"));

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.FOCUS, dir.toString()));

    assertThat(input.files()).hasSize(3);
    assertThat(input.files().get(2)).endsWith("/c-empty.csv");
    assertThat(input.rows().count()).isEqualTo(v12.size() + v13.size());
    Map<String, String> versionByFile = new TreeMap<>();
    for (Row row : input.rows().select(RawColumns.SOURCE_FILE, FocusFileReader.VERSION_COLUMN).distinct().collectAsList()) {
      String file = row.getString(0);
      versionByFile.put(file.substring(file.lastIndexOf('/') + 1), row.getString(1));
    }
    assertThat(versionByFile).containsExactly(Map.entry("a-focus-1.2.csv", "1.2"), Map.entry("b-focus-1.3.csv.gz", "1.3"));
    // a 1.3 column is null on the 1.2 file's rows, set on the 1.3 file's rows
    assertThat(
            input.rows()
                .where(col(FocusFileReader.VERSION_COLUMN).equalTo("1.2"))
                .where(col(FocusColumns.SERVICE_PROVIDER_NAME).isNotNull())
                .count())
        .isZero();
    assertThat(
            input.rows()
                .where(col(FocusFileReader.VERSION_COLUMN).equalTo("1.3"))
                .where(col(FocusColumns.SERVICE_PROVIDER_NAME).isNotNull())
                .count())
        .isEqualTo(v13.size());
    BigDecimal expectedTotal =
        java.util.stream.Stream.concat(v12.stream(), v13.stream())
            .map(r -> new BigDecimal(r.get(FocusColumns.BILLED_COST)))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(billedTotal(input)).isEqualByComparingTo(expectedTotal);
  }

  @Test
  void aFileWithoutBilledCostFailsNamingTheFileAndTheColumn() {
    Path file = SAMPLES.resolve("invalid/focus-1.1-missing-billedcost.csv");

    assertThatThrownBy(() -> reader.load(spark, SourceSpec.of(SourceKind.FOCUS, file.toString())))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining(file.toString() + ": missing required column '" + FocusColumns.BILLED_COST + "'")
        .hasMessageContaining("(source kind focus)")
        .hasMessageStartingWith(PipelineErrorCode.MISSING_REQUIRED_COLUMN.label())
        .extracting(e -> ((PipelineException) e).errorCode())
        .isEqualTo(PipelineErrorCode.MISSING_REQUIRED_COLUMN);
  }

  @Test
  void theVersionOptionOverridesDetectionButMustNotContradictTheColumns() {
    String sample = SAMPLES.resolve("focus-1.0-sample.csv").toString();
    String v13 = SAMPLES.resolve("focus-1.3-tiny.csv").toString();

    RawInput declared =
        reader.load(spark, new SourceSpec(SourceKind.FOCUS, sample, Map.of(FocusFileReader.VERSION_OPTION, "1.0r2")));

    assertThat(distinct(declared.rows(), FocusFileReader.VERSION_COLUMN)).containsExactly("1.0r2");
    assertThatThrownBy(
            () -> reader.load(spark, new SourceSpec(SourceKind.FOCUS, v13, Map.of(FocusFileReader.VERSION_OPTION, "1.0"))))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining(v13 + ": option focus-version=1.0 but the file has column '")
        .hasMessageContaining("introduced in FOCUS 1.3")
        .extracting(e -> ((PipelineException) e).errorCode())
        .isEqualTo(PipelineErrorCode.INVALID_CONFIG);
    assertThatThrownBy(
            () -> reader.load(spark, new SourceSpec(SourceKind.FOCUS, sample, Map.of(FocusFileReader.VERSION_OPTION, "2.0"))))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("focus-version='2.0' is not a supported FOCUS version; use one of 1.0, 1.0r2, 1.1, 1.2-preview, 1.2, 1.3")
        .extracting(e -> ((PipelineException) e).errorCode())
        .isEqualTo(PipelineErrorCode.INVALID_CONFIG);
  }

  @Test
  void readsParquetScalarsAsStringsKeepsMapsAndCanonicalizesNameCase() {
    Path dir = SparkTestSession.newDirectory("focus-parquet");
    Map<String, String> sql = required("CAST('0.1234567891' AS DECIMAL(20,10))", "2025-05-01", "2025-06-01", "2025-05-07");
    sql.remove(FocusColumns.BILLING_CURRENCY);
    sql.put(FocusColumns.BILLING_CURRENCY.toLowerCase(Locale.ROOT), "'USD'");
    sql.put(FocusColumns.INVOICE_ID, "'INV-1'");
    sql.put(FocusColumns.TAGS, "map('team', 'ml')");
    sql.put("x_Discounts", "map('EDP', CAST(-0.01 AS DOUBLE))");
    oneRow(sql)
        .coalesce(1)
        .write()
        .parquet(dir.resolve("export").toString());

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.FOCUS, dir.toString()));

    assertThat(input.files()).singleElement().asString().endsWith(".parquet");
    assertThat(input.rows().columns())
        .contains(FocusColumns.BILLING_CURRENCY)
        .doesNotContain(FocusColumns.BILLING_CURRENCY.toLowerCase(Locale.ROOT));
    assertThat(input.rows().schema().apply(FocusColumns.BILLED_COST).dataType()).isEqualTo(DataTypes.StringType);
    assertThat(input.rows().schema().apply(FocusColumns.TAGS).dataType()).isInstanceOf(MapType.class);
    Row row =
        input.rows()
            .select(
                input.billedAmount(),
                input.billingPeriodStart(),
                col(FocusFileReader.VERSION_COLUMN),
                col(RawColumns.SOURCE_LINE),
                col(FocusColumns.TAGS).getItem("team"))
            .first();
    assertThat(row.getDecimal(0)).isEqualByComparingTo("0.1234567891");
    assertThat(instant(row.get(1))).isEqualTo(Instant.parse("2025-05-01T00:00:00Z"));
    assertThat(row.getString(2)).isEqualTo("1.2");
    assertThat(row.getLong(3)).isEqualTo(1L);
    assertThat(row.getString(4)).isEqualTo("ml");
  }

  @Test
  void aCsvAndAParquetExportOfOneSourceUnionWithTagsAsJsonText() throws IOException {
    Path dir = SparkTestSession.newDirectory("focus-mixed");
    Files.copy(SAMPLES.resolve("focus-1.3-tiny.csv"), dir.resolve("a.csv"));
    Map<String, String> sql = required("'3.5'", "2026-01-01", "2026-02-01", "2026-01-09");
    sql.put(FocusColumns.CHARGE_DESCRIPTION, "'parquet row'");
    sql.put(FocusColumns.TAGS, "map('team', 'ml')");
    oneRow(sql)
        .coalesce(1)
        .write()
        .parquet(dir.resolve("b").toString());

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.FOCUS, dir.toString()));

    assertThat(input.rows().schema().apply(FocusColumns.TAGS).dataType()).isEqualTo(DataTypes.StringType);
    assertThat(
            input.rows()
                .where(col(FocusColumns.CHARGE_DESCRIPTION).equalTo("parquet row"))
                .select(FocusColumns.TAGS, FocusFileReader.VERSION_COLUMN)
                .collectAsList())
        .singleElement()
        .satisfies(r -> assertThat(r.getString(0)).isEqualTo("{\"team\":\"ml\"}"))
        .satisfies(r -> assertThat(r.getString(1)).isEqualTo("1.0"));
    assertThat(input.rows().count()).isEqualTo(CsvRecords.read(SAMPLES.resolve("focus-1.3-tiny.csv")).size() + 1);
  }

  @Test
  void anEmptyFileIsZeroRowsWithTheFocusColumns() throws IOException {
    Path dir = SparkTestSession.newDirectory("focus-empty");
    Files.writeString(dir.resolve("empty.csv"), "");

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.FOCUS, dir.toString()));

    assertThat(input.files()).hasSize(1);
    assertThat(input.rows().count()).isZero();
    assertThat(input.rows().columns())
        .contains(FocusSchema.costAndUsage().columnIds().toArray(String[]::new))
        .contains(FocusFileReader.VERSION_COLUMN, RawColumns.SOURCE_FILE, RawColumns.CORRUPT_RECORD);
  }

  @Test
  void aMalformedRecordIsKeptWithItsRawText() throws IOException {
    Path dir = SparkTestSession.newDirectory("focus-malformed");
    List<String> lines = Files.readAllLines(SAMPLES.resolve("focus-1.2-tiny.csv"), StandardCharsets.UTF_8);
    Files.write(dir.resolve("bad.csv"), List.of(lines.get(0), lines.get(1), "only,three,fields"), StandardCharsets.UTF_8);

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.FOCUS, dir.toString()));

    assertThat(input.rows().count()).isEqualTo(2);
    // Spark flags a record with the wrong number of fields only when a query reads every column
    assertThat(input.rows().where(col(RawColumns.CORRUPT_RECORD).isNotNull()).collectAsList())
        .singleElement()
        .extracting(r -> (String) r.getAs(RawColumns.CORRUPT_RECORD))
        .isEqualTo("only,three,fields");
  }

  @Test
  void jsonFilesAreNotAFocusFormat() throws IOException {
    Path dir = SparkTestSession.newDirectory("focus-json");
    Path file = Files.writeString(dir.resolve("focus.jsonl"), "{}\n");

    assertThatThrownBy(() -> reader.load(spark, SourceSpec.of(SourceKind.FOCUS, file.toString())))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("focus.jsonl: focus reads CSV(.gz) or Parquet, not JSON")
        .extracting(e -> ((PipelineException) e).errorCode())
        .isEqualTo(PipelineErrorCode.UNSUPPORTED_FILE_FORMAT);
  }

  /** SQL expressions for the required columns of one row, charged on the first hour of {@code chargeDay}. */
  private static Map<String, String> required(String billedCost, String periodStart, String periodEnd, String chargeDay) {
    Map<String, String> sql = new LinkedHashMap<>();
    sql.put(FocusColumns.BILLED_COST, billedCost);
    sql.put(FocusColumns.BILLING_ACCOUNT_ID, "'ba-1'");
    sql.put(FocusColumns.BILLING_CURRENCY, "'USD'");
    sql.put(FocusColumns.BILLING_PERIOD_START, "TIMESTAMP'" + periodStart + " 00:00:00'");
    sql.put(FocusColumns.BILLING_PERIOD_END, "TIMESTAMP'" + periodEnd + " 00:00:00'");
    sql.put(FocusColumns.CHARGE_PERIOD_START, "TIMESTAMP'" + chargeDay + " 00:00:00'");
    sql.put(FocusColumns.CHARGE_PERIOD_END, "TIMESTAMP'" + chargeDay + " 01:00:00'");
    sql.put(FocusColumns.CHARGE_CATEGORY, "'Usage'");
    return sql;
  }

  /** One row with a column per entry: name → Spark SQL expression. */
  private Dataset<Row> oneRow(Map<String, String> sqlByColumn) {
    List<Column> columns = new ArrayList<>();
    sqlByColumn.forEach((name, sql) -> columns.add(expr(sql).as(name)));
    return spark.range(1).select(columns.toArray(Column[]::new));
  }

  private static BigDecimal billedTotal(RawInput input) {
    return input.rows().select(input.billedAmount().as("b")).collectAsList().stream()
        .map(r -> r.getDecimal(0))
        .filter(java.util.Objects::nonNull)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static List<String> distinct(Dataset<Row> rows, String column) {
    return rows.select(column).distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  /** A TIMESTAMP value as collected: Instant with Spark's java8 datetime API, else java.sql.Timestamp. */
  private static Instant instant(Object value) {
    return value instanceof Timestamp timestamp ? timestamp.toInstant() : (Instant) value;
  }
}
