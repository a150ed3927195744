package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.CsvRecords;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineException;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import io.aifocus.jobs.validate.Applicability;
import io.aifocus.jobs.validate.ConformanceEngine;
import io.aifocus.jobs.validate.ModelFixes;
import io.aifocus.jobs.validate.RequirementsModel;
import io.aifocus.jobs.validate.ConformanceEngine.RuleResult;
import io.aifocus.jobs.validate.ConformanceEngine.Status;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The azure-cost source end to end: the FinOps toolkit EA actual + amortized samples combined with Microsoft's recipe,
 * the focus_converters EA sample, a hand-built MCA amortized file with the traps, and the file-level errors.
 */
class AzureCostGoldenTest {
  static final String DIR = "sample-data/azure/";
  static final String TOOLKIT = DIR + "input/finops-toolkit";
  static final String ACTUAL = TOOLKIT + "/EA_ActualCost_Small.csv";
  static final String AMORTIZED = TOOLKIT + "/EA_AmortizedCost_Small.csv";
  static final String CONVERTERS = DIR + "input/focus-converters/sample-anonymous-ea-export-dataset.csv";
  static final String MCA = DIR + "input/fixtures/mca-amortized-2024-01.csv";

  private final SparkSession spark = SparkTestSession.get();

  private Run run(String name, SourceSpec spec) {
    Path warehouseDir = SparkTestSession.newDirectory(name);
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    JobConfig job = new JobConfig(warehouseDir.toString(), List.of(spec), NormalizeContext.DEFAULT_TEAM_TAG_KEYS);
    return new Run(new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(job), warehouse);
  }

