package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineException;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceExtras;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Schema drift: columns outside a source's known schema land in x_SourceExtras as exact JSON (or are dropped with
 * {@code source-extras: ignore}), are named per file in pipeline_runs.message, and a bad option value fails the run.
 * Fixtures: {@code sample-data/<kind>/drift/} and the AWS FOCUS 1.2 export of sample-data/focus/providers/.
 */
class SourceExtrasTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Path path(String relative) {
    return SparkTestSession.projectRoot().resolve(relative);
  }

  private AzureCostGoldenTest.Run run(String name, SourceSpec spec) {
    Path warehouseDir = SparkTestSession.newDirectory(name);
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    JobConfig job = new JobConfig(warehouseDir.toString(), List.of(spec), NormalizeContext.DEFAULT_TEAM_TAG_KEYS);
    return new AzureCostGoldenTest.Run(
        new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(job), warehouse);
  }

  /** x_SourceExtras of every written row, ordered by {@code orderBy}; null stays null. */
  private static List<String> extras(AzureCostGoldenTest.Run run, String... orderBy) {
    List<String> out = new ArrayList<>();
    for (Row r : run.warehouse().read(CostAndUsageTable.TABLE_NAME).orderBy(orderBy[0], tail(orderBy))
        .select(ExtensionColumns.SOURCE_EXTRAS).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private static String[] tail(String[] names) {
    String[] out = new String[names.length - 1];
    System.arraycopy(names, 1, out, 0, out.length);
    return out;
  }

  private static String message(AzureCostGoldenTest.Run run) {
    List<Row> rows = run.warehouse().read(PipelineRunsTable.TABLE_NAME).select(PipelineRunsTable.MESSAGE).distinct()
        .collectAsList();
    assertThat(rows).hasSize(1);
    return rows.get(0).getString(0);
  }

  private static final String CUR = "sample-data/aws-cur/drift/cur-legacy-drift-2026-11.csv";

  @Test
  void legacyCurCsvKeepsItsTwoUnknownColumnsAsSortedJson() {
    AzureCostGoldenTest.Run run = run("extras-cur", SourceSpec.of(SourceKind.AWS_CUR, path(CUR).toString()));

    assertThat(run.result().rowsOut()).isEqualTo(3);
    assertThat(run.result().reconciled()).isTrue();
    // keys sorted, CSV cells as JSON strings (the quotes of row 2 escaped), the all-empty Tax row null; the known but
    // unread lineItem/BlendedCost, the product/* attributes and the resourceTags/user:team tag are not extras
    assertThat(extras(run, ExtensionColumns.SOURCE_RECORD_ID)).containsExactly(
        "{\"capacityReservation/CapacityReservationArn\":\"arn:aws:ec2:us-east-1:444455556666:capacity-reservation/cr-0abc123\","
            + "\"lineItem/IamPrincipal\":\"arn:aws:iam::444455556666:role/trainer\"}",
        "{\"lineItem/IamPrincipal\":\"arn:aws:iam::444455556666:user/ana \\\"the admin\\\"\"}",
        null);
    assertThat(run.warehouse().read(CostAndUsageTable.TABLE_NAME).orderBy(ExtensionColumns.SOURCE_RECORD_ID)
        .select(ExtensionColumns.TEAM).collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("research", "platform", "unattributed");
    String file = run.result().sources().get(0).files().get(0);
    assertThat(message(run)).isEqualTo("2 unknown column(s) kept in x_SourceExtras: "
        + "capacityReservation/CapacityReservationArn, lineItem/IamPrincipal (" + file + ")");
  }

  @Test
  void ignoreDropsTheUnknownColumnsButStillNamesThem() {
    AzureCostGoldenTest.Run run = run("extras-cur-ignore",
        new SourceSpec(SourceKind.AWS_CUR, path(CUR).toString(), Map.of(SourceExtras.OPTION, "ignore")));

    assertThat(run.result().rowsOut()).isEqualTo(3);
    assertThat(extras(run, ExtensionColumns.SOURCE_RECORD_ID)).containsExactly(null, null, null);
    String file = run.result().sources().get(0).files().get(0);
    assertThat(message(run)).isEqualTo("2 unknown column(s) ignored (source-extras: ignore): "
        + "capacityReservation/CapacityReservationArn, lineItem/IamPrincipal (" + file + ")");
  }

  @Test
  void awsFocusExportKeepsItsUnmappedProviderColumns() {
    AzureCostGoldenTest.Run run = run("extras-aws-focus",
        SourceSpec.of(SourceKind.AWS_FOCUS, path(FocusAliasesTest.DIR + "aws-focus-1.2-00001.csv.gz").toString()));

    // x_Operation, x_ServiceCode and x_UsageType are mapped to aifocus' own columns; the maps AWS writes as JSON text
    // are kept as the text they are
    assertThat(extras(run, FocusColumns.BILLED_COST)).containsExactly(
        "{\"x_CostCategories\":\"{}\",\"x_Discounts\":\"{}\"}",
        "{\"x_CostCategories\":\"{}\",\"x_Discounts\":\"{}\"}",
        "{\"x_CostCategories\":\"{\\\"department\\\":\\\"research\\\"}\",\"x_Discounts\":\"{}\"}");
    assertThat(run.result().sources().get(0).note()).startsWith("2 unknown column(s) kept in x_SourceExtras: "
        + "x_CostCategories, x_Discounts (");
  }

  @Test
  void parquetFocusExportKeepsTypedValuesAsJsonValues() {
    Dataset<Row> csv = spark.read().option("header", "true")
        .csv(path("sample-data/focus/focus-1.2-tiny.csv").toString());
    Dataset<Row> typed = csv
        .withColumn("x_BilledCostInUsd", col(FocusColumns.BILLED_COST).cast(DataTypes.createDecimalType(20, 4)))
        .withColumn("x_Flags", org.apache.spark.sql.functions.map(lit("reviewed"), lit(true)))
        .withColumn("x_Empty", lit(null).cast(DataTypes.StringType));
    Path dir = SparkTestSession.newDirectory("extras-parquet-input");
    typed.coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.resolve("export").toString());

    AzureCostGoldenTest.Run run = run("extras-parquet", SourceSpec.of(SourceKind.FOCUS, dir.resolve("export").toString()));

    List<String> expected = new ArrayList<>();
    for (Row r : csv.orderBy(col(FocusColumns.BILLED_COST).cast(DataTypes.createDecimalType(38, 12)),
        col(FocusColumns.CHARGE_PERIOD_START)).select(FocusColumns.BILLED_COST).collectAsList()) {
      expected.add("{\"x_BilledCostInUsd\":" + new java.math.BigDecimal(r.getString(0)).setScale(4).toPlainString()
          + ",\"x_Flags\":{\"reviewed\":true}}");
    }
    assertThat(extras(run, FocusColumns.BILLED_COST, FocusColumns.CHARGE_PERIOD_START)).containsExactlyElementsOf(expected);
  }

  @Test
  void gcpJsonKeepsUnknownTopLevelFieldsOnTheChargeAndItsCredits() {
    AzureCostGoldenTest.Run run = run("extras-gcp", SourceSpec.of(SourceKind.GCP_BILLING,
        path("sample-data/gcp-billing/drift/billing-export-drift-2026-11.jsonl").toString()));

    // line 1: a charge with two credits, line 2: a charge with one credit
    assertThat(run.result().rowsOut()).isEqualTo(5);
    List<Row> rows = run.warehouse().read(CostAndUsageTable.TABLE_NAME)
        .orderBy(FocusColumns.CHARGE_PERIOD_START, FocusColumns.BILLED_COST)
        .select(FocusColumns.CHARGE_PERIOD_START, FocusColumns.BILLED_COST, ExtensionColumns.SOURCE_EXTRAS)
        .collectAsList();
    String line1 = "{\"carbon_footprint\":{\"kg_co2e\":0.42,\"scope\":\"location-based\"},\"reseller_note\":\"EMEA\"}";
    assertThat(rows).extracting(r -> r.getString(2)).containsExactly(line1, line1, line1, null, null);
    String file = run.result().sources().get(0).files().get(0);
    assertThat(message(run)).isEqualTo(
        "2 unknown column(s) kept in x_SourceExtras: carbon_footprint, reseller_note (" + file + ")");
  }

  @Test
  void azureCostKeepsItsOneUnknownColumn() {
    AzureCostGoldenTest.Run run = run("extras-azure", SourceSpec.of(SourceKind.AZURE_COST,
        path("sample-data/azure/drift/mca-amortized-drift-2024-01.csv").toString()));

    assertThat(run.result().rowsOut()).isEqualTo(2);
    assertThat(extras(run, FocusColumns.CHARGE_PERIOD_START))
        .containsExactly("{\"carbonEmissionsKgCO2e\":\"12.5\"}", null);
    assertThat(run.result().sources().get(0).note())
        .isEqualTo("1 unknown column(s) kept in x_SourceExtras: carbonEmissionsKgCO2e ("
            + run.result().sources().get(0).files().get(0) + ")");
  }

  @Test
  void aWrongOptionValueFailsNamingTheSourceAndTheAllowedValues() {
    SourceSpec spec = new SourceSpec(SourceKind.AWS_CUR, path(CUR).toString(), Map.of(SourceExtras.OPTION, "drop"));
    assertThatThrownBy(() -> run("extras-bad", spec))
        .isInstanceOf(PipelineException.class)
        .hasMessage("AIF-9001 INVALID_CONFIG: source aws-cur (" + spec.path()
            + "): option source-extras='drop' is not allowed; use keep or ignore");

    SourceSpec gateway = new SourceSpec(SourceKind.GATEWAY_LOG, "/x", Map.of(SourceExtras.OPTION, "keep"));
    assertThatThrownBy(() -> SourceExtras.mode(gateway))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("source gateway-log (/x): option source-extras applies to the source kinds aws-cur, "
            + "focus, azure-focus, aws-focus, gcp-focus, azure-cost, gcp-billing only");
  }

  @Test
  void commandLineSourcesTakeOptionsInBrackets() {
    SourceSpec plain = JobConfig.parseSource("aws-cur=./cur/2026-11/");
    assertThat(plain.path()).isEqualTo("./cur/2026-11/");
    assertThat(plain.options()).isEmpty();

    SourceSpec withOptions = JobConfig.parseSource("azure-cost[source-extras=ignore, dataset=actual]=/data/a=b.csv");
    assertThat(withOptions.kind()).isEqualTo(SourceKind.AZURE_COST);
    assertThat(withOptions.path()).isEqualTo("/data/a=b.csv");
    assertThat(withOptions.options()).isEqualTo(Map.of("source-extras", "ignore", "dataset", "actual"));

    assertThatThrownBy(() -> JobConfig.parseSource("aws-cur[source-extras]=/x"))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("option 'source-extras' is not KEY=VALUE");
  }
}
