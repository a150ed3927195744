package io.aifocus.jobs;

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
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * The same EA cost details rows as CSV (text, US dates) and as Parquet (dates as {@code date}, quantities, prices and
 * costs as {@code double}, the rest strings): the FOCUS rows are identical but for the source file.
 */
class AzureCostParquetTest {
  /** Column → Parquet type; the CSV has the same header. */
  private static final Map<String, DataType> COLUMNS = columns();
  private static final DateTimeFormatter US = DateTimeFormatter.ofPattern("MM/dd/yyyy");

  private static Map<String, DataType> columns() {
    Map<String, DataType> c = new LinkedHashMap<>();
    for (String s : List.of("BillingAccountId", "BillingAccountName")) {
      c.put(s, DataTypes.StringType);
    }
    for (String s : List.of("BillingPeriodStartDate", "BillingPeriodEndDate", "Date")) {
      c.put(s, DataTypes.DateType);
    }
    for (String s : List.of("SubscriptionId", "SubscriptionName", "ResourceGroup", "ResourceId", "ResourceLocation",
        "ConsumedService", "MeterId", "MeterName", "MeterCategory", "MeterSubCategory", "ProductName",
        "UnitOfMeasure", "ChargeType", "PricingModel", "Frequency", "BillingCurrency", "Tags", "BenefitId",
        "BenefitName")) {
      c.put(s, DataTypes.StringType);
    }
    for (String s : List.of("Quantity", "EffectivePrice", "UnitPrice", "PayGPrice", "CostInBillingCurrency")) {
      c.put(s, DataTypes.DoubleType);
    }
    return c;
  }

  private static List<Map<String, Object>> rows() {
    String sub = "11111111-2222-3333-4444-555555555555";
    String rg = "/subscriptions/" + sub + "/resourceGroups/rg-ml/providers/";
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(row(LocalDate.of(2024, 1, 5), rg + "Microsoft.Compute/virtualMachines/gpu-node-1", "Microsoft.Compute",
        "NC24ads A100 v4", "Virtual Machines", "100 Hours", "0.24", "367.3", "88.152", "OnDemand", "Usage",
        "{\"team\":\"ml-research\",\"env\":\"prod\"}"));
    rows.add(row(LocalDate.of(2024, 1, 13), rg + "Microsoft.Storage/storageAccounts/mldata", "Microsoft.Storage",
        "Hot Read Operations", "Storage", "10K", "12.5", "0.0044", "0.055", "OnDemand", "Usage", null));
    rows.add(row(LocalDate.of(2024, 1, 20), rg + "Microsoft.CognitiveServices/accounts/aoai", "Microsoft.CognitiveServices",
        "gpt-4o-mini input tokens", "Foundry Models", "1K", "5120", "0.00015", "7.68E-4", "OnDemand", "Usage",
        "{\"team\":\"search\"}"));
    Map<String, Object> covered = row(LocalDate.of(2024, 1, 31), rg + "Microsoft.Compute/virtualMachines/app-1",
        "Microsoft.Compute", "D4s v5", "Virtual Machines", "1 Hour", "24", "0.12", "2.88", "Reservation", "Usage",
        "{\"team\":\"platform\"}");
    covered.put("BenefitId", "/providers/Microsoft.Capacity/reservationOrders/aaaa/reservations/bbbb");
    covered.put("BenefitName", "RI_D4sv5");
    covered.put("PayGPrice", "0.192");
    rows.add(covered);
    return rows;
  }

