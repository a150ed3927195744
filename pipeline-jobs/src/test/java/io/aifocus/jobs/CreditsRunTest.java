package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import io.aifocus.api.credits.Grant;
import io.aifocus.jobs.validate.Applicability;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sample-data/credits: a month of OpenAI usage burning four grants (priorities, expiries, a token pack billed in
 * USD, a partial rollover, an unused pack, overage on demand). Expected values are computed from the tables
 * independently of the stage, and by hand in docs/credits.md.
 */
class CreditsRunTest {
  static final Path CONFIG = Path.of("sample-data", "credits", "credits.yaml");
  private static SparkSession spark;
  private static Warehouse warehouse;
  private static JobConfig config;

  @BeforeAll
  static void run() {
    spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("credits");
    config = JobConfig.fromYaml(SparkTestSession.projectRoot().resolve(CONFIG)).withWarehouse(dir.toString());
    warehouse = new Warehouse(spark, dir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(config);
    warehouse.registerViews();
  }

  static BigDecimal decimal(String sql) {
    Row r = spark.sql(sql).first();
    return r.isNullAt(0) ? BigDecimal.ZERO : r.getDecimal(0);
  }

  static final String ELEMENTS = "(SELECT *, explode(from_json(ContractApplied,"
      + " 'Elements ARRAY<STRUCT<ContractId: STRING, ContractCommitmentId: STRING,"
      + " ContractCommitmentAppliedCost: DECIMAL(38,12), ContractCommitmentAppliedQuantity: DECIMAL(38,12),"
      + " ContractCommitmentAppliedUnit: STRING, x_AmortizedCost: DECIMAL(38,12)>>').Elements) AS e"
      + " FROM focus_cost_and_usage WHERE ContractApplied IS NOT NULL)";

  @Test
  void configParsesEveryGrant() {
    assertThat(config.grants()).extracting(Grant::id)
        .containsExactly("credit-usd", "pack-tokens", "promo-rollover", "anthropic-helpdesk", "bedrock-credits");
    Grant promo = config.grants().get(2);
    assertThat(promo.rollover().orElseThrow().until()).isEqualTo(LocalDate.of(2026, 11, 25));
    assertThat(promo.rollover().orElseThrow().max()).contains(new BigDecimal("150000"));
    assertThat(promo.scope().team()).contains("search");
    assertThat(config.grants().get(0).amount()).isEqualByComparingTo("0.10");
  }

  @Test
  void everyGrantAmortizesExactlyItsPriceOverUsedAndUnusedRows() {
    for (Grant g : config.grants()) {
      BigDecimal used = decimal("SELECT SUM(e.x_AmortizedCost) FROM " + ELEMENTS
          + " WHERE e.ContractCommitmentId = '" + g.id() + "' AND ChargeCategory = 'Usage'");
      BigDecimal unused = decimal("SELECT SUM(EffectiveCost) FROM focus_cost_and_usage WHERE CommitmentDiscountId = '"
          + g.id() + "' AND CommitmentDiscountStatus = 'Unused'");
      assertThat(used.add(unused)).as(g.id()).isEqualByComparingTo(g.pricePaid());
      Row purchase = spark.sql("SELECT BilledCost, EffectiveCost, ResourceId, ChargeFrequency FROM focus_cost_and_usage"
          + " WHERE ChargeCategory = 'Purchase' AND CommitmentDiscountId = '" + g.id() + "'").collectAsList().get(0);
      assertThat(purchase.getDecimal(0)).isEqualByComparingTo(g.pricePaid());
      assertThat(purchase.getDecimal(1)).isEqualByComparingTo("0");
      assertThat(purchase.getString(2)).isEqualTo(g.id());
    }
    // usage rows: EffectiveCost = on-demand remainder (BilledCost) + the amortized share of every grant applied
    assertThat(spark.sql("SELECT x_SourceRecordId, x_UsageType FROM focus_cost_and_usage u WHERE ContractApplied IS NOT NULL"
        + " AND ChargeCategory = 'Usage' AND EffectiveCost <> BilledCost + (SELECT SUM(e.x_AmortizedCost) FROM " + ELEMENTS
        + " x WHERE x.x_SourceRecordId = u.x_SourceRecordId AND x.x_UsageType = u.x_UsageType)").count()).isZero();
  }

  @Test
  void grantsBurnInPriorityOrderAndOverageIsOnDemand() {
    // credit-usd (priority 1) covers Nov 1-4 fully (0.021 a day), Nov 5's input row and 0.001 of its output row
    List<Row> nov5 = spark.sql("SELECT x_UsageType, BilledCost, ContractApplied, CommitmentDiscountId FROM focus_cost_and_usage"
        + " WHERE x_SourceRecordId = 'cr-05' ORDER BY x_UsageType").collectAsList();
    assertThat(nov5.get(0).getDecimal(1)).isEqualByComparingTo("0");
    assertThat(nov5.get(0).getString(3)).isEqualTo("credit-usd");
    assertThat(nov5.get(1).getDecimal(1)).isEqualByComparingTo("0"); // the token pack takes the other 0.005
    assertThat(nov5.get(1).getString(2)).isEqualTo("{\"Elements\":[{\"ContractId\":\"openai-2026\","
        + "\"ContractCommitmentId\":\"credit-usd\",\"ContractCommitmentAppliedCost\":0.001,"
        + "\"ContractCommitmentAppliedQuantity\":1666.666666666667,\"ContractCommitmentAppliedUnit\":\"Tokens\","
        + "\"x_AmortizedCost\":0.0009},{\"ContractId\":\"openai-2026\",\"ContractCommitmentId\":\"pack-tokens\","
        + "\"ContractCommitmentAppliedCost\":0.005,\"ContractCommitmentAppliedQuantity\":8333.333333333333,"
        + "\"ContractCommitmentAppliedUnit\":\"Tokens\",\"x_AmortizedCost\":0.000416666667}]}");
    assertThat(decimal("SELECT SUM(e.ContractCommitmentAppliedCost) FROM " + ELEMENTS
        + " WHERE e.ContractCommitmentId = 'credit-usd'")).isEqualByComparingTo("0.10");
    // the token pack: virtual currency Tokens on its rows while the bill stays in USD
    Row nov6 = spark.sql("SELECT PricingCurrency, PricingCurrencyEffectiveCost, BillingCurrency, BilledCost,"
        + " CommitmentDiscountStatus FROM focus_cost_and_usage WHERE x_SourceRecordId = 'cr-06'"
        + " AND x_UsageType = 'output'").first();
    assertThat(nov6.getString(0)).isEqualTo("Tokens");
    assertThat(nov6.getDecimal(1)).isEqualByComparingTo("10000");
    assertThat(nov6.getString(2)).isEqualTo("USD");
    assertThat(nov6.getDecimal(3)).isEqualByComparingTo("0");
    assertThat(nov6.getString(4)).isEqualTo("Used");
    // after Nov 16 every grant is used up: billed on demand, untouched rows
    assertThat(spark.sql("SELECT * FROM focus_cost_and_usage WHERE x_SourceKind = 'gateway-log'"
        + " AND ChargePeriodStart >= TIMESTAMP '2026-11-17 00:00:00' AND (ContractApplied IS NOT NULL"
        + " OR BilledCost <> ContractedCost OR PricingCurrency <> 'USD')").count()).isZero();
    assertThat(spark.sql("SELECT * FROM focus_cost_and_usage WHERE x_SourceRecordId = 'cr-16' AND x_UsageType = 'input'"
        + " AND BilledCost > 0 AND BilledCost < ContractedCost AND ContractApplied LIKE '%promo-rollover%'").count())
        .isEqualTo(1);
    // on-demand + covered = the month's priced usage
    BigDecimal billed = decimal("SELECT SUM(BilledCost) FROM focus_cost_and_usage WHERE x_SourceKind = 'gateway-log'");
    BigDecimal priced = decimal("SELECT SUM(ContractedCost) FROM focus_cost_and_usage WHERE x_SourceKind = 'gateway-log'");
    assertThat(priced).isEqualByComparingTo("0.5628"); // 14 days x 0.021 + 16 days x 0.0168
    assertThat(priced.subtract(billed)).isGreaterThan(new BigDecimal("0.10"));
  }

  @Test
  void theLedgerHoldsItsIdentityAndReconcilesToTheFocusRows() {
    assertThat(spark.sql("SELECT * FROM credit_ledger WHERE closing_balance <> opening_balance - burned - expired").count())
        .isZero();
    assertThat(spark.sql("SELECT * FROM credit_ledger l JOIN credit_ledger p ON l.grant_id = p.grant_id"
        + " AND l.day = date_add(p.day, 1) WHERE l.opening_balance <> p.closing_balance").count()).isZero();
    Map<String, BigDecimal> burned = sums("SELECT grant_id, SUM(burned) FROM credit_ledger GROUP BY 1");
    // a spend credit burns the applied cost, a token pack the applied quantity (tokens)
    Map<String, BigDecimal> applied = sums("SELECT e.ContractCommitmentId, SUM(CASE WHEN e.ContractCommitmentId ="
        + " 'credit-usd' THEN e.ContractCommitmentAppliedCost ELSE e.ContractCommitmentAppliedQuantity END) FROM "
        + ELEMENTS + " GROUP BY 1");
    assertThat(burned.keySet()).containsExactlyInAnyOrder("credit-usd", "pack-tokens", "promo-rollover", "anthropic-helpdesk",
        "bedrock-credits");
    for (String g : List.of("credit-usd", "pack-tokens", "promo-rollover")) {
      assertThat(burned.get(g)).as(g).isEqualByComparingTo(applied.get(g));
    }
    assertThat(burned.get("anthropic-helpdesk")).isEqualByComparingTo("0");
    Map<String, BigDecimal> amortized = sums("SELECT e.ContractCommitmentId, SUM(e.x_AmortizedCost) FROM " + ELEMENTS
        + " GROUP BY 1");
    Map<String, BigDecimal> burnedUsd = sums("SELECT grant_id, SUM(burned_billing_currency) FROM credit_ledger GROUP BY 1");
    for (String g : List.of("credit-usd", "pack-tokens", "promo-rollover")) {
      assertThat(burnedUsd.get(g)).as(g).isEqualByComparingTo(amortized.get(g));
    }
    Map<String, BigDecimal> expired = sums("SELECT grant_id, SUM(expired) FROM credit_ledger GROUP BY 1");
    Map<String, BigDecimal> unusedRows = sums("SELECT CommitmentDiscountId, SUM(CommitmentDiscountQuantity)"
        + " FROM focus_cost_and_usage WHERE CommitmentDiscountStatus = 'Unused' GROUP BY 1");
    assertThat(unusedRows).containsOnlyKeys("promo-rollover", "anthropic-helpdesk");
    assertThat(expired.get("promo-rollover")).isEqualByComparingTo("50000").isEqualByComparingTo(unusedRows.get("promo-rollover"));
    assertThat(expired.get("anthropic-helpdesk")).isEqualByComparingTo("500000")
        .isEqualByComparingTo(unusedRows.get("anthropic-helpdesk"));
    // every grant ends by Dec 1 and is used up or expired: nothing left
    assertThat(spark.sql("SELECT grant_id FROM credit_ledger l WHERE day = (SELECT max(day) FROM credit_ledger m"
        + " WHERE m.grant_id = l.grant_id) AND closing_balance <> 0").count()).isZero();
    // the pack ran out on Nov 15, before its term: the forecast said so the day before
    Row nov14 = spark.sql("SELECT closing_balance, projected_exhaustion_date, runs_out_before_term FROM credit_ledger"
        + " WHERE grant_id = 'pack-tokens' AND day = DATE '2026-11-14'").first();
    assertThat(nov14.getDecimal(0)).isEqualByComparingTo("1666.666666666667");
    assertThat(nov14.get(1)).isEqualTo(LocalDate.of(2026, 11, 15));
    assertThat(nov14.getBoolean(2)).isTrue();
    Row helpdesk = spark.sql("SELECT expires_unused, projected_exhaustion_date FROM credit_ledger"
        + " WHERE grant_id = 'anthropic-helpdesk' AND day = DATE '2026-11-10'").first();
    assertThat(helpdesk.getBoolean(0)).isTrue();
    assertThat(helpdesk.isNullAt(1)).isTrue();
  }

  @Test
  void bedrockRowsOfTheAwsBillBurnAGrantOfCreditsPricedInCredits() {
    // Nov 1: the five Bedrock rows (30.4775 USD = 3,047.75 Credits) are covered; Nov 2 in record order: demo0019
    // (13.20) covered, demo0020 (9.30) covered for the last 632.25 Credits (6.3225 USD), 2.9775 billed; the rest of
    // Nov 2 and Nov 3 on demand. 40.00 / 5,000 Credits = 0.008 USD amortized per Credit.
    List<Row> rows = spark.sql("SELECT x_SourceRecordId, BilledCost, EffectiveCost, PricingCurrency,"
        + " PricingCurrencyEffectiveCost, PricingCurrencyListUnitPrice, CommitmentDiscountQuantity, CommitmentDiscountUnit,"
        + " CommitmentDiscountStatus FROM focus_cost_and_usage WHERE x_SourceKind = 'aws-cur' AND ServiceName = 'Amazon Bedrock'"
        + " AND ContractApplied IS NOT NULL ORDER BY x_SourceRecordId").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("demo0007", "demo0008", "demo0009", "demo0010",
        "demo0011", "demo0019", "demo0020");
    Row titan = rows.get(4); // 1.04 USD = 104 Credits at 0.00002 USD = 0.002 Credits per 1K tokens
    assertThat(titan.getDecimal(1)).isEqualByComparingTo("0");
    assertThat(titan.getDecimal(2)).isEqualByComparingTo("0.832");
    assertThat(titan.getString(3)).isEqualTo("Credits");
    assertThat(titan.getDecimal(4)).isEqualByComparingTo("104");
    assertThat(titan.getDecimal(5)).isEqualByComparingTo("0.002");
    assertThat(titan.getDecimal(6)).isEqualByComparingTo("104");
    assertThat(titan.getString(7)).isEqualTo("Credits");
    assertThat(titan.getString(8)).isEqualTo("Used");
    Row partial = rows.get(6);
    assertThat(partial.getDecimal(1)).isEqualByComparingTo("2.9775");
    assertThat(partial.getDecimal(2)).isEqualByComparingTo("8.0355"); // 9.30 - 6.3225 covered + 632.25 x 0.008
    assertThat(partial.getDecimal(6)).isEqualByComparingTo("632.25");
    assertThat(decimal("SELECT SUM(EffectiveCost - BilledCost) FROM focus_cost_and_usage WHERE ContractApplied LIKE"
        + " '%bedrock-credits%'")).isEqualByComparingTo("40.00");
    // the tokens of a 1K-token row are counted in tokens: 52,000 x 1,000
    assertThat(spark.sql("SELECT ContractApplied FROM focus_cost_and_usage WHERE x_SourceRecordId = 'demo0011'").first()
        .getString(0)).contains("\"ContractCommitmentAppliedQuantity\":52000000,\"ContractCommitmentAppliedUnit\":\"Tokens\"");
    // the AWS promotional credit row (ChargeCategory Credit) and other services are not consumption
    assertThat(spark.sql("SELECT * FROM focus_cost_and_usage WHERE x_SourceKind = 'aws-cur' AND ContractApplied IS NOT NULL"
        + " AND ServiceName <> 'Amazon Bedrock'").count()).isZero();
    Row nov2 = spark.sql("SELECT closing_balance, burned, burned_billing_currency FROM credit_ledger"
        + " WHERE grant_id = 'bedrock-credits' AND day = DATE '2026-11-02'").first();
    assertThat(nov2.getDecimal(0)).isEqualByComparingTo("0");
    assertThat(nov2.getDecimal(1)).isEqualByComparingTo("1952.25");
    assertThat(nov2.getDecimal(2)).isEqualByComparingTo("15.618");
  }

  @Test
  void theContractCommitmentDatasetHasOneRowPerGrant() {
    List<Row> rows = spark.sql("SELECT ContractCommitmentId, ContractCommitmentCategory, ContractCommitmentCost,"
        + " ContractCommitmentQuantity, ContractCommitmentUnit, ContractId FROM focus_contract_commitment"
        + " ORDER BY ContractCommitmentId").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0))
        .containsExactly("anthropic-helpdesk", "bedrock-credits", "credit-usd", "pack-tokens", "promo-rollover");
    assertThat(rows.get(2).getString(1)).isEqualTo("Spend");
    assertThat(rows.get(2).getDecimal(2)).isEqualByComparingTo("0.10");
    assertThat(rows.get(2).isNullAt(3)).isTrue();
    assertThat(rows.get(3).getString(1)).isEqualTo("Usage");
    assertThat(rows.get(3).getDecimal(3)).isEqualByComparingTo("1000000");
    assertThat(rows.get(3).getString(4)).isEqualTo("Tokens");
    // Credits: a Spend commitment whose cost is the face value in USD, 5,000 x 0.01
    assertThat(rows.get(1).getString(1)).isEqualTo("Spend");
    assertThat(rows.get(1).getDecimal(2)).isEqualByComparingTo("50.00");
  }

  @Test
  void rerunningTheStageGivesTheSameRows() {
    String columns = CostAndUsageTable.columnNames().stream().filter(c -> !c.equals(ExtensionColumns.INGESTED_AT) && !c.equals(ExtensionColumns.RUN_ID))
        .collect(Collectors.joining(", "));
    List<Row> before = spark.sql("SELECT " + columns + " FROM focus_cost_and_usage").collectAsList();
    new CreditsRun(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(config.commitments(), "rerun",
        java.time.Instant.parse("2026-12-02T00:00:00Z"));
    warehouse.registerViews();
    List<Row> after = spark.sql("SELECT " + columns + " FROM focus_cost_and_usage").collectAsList();
    assertThat(after).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void validatePassesBothDatasetsOfTheWarehouse() {
    assertThat(Applicability.AIFOCUS_OUTPUT).contains("CONTRACT_COMMITMENTS_SUPPORTED", "VIRTUAL_CURRENCY_SUPPORTED");
    CliTest.Call commitments = CliTest.cli("validate", "--warehouse", warehouse.root(), "--dataset", "ContractCommitment",
        "--all");
    assertThat(commitments.exit()).as(commitments.out() + commitments.err()).isZero();
    assertThat(commitments.out()).contains(CreditsRun.CONTRACT_COMMITMENT_TABLE).contains("CCT-ContractCommitment-D-000-M");
    CliTest.Call usage = CliTest.cli("validate", "--warehouse", warehouse.root());
    assertThat(usage.exit()).as(usage.out() + usage.err()).isZero();
  }

  private static Map<String, BigDecimal> sums(String sql) {
    Map<String, BigDecimal> out = new HashMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      out.put(r.getString(0), r.isNullAt(1) ? BigDecimal.ZERO : r.getDecimal(1));
    }
    return out;
  }
}