  record Run(PipelineRunner.Result result, Warehouse warehouse) {
    Row totals() {
      return warehouse.read(CostAndUsageTable.TABLE_NAME)
          .agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST))).first();
    }

    List<String> golden() {
      return GoldenFiles.lines(warehouse.read(CostAndUsageTable.TABLE_NAME),
          Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), Set.of(ExtensionColumns.SOURCE_FILE));
    }
  }

  private static Path path(String relative) {
    return SparkTestSession.projectRoot().resolve(relative);
  }

  private static boolean commitment(Map<String, String> r) {
    return r.get("PricingModel").equals("Reservation") || r.get("PricingModel").equals("SavingsPlan");
  }

  private static boolean purchaseOrRefund(Map<String, String> r) {
    return r.get("ChargeType").equals("Purchase") || r.get("ChargeType").equals("Refund");
  }

  /** Σ column over rows, each value at the 12 decimals of DECIMAL(38,12) (the samples carry up to 28), 0 where told. */
  private static BigDecimal total(List<Map<String, String>> rows, String column, Predicate<Map<String, String>> billedZero) {
    return rows.stream()
        .map(r -> billedZero.test(r) ? BigDecimal.ZERO : new BigDecimal(r.get(column)).setScale(12, RoundingMode.HALF_UP))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void toolkitActualAndAmortizedFollowMicrosoftsRecipeAndReconcileExactly() throws IOException {
    List<Map<String, String>> actual = CsvRecords.read(path(ACTUAL));
    List<Map<String, String>> amortized = CsvRecords.read(path(AMORTIZED));
    List<Map<String, String>> purchases =
        actual.stream().filter(r -> commitment(r) && purchaseOrRefund(r)).toList();
    assertThat(purchases).hasSize(1); // the sample's reservation purchase really is exercised
    assertThat(amortized.stream().filter(r -> commitment(r) && !purchaseOrRefund(r)).count()).isEqualTo(2);

    Run run = run("azure-toolkit", SourceSpec.of(SourceKind.AZURE_COST, path(TOOLKIT).toString()));

    // all amortized rows + the commitment purchase of the actual file; billed 0 where a commitment covered usage
    BigDecimal billed = total(amortized, "Cost", AzureCostGoldenTest::commitment).add(total(purchases, "Cost", r -> false));
    BigDecimal effective = total(amortized, "Cost", r -> false); // the purchase's effective cost is amortized: 0
    assertThat(run.result().rowsOut()).isEqualTo(amortized.size() + purchases.size());
    assertThat(run.result().rowsQuarantined()).isZero();
    assertThat(run.result().sources()).singleElement().satisfies(s -> {
      assertThat(s.reconciled()).isTrue();
      assertThat(s.rowsIn()).isEqualTo(29);
      assertThat(s.inputTotal()).isEqualByComparingTo(billed);
      assertThat(s.outputTotal()).isEqualByComparingTo(billed);
      assertThat(s.files()).hasSize(2);
    });
    assertThat(run.totals().getDecimal(0)).isEqualByComparingTo(billed);
    assertThat(run.totals().getDecimal(1)).isEqualByComparingTo(effective);
    List<String> lines = run.golden();
    assertThat(lines).hasSize(29);
    GoldenFiles.assertMatches(DIR + "expected/focus-finops-toolkit-ea.jsonl", lines);
  }

  @Test
  void focusConvertersEaSampleReadsWithItsTraps() throws IOException {
    List<Map<String, String>> rows = CsvRecords.read(path(CONVERTERS));
    BigDecimal cost = total(rows, "CostInBillingCurrency", r -> false);

    Run run = run("azure-converters",
        new SourceSpec(SourceKind.AZURE_COST, path(CONVERTERS).toString(), Map.of("dataset", "actual")));

    assertThat(run.result().rowsOut()).isEqualTo(27);
    assertThat(run.result().rowsQuarantined()).isZero();
    assertThat(run.result().sources()).singleElement().satisfies(s -> {
      assertThat(s.reconciled()).isTrue();
      assertThat(s.inputTotal()).isEqualByComparingTo(cost);
    });
    assertThat(run.totals().getDecimal(0)).isEqualByComparingTo(cost);
    List<String> lines = run.golden();
    // M/D/YYYY dates, inclusive ends + 1 day, tags without braces, CAD
    assertThat(lines).allSatisfy(l -> assertThat(l)
        .contains("\"ChargePeriodStart\":\"2023-09-02T00:00:00Z\"")
        .contains("\"ChargePeriodEnd\":\"2023-09-03T00:00:00Z\"")
        .contains("\"BillingPeriodEnd\":\"2023-10-01T00:00:00Z\"")
        .contains("\"BillingCurrency\":\"CAD\""));
    assertThat(lines.stream().filter(l -> l.contains("\"Tags\":\"{")).count()).isGreaterThan(0);
    GoldenFiles.assertMatches(DIR + "expected/focus-converters-ea.jsonl", lines);
  }

  @Test
  void mcaAmortizedFixtureQuarantinesBadRowsWithTheirFieldAndReconciles() throws IOException {
    Run run = run("azure-mca", SourceSpec.of(SourceKind.AZURE_COST, path(MCA).toString()));

    assertThat(run.result().rowsOut()).isEqualTo(4);
    assertThat(run.result().rowsQuarantined()).isEqualTo(2);
    assertThat(run.result().sources()).singleElement().satisfies(s -> {
      assertThat(s.reconciled()).isTrue();
      // 79.3368 on demand + 0 covered + 0 unused + 0.0495 storage; quarantined: the bandwidth row's 0.1566
      assertThat(s.outputTotal()).isEqualByComparingTo("79.3863");
      assertThat(s.quarantinedTotal()).isEqualByComparingTo("0.1566");
      assertThat(s.inputTotal()).isEqualByComparingTo("79.5429");
    });
    List<Row> quarantined =
        run.warehouse().read(QuarantineTable.TABLE_NAME).orderBy(QuarantineTable.SOURCE_FIELD).collectAsList();
    assertThat(quarantined).extracting(r -> r.<String>getAs(QuarantineTable.SOURCE_FIELD))
        .containsExactly("CostInBillingCurrency", "Date");
    assertThat(quarantined).extracting(r -> r.<String>getAs(QuarantineTable.ERROR_MESSAGE))
        .containsExactly("CostInBillingCurrency: not a number: '1,25'", "Date: not a date/time: 'yesterday'");
    assertThat(quarantined).allSatisfy(r ->
        assertThat(r.<String>getAs(QuarantineTable.SOURCE_FILE)).endsWith("mca-amortized-2024-01.csv"));
    assertThat(run.totals().getDecimal(1)).isEqualByComparingTo("82.3023"); // 79.3368 + 2.592 + 0.324 + 0.0495
    GoldenFiles.assertMatches(DIR + "expected/focus-mca-fixture.jsonl", run.golden());
  }

  /** `validate` on the azure-cost output: no applicable mandatory FOCUS 1.3 rule fails beyond the documented waivers. */
  @Test
  void azureOutputPassesEveryApplicableMandatoryRule() {
    Path warehouseDir = SparkTestSession.newDirectory("azure-conformance");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(warehouseDir.toString(),
        List.of(SourceSpec.of(SourceKind.AZURE_COST, path(TOOLKIT).toString()),
            new SourceSpec(SourceKind.AZURE_COST, path(CONVERTERS).toString(), Map.of("dataset", "actual")),
            SourceSpec.of(SourceKind.AZURE_COST, path(MCA).toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
    Dataset<Row> table = warehouse.read(CostAndUsageTable.TABLE_NAME);
    assertThat(table.count()).isEqualTo(29 + 27 + 4);
    List<RuleResult> results = new ConformanceEngine(RequirementsModel.load("1.3"), "CostAndUsage",
        Applicability.AIFOCUS_OUTPUT, false, ModelFixes.aifocusWaivers()).run(table);
    assertThat(results).filteredOn(r -> r.status() == Status.failed && r.mandatory())
        .extracting(r -> r.ruleId() + " (" + r.violations() + ")").isEmpty();
    assertThat(results).filteredOn(r -> r.status() == Status.passed).hasSizeGreaterThan(250);
  }

  @Test
  void headerWithoutACommaBetweenTwoNamesIsAClearError() {
    Path file = path(DIR + "invalid/ea-missing-comma.csv");
    assertThatThrownBy(() -> run("azure-comma",
            new SourceSpec(SourceKind.AZURE_COST, file.toString(), Map.of("dataset", "actual"))))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-1003 MALFORMED_HEADER")
        .hasMessageContaining("ea-missing-comma.csv:1:13: header column 'MeterNameMeterRegion' looks like 'metername'"
            + " and 'meterregion' without the comma between them");
  }

  @Test
  void missingCostColumnNamesFileColumnAndSourceKind() {
    Path file = path(DIR + "invalid/ea-missing-cost.csv");
    assertThatThrownBy(() -> run("azure-nocost",
            new SourceSpec(SourceKind.AZURE_COST, file.toString(), Map.of("dataset", "actual"))))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-1002 MISSING_REQUIRED_COLUMN")
        .hasMessageContaining("ea-missing-cost.csv: missing required column 'CostInBillingCurrency' (source kind"
            + " azure-cost); also accepted, ignoring case: cost, pretaxcost");
  }

  @Test
  void aFileOfUnknownDatasetFailsAndAHeaderOnlyFileIsZeroRows() {
    assertThatThrownBy(() -> run("azure-unknown", SourceSpec.of(SourceKind.AZURE_COST, path(CONVERTERS).toString())))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("AIF-9001 INVALID_CONFIG")
        .hasMessageContaining("sample-anonymous-ea-export-dataset.csv: cannot tell whether this is an actual or an"
            + " amortized cost export (source kind azure-cost)");

    Run empty = run("azure-empty", new SourceSpec(SourceKind.AZURE_COST,
        path(DIR + "input/finops-toolkit-empty").toString(), Map.of("dataset", "amortized")));
    assertThat(empty.result().rowsOut()).isZero();
    assertThat(empty.result().rowsQuarantined()).isZero();
  }
}
