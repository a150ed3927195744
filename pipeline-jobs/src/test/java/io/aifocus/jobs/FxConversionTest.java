package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Constant-currency conversion over two sources in one run: the GCP fixture (EUR) and a CUR file with NOK, SEK
 * and USD rows; the EUR and NOK rates are in the table, SEK's is not. Expected values are computed per row in
 * Java (BigDecimal, half-up at 12 places), independently of Spark.
 */
class FxConversionTest {
  private static final BigDecimal EUR_USD = new BigDecimal("1.0712345");
  private static final BigDecimal NOK_USD = new BigDecimal("0.091234567891");

  @Test
  void everyRowGetsItsReportingCurrencyAmountsOrIsFlaggedWithoutARate() throws IOException {
    everyRowGetsItsReportingCurrencyAmountsOrIsFlaggedWithoutARate(true);
  }

  /**
   * The same run on the large-input route: the aws-cur rows are not kept, so the rows without a rate are counted
   * in the rows the run wrote (its run id, source kind and files), not by normalizing the input again.
   */
  @Test
  void rowsWithoutARateAreCountedInTheWrittenRowsOnTheLargeInputRoute() throws IOException {
    everyRowGetsItsReportingCurrencyAmountsOrIsFlaggedWithoutARate(false);
  }

  private void everyRowGetsItsReportingCurrencyAmountsOrIsFlaggedWithoutARate(boolean cacheSmallInputs)
      throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("fx");
    Path rates = dir.resolve("fx-rates.csv");
    Files.writeString(rates, """
        month,from,to,rate
        2026-11,EUR,USD,1.0712345
        2026-11,NOK,USD,0.091234567891
        2026-10,SEK,USD,0.0951
        2026-11,SEK,EUR,0.0877
        """, StandardCharsets.UTF_8);
    Path cur = dir.resolve("cur/cur-nok.csv");
    Files.createDirectories(cur.getParent());
    Files.writeString(cur, String.join("\n",
        "bill_payer_account_id,bill_billing_period_start_date,bill_billing_period_end_date,line_item_line_item_type,"
            + "line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_currency_code,"
            + "line_item_unblended_cost,identity_line_item_id",
        "111122223333,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,Usage,2026-11-02T00:00:00Z,2026-11-02T01:00:00Z,AmazonEC2,NOK,1234.567891234567,n1",
        "111122223333,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,Tax,2026-11-02T00:00:00Z,2026-11-02T01:00:00Z,AmazonEC2,NOK,-0.000000000003,n2",
        "444455556666,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,Usage,2026-11-02T00:00:00Z,2026-11-02T01:00:00Z,AmazonS3,SEK,10.5,s1",
        "777788889999,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,Usage,2026-11-02T00:00:00Z,2026-11-02T01:00:00Z,AmazonS3,USD,2.25,u1",
        ""), StandardCharsets.UTF_8);

