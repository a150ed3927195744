package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import io.aifocus.api.credits.Commitment;
import io.aifocus.api.credits.Grant;
import io.aifocus.api.credits.ProvisionedThroughput;
import io.aifocus.api.credits.SpendCommitment;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Golden cases of the credits stage (sample-data/credits/golden, hand-computed in its README and docs/credits.md):
 * (a) two credits with different priorities and expiries over a month of usage, (b) a token pack burned by tokens
 * while the bill is in USD, (c) expiry with a partial rollover, (d) usage beyond the grant billed on demand, then a
 * cost report of the same provider day arriving in a later run (distributed over the day's usage; the grant is
 * burned once), (e) spend commitments, one with a shortfall at the term end and one met exactly, (f) a
 * provisioned-throughput reservation with covered hours, an hour of overflow billed on demand and idle hours.
 * Each case
 * has CSV goldens of its FOCUS rows, its Contract Commitment rows and its ledger; the identities are asserted on top.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CreditsGoldenTest {
  static final Path DIR = Path.of("sample-data", "credits", "golden");
  /** Case → its billing account (FOCUS rows) and contract (grants). */
  static final Map<String, String[]> CASES = Map.of(
      "a-priorities-and-expiries", new String[] {"acct-a", "golden-a"},
      "b-token-pack-billed-in-usd", new String[] {"acct-b", "golden-b"},
      "c-expiry-with-rollover", new String[] {"acct-c", "golden-c"},
      "d-overage-on-demand", new String[] {"openai", "golden-d"},
      "e-spend-commitment", new String[] {"acct-e", "golden-e"},
      "f-provisioned-throughput", new String[] {"acct-f", "golden-f"});
  static final String FOCUS_COLUMNS = "BillingAccountId, date_format(ChargePeriodStart, 'yyyy-MM-dd') AS Day,"
      + " x_SourceKind, x_SourceRecordId, x_UsageType, ChargeCategory, CommitmentDiscountId, CommitmentDiscountStatus,"
      + " ConsumedQuantity, ContractedCost, BilledCost, EffectiveCost, PricingCurrency, PricingCurrencyEffectiveCost,"
      + " CommitmentDiscountQuantity, CommitmentDiscountUnit, ContractApplied";
  static final String LEDGER_COLUMNS = "grant_id, CAST(day AS STRING) AS day, unit, opening_balance, burned, expired,"
      + " closing_balance, burned_billing_currency, trailing_daily_burn, CAST(projected_exhaustion_date AS STRING)"
      + " AS projected_exhaustion_date, runs_out_before_term, expires_unused";

  private static SparkSession spark;
  private static Warehouse warehouse;
  private static JobConfig config;

  @BeforeAll
  static void run() {
    spark = SparkTestSession.get();
    Path dir = SparkTestSession.newDirectory("credits-golden");
    config = JobConfig.fromYaml(SparkTestSession.projectRoot().resolve(DIR.resolve("golden.yaml")))
        .withWarehouse(dir.toString());
    warehouse = new Warehouse(spark, dir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(config);
    warehouse.registerViews();
  }

  @Test
  @Order(1)
  void everyCaseMatchesItsGoldens() throws IOException {
    for (Map.Entry<String, String[]> c : new java.util.TreeMap<>(CASES).entrySet()) {
      String expected = DIR.resolve("expected").resolve(c.getKey()).toString();
      GoldenFiles.assertMatches(expected + "/focus.csv", focusLines(c.getValue()[0]));
      GoldenFiles.assertMatches(expected + "/contract-commitment.csv", csv(spark.sql(
          "SELECT * FROM focus_contract_commitment WHERE ContractId = '" + c.getValue()[1] + "'"
              + " ORDER BY ContractCommitmentId").collectAsList(), spark.table("focus_contract_commitment").columns()));
      GoldenFiles.assertMatches(expected + "/credit-ledger.csv", csv(spark.sql("SELECT " + LEDGER_COLUMNS
          + " FROM credit_ledger WHERE contract_id = '" + c.getValue()[1] + "' ORDER BY grant_id, day").collectAsList(),
          spark.sql("SELECT " + LEDGER_COLUMNS + " FROM credit_ledger").columns()));
    }
  }

  @Test
  @Order(2)
  void theLedgerHoldsItsIdentityEveryDayAndReconcilesToTheFocusRows() {
    assertThat(spark.sql("SELECT * FROM credit_ledger WHERE closing_balance <> opening_balance - burned - expired").count())
        .isZero();
    assertThat(spark.sql("SELECT * FROM credit_ledger l JOIN credit_ledger p ON l.grant_id = p.grant_id"
        + " AND l.day = date_add(p.day, 1) WHERE l.opening_balance <> p.closing_balance").count()).isZero();
    for (Grant g : config.grants()) {
      // every grant of the cases is used up or past its end: used + unused amortize exactly its price
      BigDecimal used = decimal("SELECT SUM(e.x_AmortizedCost) FROM " + CreditsRunTest.ELEMENTS
          + " WHERE e.ContractCommitmentId = '" + g.id() + "'");
      BigDecimal unused = decimal("SELECT SUM(EffectiveCost) FROM focus_cost_and_usage"
          + " WHERE CommitmentDiscountId = '" + g.id() + "' AND CommitmentDiscountStatus = 'Unused'");
      assertThat(used.add(unused)).as(g.id()).isEqualTo(g.pricePaid().setScale(12));
      // the ledger is what the FOCUS rows say: burned = applied (cost for credits, tokens for packs), expired =
      // Unused quantity, burned in USD = amortized cost, and the balance ends at 0
      BigDecimal burned = decimal("SELECT SUM(burned) FROM credit_ledger WHERE grant_id = '" + g.id() + "'");
      BigDecimal applied = decimal("SELECT SUM(" + (g.tokens() ? "e.ContractCommitmentAppliedQuantity"
          : "e.ContractCommitmentAppliedCost") + ") FROM " + CreditsRunTest.ELEMENTS + " WHERE e.ContractCommitmentId = '"
          + g.id() + "'");
      assertThat(burned).as(g.id()).isEqualByComparingTo(applied);
      BigDecimal expired = decimal("SELECT SUM(expired) FROM credit_ledger WHERE grant_id = '" + g.id() + "'");
      BigDecimal unusedQuantity = decimal("SELECT SUM(CommitmentDiscountQuantity) FROM focus_cost_and_usage"
          + " WHERE CommitmentDiscountId = '" + g.id() + "' AND CommitmentDiscountStatus = 'Unused'");
      assertThat(expired).as(g.id()).isEqualByComparingTo(unusedQuantity);
      assertThat(burned.add(expired)).as(g.id()).isEqualByComparingTo(g.amount());
      BigDecimal burnedUsd = decimal("SELECT SUM(burned_billing_currency) FROM credit_ledger"
          + " WHERE grant_id = '" + g.id() + "'");
      assertThat(burnedUsd).as(g.id()).isEqualByComparingTo(used);
    }
    // a covered row: EffectiveCost = its on-demand remainder + the amortized share of every grant applied; and the
    // on-demand cost of the month = billed + covered
    assertThat(spark.sql("SELECT * FROM focus_cost_and_usage u WHERE ContractApplied IS NOT NULL AND EffectiveCost <>"
        + " BilledCost + (SELECT SUM(e.x_AmortizedCost) FROM " + CreditsRunTest.ELEMENTS + " x WHERE"
        + " x.x_SourceRecordId = u.x_SourceRecordId AND x.x_UsageType = u.x_UsageType)").count()).isZero();
    BigDecimal priced = decimal("SELECT SUM(ContractedCost) FROM focus_cost_and_usage"
        + " WHERE x_SourceKind = 'gateway-log'");
    BigDecimal billed = decimal("SELECT SUM(BilledCost) FROM focus_cost_and_usage"
        + " WHERE x_SourceKind = 'gateway-log'");
    // what grants and reservations covered (their elements carry x_AmortizedCost; a spend commitment's do not)
    BigDecimal covered = decimal("SELECT SUM(e.ContractCommitmentAppliedCost) FROM " + CreditsRunTest.ELEMENTS
        + " WHERE e.x_AmortizedCost IS NOT NULL");
    // (a) 10 x 1.50, (b) 3 x 4.50, (c) 2 x 0.35, (d) 3 x 1.50, (e) 4 x 1.50 + 2 x 4.50, (f) 0.60 + 1.50 + 0.20
    assertThat(priced).isEqualByComparingTo("51.00");
    assertThat(billed.add(covered)).isEqualByComparingTo(priced);
    // (a) 5.00 + 2.50, (b) 4.50 + 4.50 + 2.40, (c) 0.70, (d) 1.50 + 0.50, (f) 0.60 + 0.90 + 0.20
    assertThat(covered).isEqualByComparingTo("23.30");
  }

  @Test
  @Order(2)
  void aSpendCommitmentCountsSpendAndBillsItsShortfallSoItsCommitmentIsReachedExactly() {
    assertThat(config.commitments()).filteredOn(SpendCommitment.class::isInstance).hasSize(2);
    for (Commitment c : config.commitments()) {
      if (!(c instanceof SpendCommitment s)) {
        continue;
      }
      // the term has ended (data up to Dec 1): the spend counted + the shortfall charged = the minimum, and the
      // Contract Commitment row's cost is burned down to 0 by the applied costs
      BigDecimal applied = decimal("SELECT SUM(e.ContractCommitmentAppliedCost) FROM " + CreditsRunTest.ELEMENTS
          + " WHERE e.ContractCommitmentId = '" + s.id() + "'");
      BigDecimal commitment = decimal("SELECT ContractCommitmentCost FROM focus_contract_commitment"
          + " WHERE ContractCommitmentId = '" + s.id() + "'");
      assertThat(applied).as(s.id()).isEqualByComparingTo(commitment).isEqualByComparingTo(s.minimum());
      // the shortfall is a charge: EffectiveCost = BilledCost; usage rows keep their cost (no discount)
      BigDecimal shortfall = decimal("SELECT SUM(EffectiveCost) FROM focus_cost_and_usage WHERE ResourceId = '"
          + s.id() + "' AND ChargeCategory = 'Purchase' AND BilledCost = EffectiveCost");
      BigDecimal counted = decimal("SELECT SUM(e.ContractCommitmentAppliedCost) FROM " + CreditsRunTest.ELEMENTS
          + " WHERE e.ContractCommitmentId = '" + s.id() + "' AND ChargeCategory = 'Usage'");
      assertThat(counted.add(shortfall)).as(s.id()).isEqualByComparingTo(s.minimum());
      BigDecimal burned = decimal("SELECT SUM(burned) FROM credit_ledger WHERE grant_id = '" + s.id() + "'");
      BigDecimal expired = decimal("SELECT SUM(expired) FROM credit_ledger WHERE grant_id = '" + s.id() + "'");
      assertThat(burned).as(s.id()).isEqualByComparingTo(counted);
      assertThat(expired).as(s.id()).isEqualByComparingTo(shortfall);
    }
    assertThat(spark.sql("SELECT * FROM focus_cost_and_usage WHERE BillingAccountId = 'acct-e'"
        + " AND ChargeCategory = 'Usage' AND (BilledCost <> ContractedCost OR CommitmentDiscountId IS NOT NULL)").count())
        .isZero();
  }

  @Test
  @Order(2)
  void aReservationsFeesAreExactlyItsUsedAndUnusedEffectiveCost() {
    for (Commitment c : config.commitments()) {
      if (!(c instanceof ProvisionedThroughput p)) {
        continue;
      }
      BigDecimal fees = decimal("SELECT SUM(BilledCost) FROM focus_cost_and_usage WHERE ResourceId = '" + p.id()
          + "' AND ChargeCategory = 'Purchase'");
      BigDecimal used = decimal("SELECT SUM(e.x_AmortizedCost) FROM " + CreditsRunTest.ELEMENTS
          + " WHERE e.ContractCommitmentId = '" + p.id() + "'");
      BigDecimal unused = decimal("SELECT SUM(EffectiveCost) FROM focus_cost_and_usage WHERE CommitmentDiscountId = '"
          + p.id() + "' AND CommitmentDiscountStatus = 'Unused'");
      BigDecimal cost = decimal("SELECT ContractCommitmentCost FROM focus_contract_commitment"
          + " WHERE ContractCommitmentId = '" + p.id() + "'");
      // one day at 0.60 an hour
      assertThat(fees).as(p.id()).isEqualByComparingTo("14.40").isEqualByComparingTo(cost);
      assertThat(used.add(unused)).as(p.id()).isEqualByComparingTo(fees);
      BigDecimal hours = decimal("SELECT SUM(burned + expired) FROM credit_ledger WHERE grant_id = '" + p.id() + "'");
      assertThat(hours).isEqualByComparingTo(decimal("SELECT ContractCommitmentQuantity FROM focus_contract_commitment"
          + " WHERE ContractCommitmentId = '" + p.id() + "'"));
      BigDecimal amortizedInLedger = decimal("SELECT SUM(burned_billing_currency) FROM credit_ledger WHERE grant_id = '"
          + p.id() + "'");
      assertThat(amortizedInLedger).isEqualByComparingTo(used);
    }
  }

  @Test
  @Order(4)
  void aCostReportOfTheSameProviderDayInALaterRunIsDistributedAndBurnsTheGrantOnce() throws IOException {
    List<String> before = focusLines("openai");
    JobConfig costs = JobConfig.fromYaml(SparkTestSession.projectRoot().resolve(DIR.resolve("golden-costs.yaml")))
        .withWarehouse(warehouse.root());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(costs);
    warehouse.registerViews();

    // the cost report's Nov 3 row (0.05) is distributed over every OpenAI usage row of Nov 3 written by the first run
    // (the key is provider, day and currency, not the account: c-03 of acct-c priced 0.25 + 0.10, d-03 of openai
    // 1.00 + 0.50, case f's f-03-10 0.40 + 0.20 and f-03-11 0.90 + 0.60) and superseded into focus_superseded
    assertThat(spark.sql("SELECT * FROM focus_cost_and_usage WHERE x_SourceKind = 'openai-costs'").count()).isZero();
    assertThat(decimal("SELECT SUM(BilledCost) FROM " + CrossRunCostReports.TABLE)).isEqualByComparingTo("0.05");
    // 0.05 x (0.25, 0.10, 1.00, 0.50, 0.40, 0.20, 0.90, 0.60) / 3.95 = 0.32, 0.13, 1.27, 0.63, 0.51, 0.25, 1.14, 0.76
    // cents -> floors 0 0 1 0 0 0 1 0, the 3 cents left to the largest remainders (.76, .63, .51)
    Map<String, String> nov3 = new java.util.TreeMap<>();
    for (Row r : spark.sql("SELECT x_SourceRecordId, x_UsageType, ContractedCost FROM focus_cost_and_usage"
        + " WHERE ServiceProviderName = 'OpenAI' AND x_SourceKind = 'gateway-log'"
        + " AND date_format(ChargePeriodStart, 'yyyy-MM-dd') = '2026-11-03'").collectAsList()) {
      nov3.put(r.getString(0) + " " + r.getString(1), r.getDecimal(2).stripTrailingZeros().toPlainString());
    }
    assertThat(nov3).containsExactly(Map.entry("c-03 input", "0"), Map.entry("c-03 output", "0"),
        Map.entry("d-03 input", "0.01"), Map.entry("d-03 output", "0.01"), Map.entry("f-03-10 input", "0.01"),
        Map.entry("f-03-10 output", "0"), Map.entry("f-03-11 input", "0.01"), Map.entry("f-03-11 output", "0.01"));
    // the credits stage of the second run starts again from the on-demand amounts: on the grant accounts (c, d) what
    // Nov 3's rows billed plus what the grants covered is their distributed share (0.02), and d-small ($2.00) is
    // burned once: Nov 2 (1.50), Nov 3 (0.02), then 0.48 of Nov 4's input row (0.52 billed)
    assertThat(decimal("SELECT SUM(BilledCost) FROM focus_cost_and_usage WHERE ServiceProviderName = 'OpenAI'"
        + " AND x_SourceKind = 'gateway-log' AND BillingAccountId IN ('acct-c', 'openai')"
        + " AND date_format(ChargePeriodStart, 'yyyy-MM-dd') = '2026-11-03'")
        .add(decimal("SELECT SUM(e.ContractCommitmentAppliedCost) FROM " + CreditsRunTest.ELEMENTS
            + " WHERE BillingAccountId IN ('acct-c', 'openai') AND date_format(ChargePeriodStart, 'yyyy-MM-dd') = '2026-11-03'")))
        .isEqualByComparingTo("0.02");
    assertThat(decimal("SELECT SUM(e.ContractCommitmentAppliedCost) FROM " + CreditsRunTest.ELEMENTS
        + " WHERE e.ContractCommitmentId = 'd-small'")).isEqualByComparingTo("2");
    assertThat(decimal("SELECT SUM(burned) FROM credit_ledger WHERE grant_id = 'd-small'")).isEqualByComparingTo("2");
    assertThat(decimal("SELECT BilledCost FROM focus_cost_and_usage WHERE x_SourceRecordId = 'd-04'"
        + " AND x_UsageType = 'input'")).isEqualByComparingTo("0.52");
    // Nov 1 and 2 of the account are unchanged
    List<String> after = focusLines("openai");
    assertThat(after.stream().filter(l -> l.contains(",2026-11-01,") || l.contains(",2026-11-02,")).toList())
        .containsExactlyElementsOf(before.stream().filter(l -> l.contains(",2026-11-01,") || l.contains(",2026-11-02,")).toList());
  }

  @Test
  @Order(3)
  void validatePassesBothDatasetsWithEveryCommitmentType() {
    // the FOCUS 1.3 requirements model over the cases' rows: shortfall Purchase rows, reservation fee, Used and
    // Unused rows, and the Contract Commitment rows of spend commitments and reservations
    CliTest.Call commitments = CliTest.cli("validate", "--warehouse", warehouse.root(), "--dataset", "ContractCommitment",
        "--all");
    assertThat(commitments.exit()).as(commitments.out() + commitments.err()).isZero();
    CliTest.Call usage = CliTest.cli("validate", "--warehouse", warehouse.root());
    assertThat(usage.exit()).as(usage.out() + usage.err()).isZero();
  }

  private static BigDecimal decimal(String sql) {
    Row r = spark.sql(sql).first();
    return r.isNullAt(0) ? BigDecimal.ZERO : r.getDecimal(0);
  }

  private static List<String> focusLines(String billingAccount) {
    return csv(spark.sql("SELECT " + FOCUS_COLUMNS + " FROM focus_cost_and_usage WHERE BillingAccountId = '"
        + billingAccount + "' ORDER BY Day, x_SourceKind, x_SourceRecordId, x_UsageType, ChargeCategory,"
        + " CommitmentDiscountStatus").collectAsList(),
        spark.sql("SELECT " + FOCUS_COLUMNS + " FROM focus_cost_and_usage").columns());
  }

  /** RFC 4180 lines: a header, then the rows in query order; decimals plain without trailing zeros, times UTC. */
  static List<String> csv(List<Row> rows, String[] header) {
    List<String> out = new ArrayList<>();
    out.add(String.join(",", header));
    for (Row r : rows) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        String text;
        if (v == null) {
          text = "";
        } else if (v instanceof BigDecimal d) {
          text = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        } else if (v instanceof Instant t) {
          text = t.toString();
        } else {
          text = v.toString();
        }
        fields.add(text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
      }
      out.add(String.join(",", fields));
    }
    return out;
  }
}
