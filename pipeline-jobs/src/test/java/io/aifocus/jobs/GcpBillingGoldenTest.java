package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-built GCP billing export extract (sample-data/gcp-billing/input, README there): golden FOCUS and
 * quarantine rows, credits as Credit rows that reconcile to cost + Σ credits, the Pacific-time invoice month,
 * Vertex AI and Marketplace model charges, a later extract of the month replacing the earlier one, and the
 * same rows from a Parquet extract. Expected totals are computed by hand in the comments.
 */
class GcpBillingGoldenTest {
  static final String FIXTURE = "sample-data/gcp-billing/input/billing-export-2026-11.jsonl";
  private static final Instant NOV_START = Instant.parse("2026-11-01T07:00:00Z"); // 1 Nov 00:00 PDT
  private static final Instant NOV_END = Instant.parse("2026-12-01T08:00:00Z"); // 1 Dec 00:00 PST
  private static ProviderUsageGoldenTest.Run run;

  @BeforeAll
  static void runFixture() {
    run = run("gcp-billing", SparkTestSession.projectRoot().resolve(FIXTURE).toString());
  }

  static ProviderUsageGoldenTest.Run run(String name, String path) {
    SparkSession spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory(name);
    return run(new Warehouse(spark, dir.toString()), path);
  }

  private static ProviderUsageGoldenTest.Run run(Warehouse warehouse, String path) {
    JobConfig job = new JobConfig(warehouse.root(), List.of(SourceSpec.of(SourceKind.GCP_BILLING, path)),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS);
    return new ProviderUsageGoldenTest.Run(warehouse,
        new PipelineRunner(SparkTestSession.get(), warehouse, AwsCurGoldenTest.quietProgress()).run(job));
  }