    Warehouse warehouse = new Warehouse(spark, dir.resolve("warehouse").toString());
    JobConfig job = new JobConfig(warehouse.root(), List.of(
        SourceSpec.of(SourceKind.GCP_BILLING, SparkTestSession.projectRoot().resolve(GcpBillingGoldenTest.FIXTURE).toString()),
        SourceSpec.of(SourceKind.AWS_CUR, cur.toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS).withFx(FxRates.load(rates, "usd"));
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress())
        .cacheSmallInputs(cacheSmallInputs).run(job);
    assertThat(result.reconciled()).isTrue();

    List<Row> rows = warehouse.read(CostAndUsageTable.TABLE_NAME).select(FocusColumns.BILLING_CURRENCY,
        FocusColumns.BILLED_COST, FocusColumns.EFFECTIVE_COST, ExtensionColumns.REPORTING_CURRENCY,
        ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY, ExtensionColumns.EFFECTIVE_COST_IN_REPORTING_CURRENCY)
        .collectAsList();
    assertThat(rows).hasSize(13 + 4);
    Map<String, BigDecimal> rate = Map.of("EUR", EUR_USD, "NOK", NOK_USD, "USD", BigDecimal.ONE);
    int sek = 0;
    for (Row r : rows) {
      assertThat(r.getString(3)).isEqualTo("USD"); // set on every row: the flag of a missing rate is a null amount
      if (r.getString(0).equals("SEK")) { // only a SEK→USD rate of another month and a SEK→EUR rate: not guessed
        assertThat(r.isNullAt(4)).isTrue();
        assertThat(r.isNullAt(5)).isTrue();
        sek++;
        continue;
      }
      BigDecimal factor = rate.get(r.getString(0));
      assertThat(r.getDecimal(4)).as(r.toString())
          .isEqualByComparingTo(r.getDecimal(1).multiply(factor).setScale(12, RoundingMode.HALF_UP));
      assertThat(r.getDecimal(5)).as(r.toString())
          .isEqualByComparingTo(r.getDecimal(2).multiply(factor).setScale(12, RoundingMode.HALF_UP));
    }
    assertThat(sek).isEqualTo(1);
    // spot checks by hand: 1234.567891234567 NOK × 0.091234567891 = 112.635268088889 (half-up); −3e-12 × 0.0912… rounds to −0
    Map<String, BigDecimal> nok = new java.util.TreeMap<>();
    for (Row r : rows) {
      if (r.getString(0).equals("NOK")) {
        nok.put(r.getDecimal(1).toPlainString(), r.getDecimal(4));
      }
    }
    assertThat(nok.get("1234.567891234567")).isEqualByComparingTo("112.635268088889");
    assertThat(nok.get("-0.000000000003")).isEqualByComparingTo("0");

    List<Row> runs = warehouse.read(PipelineRunsTable.TABLE_NAME)
        .where(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(SourceKind.AWS_CUR.id())))
        .select(PipelineRunsTable.MESSAGE, PipelineRunsTable.RECONCILED).collectAsList();
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).getString(0)).isEqualTo("no FX rate to USD in " + rates + " for SEK 2026-11 (1 row(s)): "
        + ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY + " left null");
    assertThat(warehouse.read(PipelineRunsTable.TABLE_NAME)
        .where(col(PipelineRunsTable.SOURCE_KIND).equalTo(lit(SourceKind.GCP_BILLING.id()))
            .and(col(PipelineRunsTable.BILLING_PERIOD_START).isNotNull()))
        .select(PipelineRunsTable.MESSAGE).first().isNullAt(0)).isTrue();
  }

  @Test
  void rowsRewrittenByTheUsageVersusCostStepAreConvertedFromTheirNewCosts() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("fx-rewritten");
    Path rates = Files.writeString(dir.resolve("fx-rates.csv"), "month,from,to,rate\n2026-11,USD,EUR,0.912345678901\n",
        StandardCharsets.UTF_8);
    Path root = SparkTestSession.projectRoot();
    Warehouse warehouse = new Warehouse(spark, dir.resolve("warehouse").toString());
    JobConfig job = new JobConfig(warehouse.root(), List.of(
        SourceSpec.of(SourceKind.GATEWAY_LOG, root.resolve(UsageCostReconciliationTest.SAME_TRAFFIC + "gateway.jsonl").toString()),
        SourceSpec.of(SourceKind.ANTHROPIC_COST, root.resolve(UsageCostReconciliationTest.SAME_TRAFFIC + "anthropic-cost.jsonl")
            .toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.of(root.resolve(GatewayLogGoldenTest.PRICE_BOOK).toString()))
        .withFx(FxRates.load(rates, "EUR"));
    assertThat(new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(job).reconciled()).isTrue();
    List<Row> rows = warehouse.read(CostAndUsageTable.TABLE_NAME)
        .where(col(ExtensionColumns.SOURCE_KIND).equalTo(lit(SourceKind.GATEWAY_LOG.id())))
        .select(FocusColumns.BILLED_COST, FocusColumns.LIST_COST, ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY,
            FocusColumns.EFFECTIVE_COST, ExtensionColumns.EFFECTIVE_COST_IN_REPORTING_CURRENCY)
        .collectAsList();
    assertThat(rows).isNotEmpty();
    BigDecimal rate = new BigDecimal("0.912345678901");
    BigDecimal billed = BigDecimal.ZERO;
    for (Row r : rows) {
      assertThat(r.getDecimal(2)).as(r.toString()).isEqualByComparingTo(r.getDecimal(0).multiply(rate).setScale(12, RoundingMode.HALF_UP));
      assertThat(r.getDecimal(4)).as(r.toString()).isEqualByComparingTo(r.getDecimal(3).multiply(rate).setScale(12, RoundingMode.HALF_UP));
      billed = billed.add(r.getDecimal(0));
    }
    // the cost report's 0.016 was distributed over the gateway rows (priced 0.01485): the converted amounts follow it
    assertThat(billed).isEqualByComparingTo("0.016");
  }

  @Test
  void withoutAnFxTableNothingIsConverted() {
    assertThat(FxRates.NONE.enabled()).isFalse();
  }

  @Test
  void badRateTablesFailNamingFileAndLine() throws IOException {
    Path dir = SparkTestSession.newDirectory("fx-bad");
    Path twice = dir.resolve("twice.csv");
    Files.writeString(twice, "month,from,to,rate\n2026-11,EUR,USD,1.07\n2026-11,EUR,USD,1.08\n");
    assertThatThrownBy(() -> FxRates.load(twice, "USD"))
        .hasMessage("AIF-9001 INVALID_CONFIG: " + twice + " line 3: a second rate for 2026-11 EUR→USD (1.07 and 1.08)");
    Path header = dir.resolve("header.csv");
    Files.writeString(header, "month;from;to;rate\n");
    assertThatThrownBy(() -> FxRates.load(header, "USD"))
        .hasMessage("AIF-9001 INVALID_CONFIG: " + header + ": fx-rates must start with the header 'month,from,to,rate'");
    Path negative = dir.resolve("negative.csv");
    Files.writeString(negative, "month,from,to,rate\n2026-11,NOK,USD,-0.09\n");
    assertThatThrownBy(() -> FxRates.load(negative, "USD")).hasMessageContaining(negative + " line 2: rate: must be positive");
    assertThatThrownBy(() -> FxRates.load(twice, "dollars")).hasMessageContaining("reporting-currency: not a currency code");
  }

  @Test
  void configKeysNameTheTableAndTheReportingCurrency() throws IOException {
    Path dir = SparkTestSession.newDirectory("fx-config");
    Files.writeString(dir.resolve("rates.csv"), "month,from,to,rate\n2026-11,NOK,EUR,0.0851\n2026-11,NOK,USD,0.09\n");
    Path config = dir.resolve("aifocus.yaml");
    Files.writeString(config, "fx-rates: rates.csv\nreporting-currency: EUR\n");
    JobConfig job = JobConfig.fromYaml(config);
    assertThat(job.fx().reportingCurrency()).isEqualTo("EUR");
    assertThat(job.fx().rates()).containsExactly(Map.entry("2026-11|NOK", new BigDecimal("0.0851")));
    Files.writeString(config, "reporting-currency: EUR\n");
    assertThatThrownBy(() -> JobConfig.fromYaml(config)).hasMessageContaining("reporting-currency needs an fx-rates table");
    Files.writeString(config, "fx-rates: rates.csv\n");
    assertThat(JobConfig.fromYaml(config).fx().reportingCurrency()).isEqualTo("USD");
    assertThat(Optional.of(JobConfig.fromYaml(config).fx().rates())).contains(Map.of("2026-11|NOK", new BigDecimal("0.09")));
  }
}
