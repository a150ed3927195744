package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The provider aliases of the focus kind on hand-built AWS and Azure FOCUS 1.2 exports (sample-data/focus/providers). */
class FocusAliasesTest {
  static final String DIR = "sample-data/focus/providers/";
  private final SparkSession spark = SparkTestSession.get();

  private AzureCostGoldenTest.Run run(String name, SourceSpec spec) {
    Path warehouseDir = SparkTestSession.newDirectory(name);
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    JobConfig job = new JobConfig(warehouseDir.toString(), List.of(spec), NormalizeContext.DEFAULT_TEAM_TAG_KEYS);
    return new AzureCostGoldenTest.Run(
        new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(job), warehouse);
  }

  @Test
  void awsFocus12GzipCsvExportKeepsAwsColumnsAndReconciles() throws IOException {
    Path file = SparkTestSession.projectRoot().resolve(DIR + "aws-focus-1.2-00001.csv.gz");
    AzureCostGoldenTest.Run run = run("alias-aws", SourceSpec.of(SourceKind.AWS_FOCUS, file.toString()));

    assertThat(run.result().rowsOut()).isEqualTo(3);
    assertThat(run.result().rowsQuarantined()).isZero();
    assertThat(run.result().sources()).singleElement().satisfies(s -> {
      assertThat(s.sourceKind()).isEqualTo("aws-focus");
      assertThat(s.reconciled()).isTrue();
      assertThat(s.inputTotal()).isEqualByComparingTo("0.89"); // 0.75 + 0 + 0.14
    });
    List<Row> rows = run.warehouse().read(CostAndUsageTable.TABLE_NAME).orderBy(col(FocusColumns.BILLED_COST)).collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs(ExtensionColumns.SOURCE_KIND)).containsOnly("aws-focus");
    assertThat(rows).extracting(r -> r.<String>getAs(ExtensionColumns.SERVICE_CODE))
        .containsExactly("AmazonEC2", "AmazonBedrock", "AmazonBedrock");
    assertThat(rows).extracting(r -> r.<String>getAs(ExtensionColumns.TEAM))
        .containsExactly("platform", "unattributed", "ml-research");
    assertThat(rows).extracting(r -> r.<String>getAs(FocusColumns.HOST_PROVIDER_NAME)).containsOnly("AWS");
    GoldenFiles.assertMatches(DIR + "expected-aws-focus-1.2.jsonl", run.golden());
  }

  @Test
  void azureFocus12ExportIsUpgradedWithItsPricingCurrency() throws IOException {
    Path file = SparkTestSession.projectRoot().resolve(DIR + "azure-focuscost-1.2.csv");
    AzureCostGoldenTest.Run run = run("alias-azure",
        new SourceSpec(SourceKind.AZURE_FOCUS, file.toString(), Map.of("focus-version", "1.2")));

    assertThat(run.result().rowsOut()).isEqualTo(3);
    assertThat(run.result().rowsQuarantined()).isZero();
    assertThat(run.result().sources()).singleElement().satisfies(s -> {
      assertThat(s.sourceKind()).isEqualTo("azure-focus");
      assertThat(s.reconciled()).isTrue();
      assertThat(s.inputTotal()).isEqualByComparingTo("94.5");
    });
    Row totals = run.totals();
    assertThat(totals.getDecimal(1)).isEqualByComparingTo("4.824"); // 4.5 + 0 (purchase) + 0.324 (unused)
    List<Row> rows = run.warehouse().read(CostAndUsageTable.TABLE_NAME).collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs(FocusColumns.PRICING_CURRENCY)).containsOnly("USD");
    assertThat(rows).extracting(r -> r.<String>getAs(FocusColumns.INVOICE_ID)).containsOnly("G098765432");
    // billed in EUR, priced in USD: no PricingCurrency amounts can be derived from the billing-currency ones
    assertThat(rows).allSatisfy(r -> assertThat((Object) r.getAs(FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST)).isNull());
    GoldenFiles.assertMatches(DIR + "expected-azure-focuscost-1.2.jsonl", run.golden());
  }

  @Test
  void gcpAliasFillsTheProviderNameARowLacks() throws IOException {
    Path file = SparkTestSession.newDirectory("alias-gcp-in").resolve("gcp-focus.csv");
    Files.writeString(file, "BilledCost,BillingAccountId,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,"
        + "ChargePeriodEnd,ChargePeriodStart,ProviderName,ServiceCategory,ServiceName\n"
        + "1.5,0A1B2C-3D4E5F-6A7B8C,USD,2025-04-01T00:00:00Z,2025-03-01T00:00:00Z,Usage,2025-03-02T00:00:00Z,"
        + "2025-03-01T00:00:00Z,,AI and Machine Learning,Vertex AI\n");
    AzureCostGoldenTest.Run gcp = run("alias-gcp", SourceSpec.of(SourceKind.GCP_FOCUS, file.toString()));
    AzureCostGoldenTest.Run generic = run("alias-generic", SourceSpec.of(SourceKind.FOCUS, file.toString()));

    Row row = gcp.warehouse().read(CostAndUsageTable.TABLE_NAME).first();
    for (String provider : List.of(FocusColumns.PROVIDER_NAME, FocusColumns.SERVICE_PROVIDER_NAME,
        FocusColumns.HOST_PROVIDER_NAME)) {
      assertThat(row.<String>getAs(provider)).as(provider).isEqualTo("Google Cloud");
    }
    assertThat(row.<String>getAs(ExtensionColumns.SOURCE_KIND)).isEqualTo("gcp-focus");
    assertThat(row.<BigDecimal>getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("1.5");
    Row plain = generic.warehouse().read(CostAndUsageTable.TABLE_NAME).first();
    assertThat((Object) plain.getAs(FocusColumns.PROVIDER_NAME)).isNull(); // the generic kind guesses nothing
    assertThat(List.of(gcp.result().sources().get(0).reconciled(), generic.result().sources().get(0).reconciled()))
        .containsOnly(true);
  }
}
