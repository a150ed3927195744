package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifocus.allocate.credits.BurnDown;
import io.aifocus.allocate.credits.BurnDown.Application;
import io.aifocus.allocate.credits.BurnDown.Expiry;
import io.aifocus.allocate.credits.BurnDown.LedgerDay;
import io.aifocus.allocate.credits.Consumption;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.allocate.credits.Reservations;
import io.aifocus.allocate.credits.SpendCommitments;
import io.aifocus.api.credits.Commitment;
import io.aifocus.api.credits.Grant;
import io.aifocus.api.credits.ProvisionedThroughput;
import io.aifocus.api.credits.SpendCommitment;
import io.aifocus.schema.ContractCommitmentColumns;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusSchema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * The credits stage (docs/credits.md), run after the sources are written: burns the configured grants with the
 * LLM usage rows in focus_cost_and_usage and writes
 *
 * <ul>
 *   <li>focus_cost_and_usage: the LLM usage rows of the grants' billing periods, recomputed from their on-demand
 *       (contracted) cost with the grants applied, plus one Purchase row per grant and one Unused row per expiry,
 *       in one Delta commit replacing exactly those rows (so a rerun gives the same rows);
 *   <li>focus_contract_commitment: the FOCUS 1.3 Contract Commitment dataset, one row per grant (replaced);
 *   <li>credit_ledger: one row per grant and day with balances and the exhaustion forecast (replaced).
 * </ul>
 *
 * <p>The usage rows of the affected periods are collected to the driver (the burn-down is sequential in
 * charge-time order); see docs/credits.md for the size this suits.
 */
final class CreditsRun {
  /** x_SourceKind of the Purchase and Unused rows this stage writes. */
  static final String SOURCE_KIND = "commitments";
  static final String CONTRACT_COMMITMENT_TABLE = "focus_contract_commitment";
  static final String LEDGER_TABLE = "credit_ledger";
  /** Which rows are consumption a grant may burn (aifocus/credits/consumption.yaml). */
  static final ConsumptionRules RULES = ConsumptionRules.load();

  private static final String USAGE = "Usage";
  /** The custom ContractApplied key of a commitment that changed the row's cost: its share of EffectiveCost. */
  private static final String AMORTIZED_KEY = "x_AmortizedCost";
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final DecimalType MONEY = DataTypes.createDecimalType(38, 12);

  /** What the stage wrote. */
  record Result(LocalDate asOf, int usageRows, int coveredRows, int purchaseRows, int unusedRows, int ledgerRows,
      int shadowedCostRows) {}

  private final SparkSession spark;
  private final Warehouse warehouse;
  private final Progress progress;

  private FxRates fx = FxRates.NONE;

