package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deliberately broken tables fail exactly the expected rules; the real output passes all of them. */
class ConformanceCheckTest {
  private static Dataset<Row> good;

  @BeforeAll
  static void table() {
    SparkSession spark = SparkTestSession.get();
    Path warehouseDir = SparkTestSession.newDirectory("conformance");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(warehouseDir.toString(),
        List.of(SourceSpec.of(SourceKind.AWS_CUR,
            SparkTestSession.projectRoot().resolve(AwsCur2FixtureTest.FIXTURE).toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
    good = warehouse.read(CostAndUsageTable.TABLE_NAME).cache();
  }

  private static Map<String, Long> failed(Dataset<Row> table) {
    return ConformanceCheck.run(table).stream()
        .filter(o -> o.status() == ConformanceCheck.Status.failed)
        .collect(Collectors.toMap(ConformanceCheck.Outcome::ruleId, ConformanceCheck.Outcome::violations));
  }

  private static Column onRow(String recordId) {
    return col(ExtensionColumns.SOURCE_RECORD_ID).equalTo(lit(recordId));
  }

  @Test
  void theNormalizedFixturePassesEveryRule() {
    List<ConformanceCheck.Outcome> outcomes = ConformanceCheck.run(good);
    assertThat(outcomes).hasSize(162).allMatch(o -> o.status() == ConformanceCheck.Status.passed);
  }

  @Test
  void eachDefectFailsExactlyItsRule() {
    Dataset<Row> broken = good
        .withColumn(FocusColumns.BILLED_COST, when(onRow("demo0001"), lit(null)).otherwise(col(FocusColumns.BILLED_COST)))
        .withColumn(FocusColumns.CHARGE_CATEGORY,
            when(onRow("demo0002"), lit("usage")).otherwise(col(FocusColumns.CHARGE_CATEGORY)))
        .withColumn(FocusColumns.BILLING_CURRENCY,
            when(onRow("demo0003").or(onRow("demo0004")), lit("Tokens")).otherwise(col(FocusColumns.BILLING_CURRENCY)))
        .withColumn(FocusColumns.SERVICE_SUBCATEGORY,
            when(onRow("demo0005"), lit("Generative AI")).otherwise(col(FocusColumns.SERVICE_SUBCATEGORY)))
        .withColumn(FocusColumns.BILLING_ACCOUNT_TYPE,
            when(onRow("demo0006"), lit(null)).otherwise(col(FocusColumns.BILLING_ACCOUNT_TYPE)));
    assertThat(failed(broken)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "BilledCost.not-null", 1L,
        "ChargeCategory.allowed-values", 1L,
        "BillingCurrency.iso4217", 2L,
        "ServiceSubcategory.parent-category", 1L,
        "BillingAccountType.not-null", 1L));
  }

  @Test
  void aConditionalColumnNullOnEveryRowIsNotProvidedButAMissingMandatoryColumnFails() {
    Dataset<Row> table = good
        .withColumn(FocusColumns.BILLING_ACCOUNT_TYPE, lit(null).cast("string"))
        .drop(FocusColumns.INVOICE_ISSUER_NAME)
        .withColumn(FocusColumns.PRICING_QUANTITY, col(FocusColumns.PRICING_QUANTITY).cast("double"));
    List<ConformanceCheck.Outcome> outcomes = ConformanceCheck.run(table);
    assertThat(outcomes).filteredOn(o -> o.ruleId().equals("BillingAccountType.not-null"))
        .singleElement().extracting(ConformanceCheck.Outcome::status).isEqualTo(ConformanceCheck.Status.skipped);
    assertThat(failed(table)).containsOnlyKeys("InvoiceIssuerName.presence", "PricingQuantity.type");
  }
}