  private static Map<String, Object> row(LocalDate day, String resourceId, String consumedService, String meter,
      String category, String unit, String quantity, String price, String cost, String pricingModel, String chargeType,
      String tags) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("BillingAccountId", "8611537");
    r.put("BillingAccountName", "Contoso");
    r.put("BillingPeriodStartDate", LocalDate.of(2024, 1, 1));
    r.put("BillingPeriodEndDate", LocalDate.of(2024, 1, 31));
    r.put("Date", day);
    r.put("SubscriptionId", "11111111-2222-3333-4444-555555555555");
    r.put("SubscriptionName", "ml-prod");
    r.put("ResourceGroup", "rg-ml");
    r.put("ResourceId", resourceId);
    r.put("ResourceLocation", "westeurope");
    r.put("ConsumedService", consumedService);
    r.put("MeterId", "m-" + meter.hashCode());
    r.put("MeterName", meter);
    r.put("MeterCategory", category);
    r.put("ProductName", category + " - " + meter);
    r.put("UnitOfMeasure", unit);
    r.put("ChargeType", chargeType);
    r.put("PricingModel", pricingModel);
    r.put("Frequency", "UsageBased");
    r.put("BillingCurrency", "EUR");
    r.put("Tags", tags);
    r.put("Quantity", quantity);
    r.put("EffectivePrice", price);
    r.put("UnitPrice", price);
    r.put("PayGPrice", price);
    r.put("CostInBillingCurrency", cost);
    return r;
  }

  @Test
  void parquetExportGivesTheSameFocusRowsAsTheCsvExport() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path csvDir = Files.createDirectories(SparkTestSession.newDirectory("azure-parquet-csv").resolve("in"));
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", COLUMNS.keySet()));
    for (Map<String, Object> r : rows()) {
      List<String> cells = new ArrayList<>();
      for (String column : COLUMNS.keySet()) {
        Object v = r.get(column);
        String text = v == null ? "" : v instanceof LocalDate d ? d.format(US) : v.toString();
        cells.add(text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
      }
      lines.add(String.join(",", cells));
    }
    Files.writeString(csvDir.resolve("ea-actual-2024-01.csv"), String.join("\n", lines) + "\n");

    Path parquetDir = SparkTestSession.newDirectory("azure-parquet-parquet");
    List<StructField> fields = new ArrayList<>();
    COLUMNS.forEach((name, type) -> fields.add(DataTypes.createStructField(name, type, true)));
    List<Row> data = new ArrayList<>();
    for (Map<String, Object> r : rows()) {
      List<Object> cells = new ArrayList<>();
      COLUMNS.forEach((name, type) -> {
        Object v = r.get(name);
        cells.add(v == null ? null
            : type.equals(DataTypes.DateType) ? Date.valueOf((LocalDate) v)
            : type.equals(DataTypes.DoubleType) ? Double.parseDouble((String) v) : v);
      });
      data.add(RowFactory.create(cells.toArray()));
    }
    Path sparkOut = parquetDir.resolve("spark-output");
    spark.createDataFrame(data, DataTypes.createStructType(fields)).coalesce(1).write().parquet(sparkOut.toString());
    Path part;
    try (var files = Files.list(sparkOut)) {
      part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Path written = Files.createDirectories(parquetDir.resolve("in")).resolve("ea-actual-2024-01.snappy.parquet");
    Files.move(part, written);

    List<String> fromCsv = focusLines(spark, "azure-parquet-csv-run", csvDir);
    List<String> fromParquet = focusLines(spark, "azure-parquet-parquet-run", written);
    assertThat(fromCsv).hasSize(4);
    assertThat(fromParquet).containsExactlyElementsOf(fromCsv);
    // not vacuous: the rows carry the values of both paths' traps (dates, scientific notation, units, commitments)
    assertThat(fromCsv).anySatisfy(l -> assertThat(l).contains("\"ChargePeriodStart\":\"2024-01-31T00:00:00Z\"")
        .contains("\"CommitmentDiscountStatus\":\"Used\""));
    assertThat(fromCsv).anySatisfy(l -> assertThat(l).contains("\"ChargePeriodStart\":\"2024-01-20T00:00:00Z\"")
        .contains("\"ResourceType\":\"Microsoft.CognitiveServices/accounts\""));
  }

  private static List<String> focusLines(SparkSession spark, String name, Path input) {
    Path warehouseDir = SparkTestSession.newDirectory(name);
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(
        new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AZURE_COST, input.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
    assertThat(result.rowsQuarantined()).isZero();
    assertThat(result.sources()).singleElement().satisfies(run -> {
      assertThat(run.reconciled()).isTrue();
      // 88.152 + 0.055 + 0.000768 + 0 (reservation-covered usage is billed through the purchase)
      assertThat(run.inputTotal()).isEqualByComparingTo(new BigDecimal("88.207768"));
    });
    return GoldenFiles.lines(warehouse.read(CostAndUsageTable.TABLE_NAME),
        Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT, ExtensionColumns.SOURCE_FILE), Set.of());
  }
}