  CreditsRun(SparkSession spark, Warehouse warehouse, Progress progress) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.progress = progress;
  }

  /** The run's FX rates: rewritten and new rows get their reporting-currency amounts (docs/config.md). */
  CreditsRun withFx(FxRates rates) {
    this.fx = rates;
    return this;
  }

  static StructType ledgerSchema() {
    return new StructType()
        .add("grant_id", DataTypes.StringType, false)
        .add("contract_id", DataTypes.StringType, false)
        .add("day", DataTypes.DateType, false)
        .add("unit", DataTypes.StringType, false)
        .add("opening_balance", MONEY, false)
        .add("burned", MONEY, false)
        .add("expired", MONEY, false)
        .add("closing_balance", MONEY, false)
        .add("burned_billing_currency", MONEY, false)
        .add("billing_currency", DataTypes.StringType, false)
        .add("trailing_daily_burn", MONEY, true)
        .add("projected_exhaustion_date", DataTypes.DateType, true)
        .add("runs_out_before_term", DataTypes.BooleanType, false)
        .add("expires_unused", DataTypes.BooleanType, false)
        .add("term_end", DataTypes.DateType, false)
        .add("run_id", DataTypes.StringType, false);
  }

  Result run(List<Commitment> commitments, String runId, Instant ingestedAt) {
    List<Grant> grants = commitments.stream().filter(Grant.class::isInstance).map(Grant.class::cast).toList();
    List<SpendCommitment> spends = commitments.stream().filter(SpendCommitment.class::isInstance)
        .map(SpendCommitment.class::cast).toList();
    List<ProvisionedThroughput> reservations = commitments.stream().filter(ProvisionedThroughput.class::isInstance)
        .map(ProvisionedThroughput.class::cast).toList();
    LocalDate from = commitments.stream().map(Commitment::start).min(Comparator.naturalOrder()).orElseThrow()
        .withDayOfMonth(1);
    LocalDate to = commitments.stream().map(Commitment::end).max(Comparator.naturalOrder()).orElseThrow();
    String usageScope = consumptionScope();
    String replaced = usageScope + " AND " + FocusColumns.BILLING_PERIOD_START + " >= TIMESTAMP '" + from
        + " 00:00:00' AND " + FocusColumns.BILLING_PERIOD_START + " < TIMESTAMP '" + to + " 00:00:00'";

    boolean tableExists = warehouse.exists(CostAndUsageTable.TABLE_NAME);
    StructType schema = tableExists ? warehouse.read(CostAndUsageTable.TABLE_NAME).schema() : CostAndUsageTable.schema();
    List<Row> usage = List.of();
    LocalDate asOf = from;
    if (tableExists) {
      Dataset<Row> table = warehouse.read(CostAndUsageTable.TABLE_NAME);
      Row horizon = table.where(expr(usageScope)).agg(max(col(FocusColumns.BILLING_PERIOD_END))).first();
      if (!horizon.isNullAt(0)) {
        asOf = ((Instant) horizon.get(0)).atZone(ZoneOffset.UTC).toLocalDate();
      }
      usage = new ArrayList<>(table.where(expr(replaced)).collectAsList());
      Fields k = new Fields(schema);
      // a stable order: charge time, then lineage, so rows of the same hour burn in the same order every run
      Comparator<Row> order = Comparator.comparing((Row r) -> (Instant) r.get(k.i(FocusColumns.CHARGE_PERIOD_START)),
          Comparator.nullsFirst(Comparator.naturalOrder()));
      for (String c : List.of(ExtensionColumns.SOURCE_KIND, ExtensionColumns.SOURCE_FILE,
          ExtensionColumns.SOURCE_RECORD_ID, ExtensionColumns.USAGE_TYPE, FocusColumns.SKU_PRICE_ID,
          FocusColumns.CHARGE_DESCRIPTION)) {
        order = order.thenComparing(r -> k.str(r, c), Comparator.nullsFirst(Comparator.naturalOrder()));
      }
      usage.sort(order);
    }
    progress.stage("credits: %d commitment(s), %d LLM usage row(s) from %s to %s, data up to %s",
        commitments.size(), usage.size(), from, to, asOf);

    Fields f = new Fields(schema);
    // every row back to what its source wrote (an earlier credits run may have applied other grants)
    List<Row> base = new ArrayList<>(usage.size());
    for (Row r : usage) {
      base.add(withoutGrants(r, f));
    }
    usage = base;
    // a cost row (invoice view) does not burn on a provider day that has usage rows: they are the same spend
    List<ConsumptionRules.Rule> rules = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    java.util.Set<String> usageDays = new java.util.HashSet<>();
    for (Row r : usage) {
      ConsumptionRules.Rule rule = RULES.match(f.str(r, ExtensionColumns.SOURCE_KIND), f.str(r, FocusColumns.SERVICE_NAME))
          .orElseThrow(() -> new IllegalStateException("credits: a row outside the consumption rules was read"));
      String key = RULES.providerKey(rule, f.str(r, FocusColumns.SERVICE_PROVIDER_NAME));
      rules.add(rule);
      keys.add(key);
      if (rule.role() == ConsumptionRules.Role.USAGE) {
        usageDays.add(dayKey(r, f, key));
      }
    }
    Consumption[] consumption = new Consumption[usage.size()];
    int shadowed = 0;
    for (int i = 0; i < usage.size(); i++) {
      Row r = usage.get(i);
      BigDecimal cost = f.dec(r, FocusColumns.BILLED_COST);
      if (cost == null || cost.signum() < 0 || r.isNullAt(f.i(FocusColumns.CHARGE_PERIOD_START))) {
        continue;
      }
      if (rules.get(i).role() == ConsumptionRules.Role.COST && usageDays.contains(dayKey(r, f, keys.get(i)))) {
        shadowed++;
        continue;
      }
      Optional<BigDecimal> tokens = RULES.tokens(f.str(r, FocusColumns.CONSUMED_UNIT), f.dec(r, FocusColumns.CONSUMED_QUANTITY));
      consumption[i] = (new Consumption(i, keys.get(i),
          String.valueOf(f.str(r, FocusColumns.BILLING_ACCOUNT_ID)), Optional.ofNullable(f.str(r, FocusColumns.SUB_ACCOUNT_ID)),
          String.valueOf(f.str(r, ExtensionColumns.TEAM)), (Instant) r.get(f.i(FocusColumns.CHARGE_PERIOD_START)),
          tokens.filter(t -> t.signum() >= 0), cost, String.valueOf(f.str(r, FocusColumns.BILLING_CURRENCY))));
    }
    if (shadowed > 0) {
      progress.stage("credits: %d cost-report row(s) left on demand: their provider day has usage rows (the same spend)",
          shadowed);
    }
    Map<String, Commitment> byId = new LinkedHashMap<>();
    commitments.forEach(g -> byId.put(g.id(), g));
    Map<Integer, List<Applied>> applied = new java.util.TreeMap<>();
    // 1. provisioned-throughput reservations cover their model's tokens up to each hour's capacity
    List<Reservations.ModelUsage> modelUsage = new ArrayList<>();
    for (Consumption c : consumption) {
      Row r = c == null ? null : usage.get(c.index());
      if (c != null && f.str(r, ExtensionColumns.MODEL) != null && !r.isNullAt(f.i(FocusColumns.CHARGE_PERIOD_END))) {
        modelUsage.add(new Reservations.ModelUsage(c, f.str(r, ExtensionColumns.MODEL),
            (Instant) r.get(f.i(FocusColumns.CHARGE_PERIOD_END))));
      }
    }
    Reservations.Result pt = Reservations.run(reservations, modelUsage, asOf, RULES::canonical);
    for (Reservations.Cover c : pt.covers()) {
      applied.computeIfAbsent(c.index(), k -> new ArrayList<>()).add(new Applied(byId.get(c.reservationId()),
          c.coveredCost(), c.coveredCost(), c.unitHours(), Reservations.HOURS, c.unitHours(),
          Optional.of(c.amortizedCost())));
    }
    // 2. prepaid grants burn what the reservations left
    Map<Integer, BigDecimal> ptTokens = new HashMap<>();
    pt.covers().forEach(c -> ptTokens.merge(c.index(), c.tokens(), BigDecimal::add));
    List<Consumption> forGrants = new ArrayList<>();
    for (Consumption c : consumption) {
      if (c != null) {
        forGrants.add(less(c, applied.getOrDefault(c.index(), List.of()), ptTokens.getOrDefault(c.index(), BigDecimal.ZERO)));
      }
    }
    BurnDown.Result burn = BurnDown.run(grants, forGrants, asOf, RULES::canonical);
    for (Application a : burn.applications()) {
      Grant g = (Grant) byId.get(a.grantId());
      applied.computeIfAbsent(a.index(), k -> new ArrayList<>()).add(new Applied(g, a.coveredCost(), a.coveredCost(),
          a.coveredTokens().orElse(a.coveredCost()), a.coveredTokens().isPresent() ? Grant.TOKENS : g.currency(),
          a.quantity(), Optional.of(a.amortizedCost())));
    }
    // 3. spend commitments count what is billed after both toward their minimum
    List<Consumption> forSpend = new ArrayList<>();
    for (Consumption c : consumption) {
      if (c != null) {
        BigDecimal reduced = applied.getOrDefault(c.index(), List.of()).stream().map(Applied::reduction)
            .reduce(BigDecimal.ZERO, BigDecimal::add);
        forSpend.add(new Consumption(c.index(), c.provider(), c.billingAccountId(), c.subAccountId(), c.team(),
            c.chargePeriodStart(), Optional.empty(), c.onDemandCost().subtract(reduced), c.currency()));
      }
    }
    SpendCommitments.Result spend = SpendCommitments.run(spends, forSpend, asOf, RULES::canonical);
    for (SpendCommitments.Count k : spend.counts()) {
      SpendCommitment sc = (SpendCommitment) byId.get(k.commitmentId());
      applied.computeIfAbsent(k.index(), x -> new ArrayList<>()).add(new Applied(sc, k.amount(), BigDecimal.ZERO,
          k.amount(), sc.currency(), k.amount(), Optional.empty()));
    }

    List<Row> out = new ArrayList<>();
    BigDecimal onDemandIn = BigDecimal.ZERO;
    BigDecimal billedOut = BigDecimal.ZERO;
    BigDecimal coveredOut = BigDecimal.ZERO;
    int coveredRows = 0;
    for (int i = 0; i < usage.size(); i++) {
      Row r = usage.get(i);
      List<Applied> apps = applied.getOrDefault(i, List.of());
      coveredRows += apps.stream().anyMatch(a -> a.amortized().isPresent()) ? 1 : 0;
      Row rewritten = rewriteUsage(r, f, apps);
      BigDecimal cost = f.dec(r, FocusColumns.BILLED_COST);
      if (cost != null) {
        onDemandIn = onDemandIn.add(cost);
        billedOut = billedOut.add(f.dec(rewritten, FocusColumns.BILLED_COST));
        coveredOut = coveredOut.add(apps.stream().map(Applied::reduction).reduce(BigDecimal.ZERO, BigDecimal::add));
      }
      out.add(rewritten);
    }
    if (onDemandIn.compareTo(billedOut.add(coveredOut)) != 0) {
      throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED, "credits: on-demand cost "
          + onDemandIn.toPlainString() + " != billed " + billedOut.toPlainString() + " + covered by grants and"
          + " reservations " + coveredOut.toPlainString());
    }
    checkAmortization(grants, burn);
    checkReservations(pt);
    checkSpendCommitments(spends, spend);

    // the provider and service names the grant's rows carry, from the usage of its provider key
    Map<String, String[]> names = new HashMap<>();
    for (int i = 0; i < usage.size(); i++) {
      Row r = usage.get(i);
      if (f.str(r, FocusColumns.SERVICE_PROVIDER_NAME) != null && f.str(r, FocusColumns.SERVICE_NAME) != null) {
        names.putIfAbsent(keys.get(i), new String[] {f.str(r, FocusColumns.SERVICE_PROVIDER_NAME),
            f.str(r, FocusColumns.SERVICE_NAME)});
      }
    }
    int purchases = 0;
    for (Grant g : grants) {
      out.add(purchaseRow(f, g, names(names, g), runId, ingestedAt));
      purchases++;
    }
    int unused = 0;
    for (Expiry e : burn.expiries()) {
      Grant g = (Grant) byId.get(e.grantId());
      out.add(unusedRow(f, g, e, names(names, g), runId, ingestedAt));
      unused++;
    }
    for (Reservations.Fee fee : pt.fees()) {
      ProvisionedThroughput r = (ProvisionedThroughput) byId.get(fee.reservationId());
      out.add(reservationFeeRow(f, r, fee, names(names, r), runId, ingestedAt));
      purchases++;
    }
    for (Reservations.Idle idle : pt.idle()) {
      ProvisionedThroughput r = (ProvisionedThroughput) byId.get(idle.reservationId());
      out.add(reservationIdleRow(f, r, idle, names(names, r), runId, ingestedAt));
      unused++;
    }
    for (SpendCommitments.Shortfall sf : spend.shortfalls()) {
      SpendCommitment sc = (SpendCommitment) byId.get(sf.commitmentId());
      out.add(shortfallRow(f, sc, sf, names(names, sc), runId, ingestedAt));
      purchases++;
    }

    writeFocus(out, schema, tableExists, "(" + replaced + ") OR " + ExtensionColumns.SOURCE_KIND + " = "
        + PipelineRunner.sqlString(SOURCE_KIND));
    writeContractCommitments(commitments);
    List<LedgerDay> ledger = new ArrayList<>(burn.ledger());
    ledger.addAll(pt.ledger());
    ledger.addAll(spend.ledger());
    writeLedger(ledger, byId, runId);
    Result result = new Result(asOf, usage.size(), coveredRows, purchases, unused, ledger.size(), shadowed);
    progress.stage("credits: %d usage row(s) covered by grants, %d purchase row(s), %d unused row(s), %d ledger row(s)",
        result.coveredRows(), purchases, unused, result.ledgerRows());
    return result;
  }

  /** A grant used up or past its end reconciles: its burns and expiries amortize exactly its price. */
  private static void checkAmortization(List<Grant> grants, BurnDown.Result burn) {
    for (Grant g : grants) {
      if (burn.balanceAtAsOf().get(g.id()).signum() != 0) {
        continue;
      }
      BigDecimal total = burn.applications().stream().filter(a -> a.grantId().equals(g.id()))
          .map(Application::amortizedCost).reduce(BigDecimal.ZERO, BigDecimal::add)
          .add(burn.expiries().stream().filter(e -> e.grantId().equals(g.id())).map(Expiry::amortizedCost)
              .reduce(BigDecimal.ZERO, BigDecimal::add));
      if (total.compareTo(g.pricePaid()) != 0) {
        throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED, "credits: grant " + g.id()
            + " amortizes " + total.toPlainString() + ", its price is " + g.pricePaid().toPlainString());
      }
    }
  }

  /**
   * One commitment applied to a usage row: {@code appliedCost} / {@code appliedQuantity} in {@code appliedUnit} go
   * to its ContractApplied element; {@code reduction} is what it took off the row's BilledCost (the covered
   * on-demand cost; 0 for a spend commitment, which only counts the spend); {@code quantity} is the
   * CommitmentDiscountQuantity in the commitment's unit; {@code amortized} its share of EffectiveCost (empty for a
   * spend commitment: it changes no cost, so its element has no x_AmortizedCost).
   */
  record Applied(Commitment commitment, BigDecimal appliedCost, BigDecimal reduction, BigDecimal appliedQuantity,
      String appliedUnit, BigDecimal quantity, Optional<BigDecimal> amortized) {}

  /** The usage row less what reservations covered (cost and tokens). */
  private static Consumption less(Consumption c, List<Applied> applied, BigDecimal tokens) {
    if (applied.isEmpty()) {
      return c;
    }
    BigDecimal cost = applied.stream().map(Applied::reduction).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new Consumption(c.index(), c.provider(), c.billingAccountId(), c.subAccountId(), c.team(),
        c.chargePeriodStart(), c.tokens().map(t -> t.subtract(tokens)), c.onDemandCost().subtract(cost), c.currency());
  }

  /** Every day of a reservation reconciles: its used hours' amortized shares + its idle hours = its fees. */
  private static void checkReservations(Reservations.Result pt) {
    Map<String, BigDecimal> byDay = new HashMap<>();
    for (Reservations.Cover c : pt.covers()) {
      byDay.merge(c.reservationId() + "|" + c.hour().atZone(ZoneOffset.UTC).toLocalDate(), c.amortizedCost(),
          BigDecimal::add);
    }
    for (Reservations.Idle i : pt.idle()) {
      byDay.merge(i.reservationId() + "|" + i.day(), i.cost(), BigDecimal::add);
    }
    for (Reservations.Fee fee : pt.fees()) {
      BigDecimal effective = byDay.getOrDefault(fee.reservationId() + "|" + fee.day(), BigDecimal.ZERO);
      if (effective.compareTo(fee.fee()) != 0) {
        throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED, "credits: reservation "
            + fee.reservationId() + " on " + fee.day() + ": used + unused " + effective.toPlainString()
            + " != fee " + fee.fee().toPlainString());
      }
    }
  }

  /** Every ended period of a spend commitment reconciles: counted spend + shortfall = the minimum. */
  private static void checkSpendCommitments(List<SpendCommitment> spends, SpendCommitments.Result spend) {
    for (SpendCommitments.Shortfall sf : spend.shortfalls()) {
      SpendCommitment sc = spends.stream().filter(s -> s.id().equals(sf.commitmentId())).findFirst().orElseThrow();
      BigDecimal counted = spend.counts().stream().filter(k -> k.commitmentId().equals(sc.id())
          && !k.day().isBefore(sf.periodStart()) && k.day().isBefore(sf.periodEnd()))
          .map(SpendCommitments.Count::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
      if (counted.add(sf.amount()).compareTo(sc.minimum()) != 0) {
        throw new PipelineException(PipelineErrorCode.RECONCILIATION_FAILED, "credits: spend commitment " + sc.id()
            + " counts " + counted.toPlainString() + " + shortfall " + sf.amount().toPlainString() + " != minimum "
            + sc.minimum().toPlainString());
      }
    }
  }

  /**
   * The rows a grant may burn (aifocus/credits/consumption.yaml): Usage rows a rule matches that carry no
   * commitment discount of their own (or only one this stage set).
   */
  static String consumptionScope() {
    return FocusColumns.CHARGE_CATEGORY + " = '" + USAGE + "' AND " + RULES.sql() + " AND ("
        + FocusColumns.COMMITMENT_DISCOUNT_ID + " IS NULL OR " + FocusColumns.CONTRACT_APPLIED + " IS NOT NULL)";
  }

  private static String dayKey(Row r, Fields f, String providerKey) {
    Instant start = (Instant) r.get(f.i(FocusColumns.CHARGE_PERIOD_START));
    return providerKey + "|" + (start == null ? "" : start.atZone(ZoneOffset.UTC).toLocalDate()) + "|"
        + f.str(r, FocusColumns.BILLING_CURRENCY);
  }

  /**
   * The row as its source wrote it. A row this stage rewrote records in ContractApplied what each grant covered
   * (applied cost) and what it added (x_AmortizedCost), so BilledCost = billed + Σ applied and EffectiveCost =
   * effective + Σ applied − Σ amortized, exactly; the pricing-currency columns go back to the billing currency.
   */
  static Row withoutGrants(Row r, Fields f) {
    String applied = f.str(r, FocusColumns.CONTRACT_APPLIED);
    if (applied == null) {
      return r;
    }
    BigDecimal covered = BigDecimal.ZERO;
    BigDecimal amortized = BigDecimal.ZERO;
    try {
      for (com.fasterxml.jackson.databind.JsonNode e : JSON.readTree(applied).path("Elements")) {
        if (!e.has(AMORTIZED_KEY)) {
          continue; // a spend commitment's element: it counted the spend and changed no cost
        }
        covered = covered.add(e.path("ContractCommitmentAppliedCost").decimalValue());
        amortized = amortized.add(e.path(AMORTIZED_KEY).decimalValue());
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("credits: unreadable ContractApplied: " + applied, e);
    }
    Object[] v = f.values(r);
    BigDecimal billed = f.dec(r, FocusColumns.BILLED_COST).add(covered);
    BigDecimal effective = f.dec(r, FocusColumns.EFFECTIVE_COST).add(covered).subtract(amortized);
    f.set(v, FocusColumns.BILLED_COST, money(billed));
    f.set(v, FocusColumns.EFFECTIVE_COST, money(effective));
    f.set(v, FocusColumns.PRICING_CURRENCY, r.get(f.i(FocusColumns.BILLING_CURRENCY)));
    f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, money(effective));
    f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, r.get(f.i(FocusColumns.LIST_UNIT_PRICE)));
    f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, r.get(f.i(FocusColumns.CONTRACTED_UNIT_PRICE)));
    clearCommitment(f, v);
    return RowFactory.create(v);
  }

  private static Row rewriteUsage(Row r, Fields f, List<Applied> apps) {
    if (apps.isEmpty()) {
      return r;
    }
    Object[] v = f.values(r);
    BigDecimal cost = f.dec(r, FocusColumns.BILLED_COST);
    BigDecimal sourceEffective = f.dec(r, FocusColumns.EFFECTIVE_COST);
    BigDecimal covered = apps.stream().map(Applied::reduction).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal amortized = apps.stream().map(a -> a.amortized().orElse(BigDecimal.ZERO))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    f.set(v, FocusColumns.CONTRACT_APPLIED, contractApplied(apps));
    // the commitment discount of the row: the grant or reservation that covered most of it (ties: the first);
    // a spend commitment is a contract commitment, not a discount, and changes no cost
    Optional<Applied> discount = Optional.empty();
    for (Applied a : apps) {
      if (a.amortized().isPresent() && (discount.isEmpty() || a.reduction().compareTo(discount.get().reduction()) > 0)) {
        discount = Optional.of(a);
      }
    }
    if (discount.isEmpty()) {
      return RowFactory.create(v);
    }
    Applied primary = discount.get();
    BigDecimal billed = cost.subtract(covered);
    // the covered on-demand part is replaced by what the commitments cost (LLM sources: EffectiveCost = BilledCost)
    BigDecimal effective = (sourceEffective == null ? cost : sourceEffective).subtract(covered).add(amortized);
    f.set(v, FocusColumns.BILLED_COST, money(billed));
    f.set(v, FocusColumns.EFFECTIVE_COST, money(effective));
    setCommitment(f, v, primary.commitment());
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_STATUS, "Used");
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_QUANTITY, money(primary.quantity()));
    if (!(primary.commitment() instanceof Grant g)) {
      // a reservation is paid in the billing currency
      f.set(v, FocusColumns.PRICING_CURRENCY, r.get(f.i(FocusColumns.BILLING_CURRENCY)));
      f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, r.get(f.i(FocusColumns.LIST_UNIT_PRICE)));
      f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, r.get(f.i(FocusColumns.CONTRACTED_UNIT_PRICE)));
      f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, money(effective));
      return RowFactory.create(v);
    }
    Optional<BigDecimal> consumed = RULES.tokens(f.str(r, FocusColumns.CONSUMED_UNIT), f.dec(r, FocusColumns.CONSUMED_QUANTITY));
    BigDecimal pricingQuantity = f.dec(r, FocusColumns.PRICING_QUANTITY);
    if (g.tokens() && consumed.isPresent() && pricingQuantity != null && pricingQuantity.signum() > 0) {
      // the virtual currency: a row's price in Tokens is its token count (tokens per pricing unit x quantity)
      BigDecimal tokensPerUnit = consumed.get().divide(pricingQuantity, 12, RoundingMode.HALF_EVEN);
      f.set(v, FocusColumns.PRICING_CURRENCY, Grant.TOKENS);
      f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, money(tokensPerUnit));
      f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, money(tokensPerUnit));
      f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, money(consumed.get()));
    } else if (!g.tokens() && g.virtualCurrency()) {
      // a virtual currency worth a fixed amount (Credits): prices and the row's on-demand cost in that unit
      BigDecimal value = g.valuePerUnit().orElseThrow();
      f.set(v, FocusColumns.PRICING_CURRENCY, g.unit());
      f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, inUnits(f.dec(r, FocusColumns.LIST_UNIT_PRICE), value));
      f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE,
          inUnits(f.dec(r, FocusColumns.CONTRACTED_UNIT_PRICE), value));
      f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, inUnits(cost, value));
    } else {
      f.set(v, FocusColumns.PRICING_CURRENCY, r.get(f.i(FocusColumns.BILLING_CURRENCY)));
      f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, r.get(f.i(FocusColumns.LIST_UNIT_PRICE)));
      f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, r.get(f.i(FocusColumns.CONTRACTED_UNIT_PRICE)));
      f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, money(effective));
    }
    return RowFactory.create(v);
  }

  /**
   * ContractApplied per FOCUS 1.3 (notes §6.2, errata #3/#5): one element per grant burned with the five FOCUS
   * keys, none null, as the 1.3 requirements model checks (O-007-M all five present; each typed and not null):
   * ContractId, ContractCommitmentId, the applied cost (on-demand value covered, billing currency) and the
   * applied quantity and unit (tokens covered). {@code x_AmortizedCost} is the element's share of EffectiveCost.
   */
  static String contractApplied(List<Applied> apps) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode elements = root.putArray("Elements");
    for (Applied a : apps) {
      Commitment g = a.commitment();
      ObjectNode e = elements.addObject();
      e.put(ContractCommitmentColumns.CONTRACT_ID, g.contractId());
      e.put(ContractCommitmentColumns.CONTRACT_COMMITMENT_ID, g.id());
      // all five keys, none null (rules ContractAppliedObject-O-007-M and the type/value rules of each key):
      // a grant: the on-demand value covered and the tokens covered (the covered cost when the row has no tokens);
      // a reservation: the on-demand value covered and the row's share of the hour's model-unit hours; a spend
      // commitment: the spend counted toward its minimum, in the billing currency
      e.put("ContractCommitmentAppliedCost", plain(a.appliedCost()));
      e.put("ContractCommitmentAppliedQuantity", plain(a.appliedQuantity()));
      e.put("ContractCommitmentAppliedUnit", a.appliedUnit());
      a.amortized().ifPresent(m -> e.put(AMORTIZED_KEY, plain(m)));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void setCommitment(Fields f, Object[] v, Commitment c) {
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_ID, c.id());
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_CATEGORY, category(c));
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_NAME, c.description().orElse(c.id()));
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_TYPE, type(c));
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_UNIT, c instanceof Grant g ? g.unit() : Reservations.HOURS);
  }

  /** CommitmentDiscountCategory / ContractCommitmentCategory: Usage for tokens and reserved hours, else Spend. */
  static String category(Commitment c) {
    return c instanceof Grant g && !g.tokens() || c instanceof SpendCommitment ? "Spend" : "Usage";
  }

  private static void clearCommitment(Fields f, Object[] v) {
    for (String c : List.of(FocusColumns.COMMITMENT_DISCOUNT_ID, FocusColumns.COMMITMENT_DISCOUNT_CATEGORY,
        FocusColumns.COMMITMENT_DISCOUNT_NAME, FocusColumns.COMMITMENT_DISCOUNT_TYPE,
        FocusColumns.COMMITMENT_DISCOUNT_UNIT, FocusColumns.COMMITMENT_DISCOUNT_STATUS,
        FocusColumns.COMMITMENT_DISCOUNT_QUANTITY, FocusColumns.CONTRACT_APPLIED)) {
      f.set(v, c, null);
    }
  }

  /** A billing-currency amount in units of a virtual currency worth {@code value} each, at 12 decimals. */
  private static BigDecimal inUnits(BigDecimal amount, BigDecimal value) {
    return amount == null ? null : amount.divide(value, 12, RoundingMode.HALF_EVEN);
  }

  static String type(Commitment c) {
    if (c instanceof Grant g) {
      return g.tokens() ? "Prepaid Token Pack" : "Prepaid Credit";
    }
    return c instanceof SpendCommitment ? "Spend Commitment" : "Provisioned Throughput";
  }

  /** ServiceProviderName and ServiceName of the grant's rows: those of its provider's usage, else from the grant. */
  private static String[] names(Map<String, String[]> names, Commitment g) {
    return names.getOrDefault(RULES.canonical(g.provider()), new String[] {g.provider(), g.provider() + " API"});
  }

  /** Columns every row this stage creates shares: provider, billing account and period, service, lineage. */
  private static Object[] commitmentRow(Fields f, Commitment g, String[] names, LocalDate chargeDay, String runId,
      Instant ingestedAt) {
    Object[] v = new Object[f.schema.size()];
    LocalDate period = chargeDay.withDayOfMonth(1);
    f.set(v, FocusColumns.BILLING_ACCOUNT_ID, g.scope().billingAccountId());
    f.set(v, FocusColumns.BILLING_CURRENCY, g.currency());
    f.set(v, FocusColumns.BILLING_PERIOD_START, instant(period));
    f.set(v, FocusColumns.BILLING_PERIOD_END, instant(period.plusMonths(1)));
    f.set(v, FocusColumns.CHARGE_PERIOD_START, instant(chargeDay));
    f.set(v, FocusColumns.CHARGE_PERIOD_END, instant(chargeDay.plusDays(1)));
    f.set(v, FocusColumns.SUB_ACCOUNT_ID, g.scope().subAccountId().orElse(null));
    for (String p : List.of(FocusColumns.PROVIDER_NAME, FocusColumns.SERVICE_PROVIDER_NAME, FocusColumns.HOST_PROVIDER_NAME,
        FocusColumns.PUBLISHER_NAME, FocusColumns.INVOICE_ISSUER_NAME)) {
      f.set(v, p, names[0]);
    }
    f.set(v, FocusColumns.SERVICE_NAME, names[1]);
    f.set(v, FocusColumns.SERVICE_CATEGORY, "AI and Machine Learning");
    f.set(v, FocusColumns.SERVICE_SUBCATEGORY, "Generative AI");
    f.set(v, FocusColumns.RESOURCE_ID, g.id());
    f.set(v, FocusColumns.RESOURCE_NAME, g.description().orElse(g.id()));
    f.set(v, FocusColumns.SKU_ID, "commitment/" + type(g));
    f.set(v, FocusColumns.SKU_METER, type(g));
    f.set(v, FocusColumns.SKU_PRICE_ID, g.id());
    setCommitment(f, v, g);
    f.set(v, ExtensionColumns.TEAM, g.scope().team().orElse(CostAndUsageTable.UNATTRIBUTED_TEAM));
    f.set(v, ExtensionColumns.MODEL, g instanceof ProvisionedThroughput p ? p.model().toLowerCase(java.util.Locale.ROOT)
        : CostAndUsageTable.NO_MODEL);
    f.set(v, ExtensionColumns.SOURCE_KIND, SOURCE_KIND);
    f.set(v, ExtensionColumns.SOURCE_FILE, g.source());
    f.set(v, ExtensionColumns.RUN_ID, runId);
    f.set(v, ExtensionColumns.INGESTED_AT, ingestedAt);
    f.set(v, ExtensionColumns.SOURCE_RECORD_ID, g.id());
    return v;
  }

  /** The purchase: billed in full on the start day, amortized later (EffectiveCost 0). */
  private static Row purchaseRow(Fields f, Grant g, String[] names, String runId, Instant ingestedAt) {
    Object[] v = commitmentRow(f, g, names, g.start(), runId, ingestedAt);
    BigDecimal price = money(g.pricePaid());
    f.set(v, FocusColumns.CHARGE_CATEGORY, "Purchase");
    f.set(v, FocusColumns.CHARGE_FREQUENCY, "One-Time");
    f.set(v, FocusColumns.CHARGE_DESCRIPTION, type(g) + " " + g.id() + ": " + g.amount().toPlainString() + " "
        + g.unit() + " until " + g.end());
    setAmortizedPurchase(f, v, price, "Commitments", "Committed", g.currency());
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_QUANTITY, money(g.amount()));
    return RowFactory.create(v);
  }

  /**
   * A purchase billed now and amortized later: BilledCost = List = Contracted = {@code price} for one unit of
   * {@code unit}, EffectiveCost 0 (the amortized shares land on the Used and Unused rows).
   */
  private static void setAmortizedPurchase(Fields f, Object[] v, BigDecimal price, String unit, String category,
      String currency) {
    f.set(v, FocusColumns.BILLED_COST, price);
    f.set(v, FocusColumns.LIST_COST, price);
    f.set(v, FocusColumns.CONTRACTED_COST, price);
    f.set(v, FocusColumns.EFFECTIVE_COST, money(BigDecimal.ZERO));
    f.set(v, FocusColumns.LIST_UNIT_PRICE, price);
    f.set(v, FocusColumns.CONTRACTED_UNIT_PRICE, price);
    f.set(v, FocusColumns.PRICING_QUANTITY, money(BigDecimal.ONE));
    f.set(v, FocusColumns.PRICING_UNIT, unit);
    f.set(v, FocusColumns.PRICING_CATEGORY, category);
    f.set(v, FocusColumns.PRICING_CURRENCY, currency);
    f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, price);
    f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, price);
    f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, money(BigDecimal.ZERO));
  }

  /**
   * Commitment capacity not used: billed nothing (List, Contracted and unit prices 0), {@code amortized} as
   * EffectiveCost, {@code quantity} of {@code unit} as PricingQuantity and CommitmentDiscountQuantity, status Unused.
   */
  private static void setUnused(Fields f, Object[] v, BigDecimal amortized, BigDecimal quantity, String unit,
      String pricingCurrency, BigDecimal pricingCurrencyEffectiveCost) {
    BigDecimal zero = money(BigDecimal.ZERO);
    f.set(v, FocusColumns.BILLED_COST, zero);
    f.set(v, FocusColumns.LIST_COST, zero);
    f.set(v, FocusColumns.CONTRACTED_COST, zero);
    f.set(v, FocusColumns.EFFECTIVE_COST, money(amortized));
    f.set(v, FocusColumns.LIST_UNIT_PRICE, zero);
    f.set(v, FocusColumns.CONTRACTED_UNIT_PRICE, zero);
    f.set(v, FocusColumns.PRICING_QUANTITY, money(quantity));
    f.set(v, FocusColumns.PRICING_UNIT, unit);
    f.set(v, FocusColumns.PRICING_CATEGORY, "Committed");
    f.set(v, FocusColumns.PRICING_CURRENCY, pricingCurrency);
    f.set(v, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, zero);
    f.set(v, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, zero);
    f.set(v, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, money(pricingCurrencyEffectiveCost));
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_STATUS, "Unused");
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_QUANTITY, money(quantity));
  }

  /** Balance that expired: billed nothing, its amortized share of the price as EffectiveCost. */
  private static Row unusedRow(Fields f, Grant g, Expiry e, String[] names, String runId, Instant ingestedAt) {
    Object[] v = commitmentRow(f, g, names, e.day(), runId, ingestedAt);
    f.set(v, FocusColumns.CHARGE_CATEGORY, USAGE);
    f.set(v, FocusColumns.CHARGE_FREQUENCY, "Usage-Based");
    f.set(v, FocusColumns.CHARGE_DESCRIPTION, type(g) + " " + g.id() + ": " + e.quantity().toPlainString() + " "
        + g.unit() + " expired unused");
    // in a virtual currency (Tokens, Credits) the expired units; in the billing currency the amortized share
    setUnused(f, v, e.amortizedCost(), e.quantity(), g.unit(), g.unit(),
        g.virtualCurrency() ? e.quantity() : e.amortizedCost());
    return RowFactory.create(v);
  }

  /**
   * A reservation's fees of one day: a recurring Purchase billed that day, amortized into the day's used hours
   * and idle hours (EffectiveCost 0); CommitmentDiscountQuantity = the day's model-unit hours.
   */
  private static Row reservationFeeRow(Fields f, ProvisionedThroughput p, Reservations.Fee fee, String[] names,
      String runId, Instant ingestedAt) {
    Object[] v = commitmentRow(f, p, names, fee.day(), runId, ingestedAt);
    BigDecimal price = money(fee.fee());
    f.set(v, FocusColumns.CHARGE_CATEGORY, "Purchase");
    f.set(v, FocusColumns.CHARGE_FREQUENCY, "Recurring");
    f.set(v, FocusColumns.CHARGE_DESCRIPTION, type(p) + " " + p.id() + ": " + p.modelUnits() + " model unit(s) of "
        + p.model() + ", " + fee.hours() + " hour(s) at " + p.fee().toPlainString() + " " + p.currency() + " per "
        + p.feePer().name().toLowerCase(java.util.Locale.ROOT));
    setAmortizedPurchase(f, v, price, "Days", "Standard", p.currency());
    f.set(v, FocusColumns.COMMITMENT_DISCOUNT_QUANTITY, money(fee.unitHours()));
    return RowFactory.create(v);
  }

  /** A reservation's hours of one day without covered usage: billed nothing, their fees as EffectiveCost. */
  private static Row reservationIdleRow(Fields f, ProvisionedThroughput p, Reservations.Idle idle, String[] names,
      String runId, Instant ingestedAt) {
    Object[] v = commitmentRow(f, p, names, idle.day(), runId, ingestedAt);
    f.set(v, FocusColumns.CHARGE_CATEGORY, USAGE);
    f.set(v, FocusColumns.CHARGE_FREQUENCY, "Usage-Based");
    f.set(v, FocusColumns.CHARGE_DESCRIPTION, type(p) + " " + p.id() + ": " + idle.hours() + " hour(s) without usage");
    setUnused(f, v, idle.cost(), idle.unitHours(), Reservations.HOURS, p.currency(), idle.cost());
    return RowFactory.create(v);
  }

  /**
   * The shortfall of a spend commitment's period, billed on its last day: a Purchase (the minimum bought and not
   * used; it prepays nothing, so EffectiveCost = BilledCost), no commitment discount (a spend commitment is a
   * contract commitment), ContractApplied with the shortfall applied to the commitment (so its burn-down ends at 0).
   */
  private static Row shortfallRow(Fields f, SpendCommitment c, SpendCommitments.Shortfall sf, String[] names,
      String runId, Instant ingestedAt) {
    Object[] v = commitmentRow(f, c, names, sf.day(), runId, ingestedAt);
    clearCommitment(f, v);
    BigDecimal amount = money(sf.amount());
    f.set(v, FocusColumns.CHARGE_CATEGORY, "Purchase");
    f.set(v, FocusColumns.CHARGE_FREQUENCY, c.period() == SpendCommitment.Period.TERM ? "One-Time" : "Recurring");
    f.set(v, FocusColumns.CHARGE_DESCRIPTION, type(c) + " " + c.id() + ": shortfall " + sf.amount().toPlainString()
        + " " + c.currency() + " of the " + c.minimum().toPlainString() + " " + c.currency() + " minimum from "
        + sf.periodStart() + " to " + sf.periodEnd());
    for (String cost : List.of(FocusColumns.BILLED_COST, FocusColumns.LIST_COST, FocusColumns.CONTRACTED_COST,
        FocusColumns.EFFECTIVE_COST, FocusColumns.LIST_UNIT_PRICE, FocusColumns.CONTRACTED_UNIT_PRICE,
        FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE,
        FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST)) {
      f.set(v, cost, amount);
    }
    f.set(v, FocusColumns.PRICING_QUANTITY, money(BigDecimal.ONE));
    f.set(v, FocusColumns.PRICING_UNIT, "Commitments");
    f.set(v, FocusColumns.PRICING_CATEGORY, "Standard");
    f.set(v, FocusColumns.PRICING_CURRENCY, c.currency());
    f.set(v, FocusColumns.CONTRACT_APPLIED, contractApplied(List.of(new Applied(c, sf.amount(), BigDecimal.ZERO,
        sf.amount(), c.currency(), sf.amount(), Optional.empty()))));
    return RowFactory.create(v);
  }

  private void writeFocus(List<Row> rows, StructType schema, boolean tableExists, String predicate) {
    Dataset<Row> data = fx.apply(spark.createDataFrame(rows, schema));
    String path = warehouse.path(CostAndUsageTable.TABLE_NAME);
    if (!tableExists) {
      data.write().format("delta").mode(SaveMode.Append)
          .partitionBy(CostAndUsageTable.PARTITION_COLUMNS.toArray(String[]::new)).save(path);
    } else {
      data.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate).save(path);
    }
  }

  private void writeContractCommitments(List<Commitment> commitments) {
    StructType schema = FocusSchema.contractCommitment().sparkSchema();
    Fields f = new Fields(schema);
    List<Row> rows = new ArrayList<>();
    for (Commitment c : commitments) {
      Object[] v = new Object[schema.size()];
      f.set(v, ContractCommitmentColumns.BILLING_CURRENCY, c.currency());
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_CATEGORY, category(c));
      BigDecimal cost;
      BigDecimal quantity;
      String unit;
      String description;
      if (c instanceof Grant g) {
          // Spend: the credit's face value in the billing currency (amount x value per unit; what
          // ContractCommitmentAppliedCost burns down); Usage: the price paid
          cost = g.faceValue().orElse(g.pricePaid());
          quantity = g.tokens() ? g.amount() : null;
          unit = g.tokens() ? g.unit() : null;
          description = type(g) + " " + g.amount().toPlainString() + " " + g.unit() + " for "
              + g.pricePaid().toPlainString() + " " + g.currency();
      } else if (c instanceof SpendCommitment s) {
          // the minimum of every period together (what the applied spend and the shortfalls burn down)
          cost = s.termMinimum();
          quantity = null;
          unit = null;
          description = type(s) + " " + s.minimum().toPlainString() + " " + s.currency() + " per "
              + (s.period() == SpendCommitment.Period.TERM ? "term" : "month");
      } else {
        ProvisionedThroughput p = (ProvisionedThroughput) c;
          // the fees of the whole term, and its model-unit hours (what the applied hours burn down)
          long hours = java.time.temporal.ChronoUnit.HOURS.between(instant(p.start()), instant(p.expiry()));
          long months = 0;
          for (LocalDate m = p.start(); m.isBefore(p.expiry()); m = m.plusMonths(1)) {
            months++;
          }
          cost = p.fee().multiply(BigDecimal.valueOf(p.feePer() == ProvisionedThroughput.FeePer.HOUR ? hours : months));
          quantity = BigDecimal.valueOf(hours * p.modelUnits());
          unit = Reservations.HOURS;
          description = type(p) + " " + p.modelUnits() + " model unit(s) of " + p.model() + ", "
              + p.tokensPerHour().toPlainString() + " tokens an hour, " + p.fee().toPlainString() + " " + p.currency()
              + " per " + p.feePer().name().toLowerCase(java.util.Locale.ROOT);
      }
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_COST, money(cost));
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_DESCRIPTION,
          description + c.description().map(d -> ": " + d).orElse(""));
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_ID, c.id());
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_PERIOD_START, instant(c.start()));
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_PERIOD_END, instant(c.end()));
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_QUANTITY, quantity == null ? null : money(quantity));
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_TYPE, type(c));
      f.set(v, ContractCommitmentColumns.CONTRACT_COMMITMENT_UNIT, unit);
      f.set(v, ContractCommitmentColumns.CONTRACT_ID, c.contractId());
      f.set(v, ContractCommitmentColumns.CONTRACT_PERIOD_START, instant(commitments.stream()
          .filter(o -> o.contractId().equals(c.contractId())).map(Commitment::start).min(Comparator.naturalOrder())
          .orElseThrow()));
      f.set(v, ContractCommitmentColumns.CONTRACT_PERIOD_END, instant(commitments.stream()
          .filter(o -> o.contractId().equals(c.contractId())).map(Commitment::end).max(Comparator.naturalOrder())
          .orElseThrow()));
      rows.add(RowFactory.create(v));
    }
    spark.createDataFrame(rows, schema).write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true").save(warehouse.path(CONTRACT_COMMITMENT_TABLE));
  }

  private void writeLedger(List<LedgerDay> ledger, Map<String, Commitment> commitments, String runId) {
    List<Row> rows = new ArrayList<>();
    for (LedgerDay d : ledger) {
      Commitment g = commitments.get(d.grantId());
      rows.add(RowFactory.create(d.grantId(), g.contractId(), d.day(), d.unit(), money(d.openingBalance()),
          money(d.burned()), money(d.expired()), money(d.closingBalance()), money(d.burnedBillingCurrency()),
          g.currency(), d.trailingDailyBurn().map(CreditsRun::money).orElse(null),
          d.projectedExhaustionDate().orElse(null), d.runsOutBeforeTerm(), d.expiresUnused(), g.end(), runId));
    }
    spark.createDataFrame(rows, ledgerSchema()).write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true").save(warehouse.path(LEDGER_TABLE));
  }

  private static BigDecimal money(BigDecimal value) {
    return value.setScale(12, RoundingMode.UNNECESSARY);
  }

  private static BigDecimal plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static Instant instant(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Column positions of a table layout. */
  static final class Fields {
    final StructType schema;

    Fields(StructType schema) {
      this.schema = schema;
    }

    int i(String column) {
      return schema.fieldIndex(column);
    }

    Object[] values(Row r) {
      Object[] v = new Object[schema.size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = r.get(k);
      }
      return v;
    }

    void set(Object[] v, String column, Object value) {
      v[i(column)] = value;
    }

    String str(Row r, String column) {
      int k = i(column);
      return r.isNullAt(k) ? null : r.getString(k);
    }

    BigDecimal dec(Row r, String column) {
      int k = i(column);
      return r.isNullAt(k) ? null : r.getDecimal(k);
    }
  }
}