  @Test
  void creditsBecomeCreditRowsAndTheNetCostReconcilesExactly() {
    assertThat(run.result().reconciled()).isTrue();
    // accepted: lines 1 (cost + 2 credits), 2 (cost + 1 credit), 3, 4, 5, 7, 8, 9, 10 (cost + 1 credit) = 13 rows
    assertThat(run.result().rowsOut()).isEqualTo(13);
    // quarantined: line 11 (cost + its credit), 12, 13, 14
    assertThat(run.result().rowsQuarantined()).isEqualTo(5);
    SourceRun november = run.result().sources().stream()
        .filter(s -> s.billingPeriodStart() != null).findFirst().orElseThrow();
    assertThat(november.billingPeriodStart().toInstant()).isEqualTo(NOV_START);
    // 12.345678 − 1.234567 − 3.5 + 4.2 − 4.2 + 7.5 + 3.0 + 0.987654321 + 2.5 − 0.75 + 0.000001 + 1.111111 − 0.111111
    assertThat(november.outputTotal()).isEqualByComparingTo("21.848766321");
    // line 11's credit −0.5 (its cost is unparsable) + line 13's 0.42
    assertThat(november.quarantinedTotal()).isEqualByComparingTo("-0.08");
    assertThat(november.inputTotal()).isEqualByComparingTo("21.768766321");

    Dataset<Row> focus = run.focus();
    Row totals = focus.agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo("21.848766321");
    assertThat(totals.getDecimal(1)).isEqualByComparingTo("21.848766321");
    Map<String, BigDecimal> byCategory = sums(focus, FocusColumns.CHARGE_CATEGORY);
    assertThat(byCategory).containsExactlyInAnyOrderEntriesOf(Map.of(
        "Usage", new BigDecimal("29.144443321"), // 12.345678 + 4.2 + 7.5 + 3.0 + 0.987654321 + 1.111111
        "Credit", new BigDecimal("-9.045678"), // −1.234567 − 3.5 − 4.2 − 0.111111
        "Tax", new BigDecimal("2.5"),
        "Adjustment", new BigDecimal("-0.749999"))); // −0.75 + 0.000001 (rounding error)
    // net per team: credits carry the labels of their charge; owner=data-eng is a project label
    assertThat(sums(focus, ExtensionColumns.TEAM)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "research", new BigDecimal("7.861111"), // 12.345678 − 1.234567 − 3.5 − 0.75 + 1.111111 − 0.111111
        "search", new BigDecimal("7.5"), // 4.2 − 4.2 + 7.5
        "platform", new BigDecimal("3"), // Claude row: no resource label, project label team=platform
        "data-eng", new BigDecimal("0.987654321"),
        "unattributed", new BigDecimal("2.500001")));
    assertThat(sums(focus, ExtensionColumns.MODEL)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "gemini-2.5-flash", new BigDecimal("7.5"), "claude-sonnet-4.5", new BigDecimal("3"),
        "none", new BigDecimal("11.348766321")));
    assertThat(focus.select(FocusColumns.BILLING_PERIOD_START, FocusColumns.BILLING_PERIOD_END, FocusColumns.BILLING_CURRENCY)
        .distinct().collectAsList())
        .extracting(r -> r.get(0) + " " + r.get(1) + " " + r.get(2))
        .containsExactly(NOV_START + " " + NOV_END + " EUR");
    // the late row used on 1 Dec UTC (30 Nov Pacific) is in the November invoice
    assertThat(focus.where(col(FocusColumns.CHARGE_PERIOD_START).equalTo(lit(java.sql.Timestamp.from(
        Instant.parse("2026-12-01T03:00:00Z"))))).count()).isEqualTo(2);
  }

  @Test
  void badRowsAreQuarantinedWithTheirLines() {
    Map<String, String> byLine = new TreeMap<>();
    for (Row r : run.quarantine().select(QuarantineTable.SOURCE_LINE, QuarantineTable.ERROR_CODE,
        QuarantineTable.ERROR_MESSAGE).collectAsList()) {
      byLine.merge(r.getLong(0) + "", r.getString(1) + ": " + r.getString(2), (a, b) -> a.compareTo(b) < 0 ? a + " | " + b : b + " | " + a);
    }
    assertThat(byLine).containsExactly(
        Map.entry("11", "AIF-2001 UNPARSABLE_NUMBER: cost: not a number: 'n/a' | AIF-2001 UNPARSABLE_NUMBER: cost: not a number: 'n/a'"),
        // a truncated line has no fields: the malformed record first, then every missing required value
        Map.entry("12", "AIF-1005 MALFORMED_RECORD: line is not a JSON object of a billing export row; "
            + "billing_account_id: required value is missing; service_description: required value is missing; "
            + "usage_start_time: required value is missing; usage_end_time: required value is missing; "
            + "currency: required value is missing; invoice_month: required value is missing; "
            + "cost_type: required value is missing; cost: required value is missing"),
        Map.entry("13", "AIF-2005 INVALID_VALUE: cost_type: unknown value 'surcharge' (known: adjustment, regular, rounding_error, tax)"),
        Map.entry("14", "AIF-2005 INVALID_VALUE: invoice.month: not a month YYYYMM: '2026-11'"));
  }

  @Test
  void matchesGoldenRows() throws IOException {
    GoldenFiles.assertMatches("sample-data/gcp-billing/expected/focus.jsonl", GoldenFiles.lines(run.focus(),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE)));
    GoldenFiles.assertMatches("sample-data/gcp-billing/expected/quarantine.jsonl", GoldenFiles.lines(run.quarantine(),
        Set.of(QuarantineTable.RUN_ID, QuarantineTable.QUARANTINED_AT), Set.of(QuarantineTable.SOURCE_FILE)));
  }

  @Test
  void aLaterExtractOfTheMonthReplacesTheEarlierOne() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("gcp-billing-restated");
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    Path first = dir.resolve("extract-1/billing.jsonl");
    Path second = dir.resolve("extract-2/billing.jsonl");
    Files.createDirectories(first.getParent());
    Files.createDirectories(second.getParent());
    List<String> lines = Files.readAllLines(SparkTestSession.projectRoot().resolve(FIXTURE), StandardCharsets.UTF_8);
    Files.write(first, lines, StandardCharsets.UTF_8);
    // the re-extract of the month holds every earlier row plus one appended later (newer export_time)
    List<String> later = new ArrayList<>(lines);
    later.add(lines.get(2).replace("\"cost\":7.5", "\"cost\":0.25")
        .replace("\"export_time\":\"2026-11-04 02:10:33.452 UTC\"", "\"export_time\":\"2026-12-03 04:00:00 UTC\""));
    Files.write(second, later, StandardCharsets.UTF_8);

    run(warehouse, first.toString());
    run(warehouse, first.toString()); // the same extract again: same rows
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME).count()).isEqualTo(13);
    run(warehouse, second.toString());
    Dataset<Row> focus = warehouse.read(CostAndUsageTable.TABLE_NAME);
    assertThat(focus.count()).isEqualTo(14);
    assertThat(focus.agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0))
        .isEqualByComparingTo("22.098766321"); // 21.848766321 + 0.25
    assertThat(focus.select(ExtensionColumns.SOURCE_FILE).distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly(second.toString());
  }

  @Test
  void aParquetExtractGivesTheSameRows() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("gcp-billing-parquet");
    // BigQuery's Parquet extract: FLOAT64 as double, TIMESTAMP as timestamp, repeated records as lists
    StructType nested = new StructType()
        .add("billing_account_id", DataTypes.StringType)
        .add("service", "struct<id:string,description:string>")
        .add("sku", "struct<id:string,description:string>")
        .add("usage_start_time", DataTypes.TimestampType)
        .add("usage_end_time", DataTypes.TimestampType)
        .add("project", "struct<id:string,number:string,name:string,labels:array<struct<key:string,value:string>>>")
        .add("labels", "array<struct<key:string,value:string>>")
        .add("location", "struct<location:string,country:string,region:string,zone:string>")
        .add("resource", "struct<name:string,global_name:string>")
        .add("cost", DataTypes.DoubleType)
        .add("cost_at_list", DataTypes.DoubleType)
        .add("currency", DataTypes.StringType)
        .add("currency_conversion_rate", DataTypes.DoubleType)
        .add("usage", "struct<amount:double,unit:string,amount_in_pricing_units:double,pricing_unit:string>")
        .add("credits", "array<struct<name:string,amount:double,full_name:string,id:string,type:string>>")
        .add("invoice", "struct<month:string>")
        .add("cost_type", DataTypes.StringType)
        .add("export_time", DataTypes.TimestampType)
        .add("transaction_type", DataTypes.StringType)
        .add("seller_name", DataTypes.StringType);
    // the good lines only (Parquet has no malformed lines); timestamps in the extract's "… UTC" form
    Dataset<Row> good = spark.read().schema(nested).option("timestampFormat", "yyyy-MM-dd HH:mm:ss[.SSS] 'UTC'")
        .option("mode", "DROPMALFORMED").json(SparkTestSession.projectRoot().resolve(FIXTURE).toString())
        .where(col("cost").isNotNull().and(col("cost_type").notEqual(lit("surcharge")))
            .and(col("invoice.month").equalTo(lit("202611"))));
    String parquet = dir.resolve("extract/billing-000000000000.parquet").toString();
    good.coalesce(1).write().parquet(parquet);

    ProviderUsageGoldenTest.Run fromParquet = run("gcp-billing-parquet-run", parquet);
    assertThat(fromParquet.result().reconciled()).isTrue();
    assertThat(fromParquet.result().rowsQuarantined()).isZero();
    Set<String> volatileColumns = Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT, ExtensionColumns.SOURCE_FILE);
    assertThat(GoldenFiles.lines(fromParquet.focus(), volatileColumns, Set.of()))
        .isEqualTo(GoldenFiles.lines(run.focus(), volatileColumns, Set.of()));
  }

  private static Map<String, BigDecimal> sums(Dataset<Row> focus, String column) {
    Map<String, BigDecimal> out = new TreeMap<>();
    for (Row r : focus.groupBy(column).agg(sum(col(FocusColumns.BILLED_COST))).collectAsList()) {
      out.put(r.getString(0), r.getDecimal(1).stripTrailingZeros());
    }
    return out;
  }
}
