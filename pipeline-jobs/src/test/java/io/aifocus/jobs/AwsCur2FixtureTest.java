package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.jobs.validate.Applicability;
import io.aifocus.jobs.validate.ConformanceEngine;
import io.aifocus.jobs.validate.ConformanceEngine.RuleResult;
import io.aifocus.jobs.validate.ConformanceEngine.Status;
import io.aifocus.jobs.validate.ModelFixes;
import io.aifocus.jobs.validate.RequirementsModel;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-built CUR 2.0 fixture with every commitment line type: golden rows plus the amortization
 * invariants (commitment costs move from purchase rows to covered usage, the totals do not change), and the
 * table aifocus writes from it passes every applicable mandatory Static rule of FOCUS 1.3. One pipeline run for
 * the class; the tests only read its warehouse.
 */
class AwsCur2FixtureTest {
  static final String FIXTURE = "sample-data/aws-cur/input/cur2-ai-platform-2026-11.csv";
  private static Warehouse warehouse;
  private static Dataset<Row> focus;

  @BeforeAll
  static void run() {
    SparkSession spark = SparkTestSession.get();
    Path warehouseDir = SparkTestSession.newDirectory("cur2");
    warehouse = new Warehouse(spark, warehouseDir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(warehouseDir.toString(),
        List.of(SourceSpec.of(SourceKind.AWS_CUR, SparkTestSession.projectRoot().resolve(FIXTURE).toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
    focus = warehouse.read(CostAndUsageTable.TABLE_NAME).cache();
  }

  @Test
  void matchesGoldenRows() throws IOException {
    GoldenFiles.assertMatches("sample-data/aws-cur/expected/focus-cur2-ai-platform.jsonl",
        GoldenFiles.lines(focus, Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT),
            Set.of(ExtensionColumns.SOURCE_FILE)));
  }

  /** A table aifocus writes (this fixture) passes every applicable mandatory Static rule of FOCUS 1.3. */
  @Test
  void theNormalizedCurFixturePassesEveryApplicableMandatoryRule() {
    Dataset<Row> table = warehouse.read(CostAndUsageTable.TABLE_NAME);
    RequirementsModel model = RequirementsModel.load("1.3");
    List<RuleResult> results = new ConformanceEngine(model, "CostAndUsage", Applicability.AIFOCUS_OUTPUT, false,
        ModelFixes.aifocusWaivers()).run(table);
    assertThat(results).filteredOn(r -> r.status() == Status.failed && r.mandatory()).isEmpty();
    assertThat(results).filteredOn(r -> r.status() == Status.passed).hasSizeGreaterThan(250);
    // of the waivers (docs/validation.md) the CUR-only table needs just the unit price x quantity ones: CUR rounds
    // its list and contracted costs
    assertThat(results).filteredOn(r -> r.reason().startsWith("waived") && r.violations() > 0)
        .extracting(RuleResult::ruleId).containsExactlyInAnyOrder("CAU-ContractedCost-C-011-C",
            "CAU-ContractedUnitPrice-C-013-C", "CAU-ListUnitPrice-C-014-C", "CAU-ListCost-C-011-C");
  }

  @Test
  void amortizationMovesCommitmentCostWithoutChangingTheTotal() {
    Row totals = focus.agg(sum(col(FocusColumns.BILLED_COST)), sum(col(FocusColumns.EFFECTIVE_COST))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo("8717.491175");
    assertThat(totals.getDecimal(1)).isEqualByComparingTo("8717.491175");

    // per commitment: Σ EffectiveCost over its rows = Σ BilledCost of its purchase rows
    Map<String, BigDecimal[]> byCommitment = focus.where(col(FocusColumns.COMMITMENT_DISCOUNT_ID).isNotNull())
        .groupBy(FocusColumns.COMMITMENT_DISCOUNT_ID)
        .agg(sum(col(FocusColumns.EFFECTIVE_COST)),
            sum(org.apache.spark.sql.functions.when(col(FocusColumns.CHARGE_CATEGORY).equalTo("Purchase"),
                col(FocusColumns.BILLED_COST))))
        .collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> new BigDecimal[] {r.getDecimal(1), r.getDecimal(2)}));
    assertThat(byCommitment).hasSize(2);
    assertThat(byCommitment.get("arn:aws:savingsplans::111122223333:savingsplan/sp-0a1b2c3d4e5f"))
        .satisfies(v -> {
          assertThat(v[0]).isEqualByComparingTo("1560.00");
          assertThat(v[1]).isEqualByComparingTo("1560.00");
        });
    assertThat(byCommitment.get("arn:aws:rds:us-east-1:111122223333:ri:feature-store-ri"))
        .satisfies(v -> {
          assertThat(v[0]).isEqualByComparingTo("23.364");
          assertThat(v[1]).isEqualByComparingTo("23.364");
        });
  }

  @Test
  void everyLineItemTypeGetsItsFocusCategory() {
    Map<String, String> categories = focus.groupBy(ExtensionColumns.LINE_ITEM_TYPE, FocusColumns.CHARGE_CATEGORY)
        .agg(count("*")).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    assertThat(categories).containsExactlyInAnyOrderEntriesOf(Map.of(
        "Usage", "Usage", "SavingsPlanCoveredUsage", "Usage", "SavingsPlanNegation", "Usage",
        "DiscountedUsage", "Usage", "SavingsPlanRecurringFee", "Purchase", "RIFee", "Purchase",
        "EdpDiscount", "Credit", "Credit", "Credit", "Tax", "Tax"));
    Row covered = focus.where(col(ExtensionColumns.LINE_ITEM_TYPE).equalTo("SavingsPlanCoveredUsage")).first();
    assertThat(covered.<String>getAs(FocusColumns.COMMITMENT_DISCOUNT_STATUS)).isEqualTo("Used");
    assertThat(covered.<String>getAs(FocusColumns.COMMITMENT_DISCOUNT_TYPE)).isEqualTo("Savings Plan");
    assertThat(covered.<String>getAs(FocusColumns.COMMITMENT_DISCOUNT_CATEGORY)).isEqualTo("Spend");
    assertThat(covered.<String>getAs(FocusColumns.PRICING_CATEGORY)).isEqualTo("Committed");
    assertThat(covered.<BigDecimal>getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("511.2528");
  }

  @Test
  void teamsAndModelsComeFromTagsAndBedrockUsageTypes() {
    Map<String, Long> teamModel = focus.groupBy(ExtensionColumns.TEAM, ExtensionColumns.MODEL).agg(count("*"))
        .collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0) + "/" + r.getString(1), r -> r.getLong(2)));
    assertThat(teamModel).containsEntry("search/claude3.5sonnet", 6L)
        .containsEntry("support/claude3haiku", 6L)
        .containsEntry("search/titanembeddingsg2-text", 3L)
        .containsEntry("ml-platform/none", 4L)
        .containsKey("unattributed/none");
    Row bedrock = focus.where(col(ExtensionColumns.MODEL).equalTo("claude3haiku")).first();
    assertThat(bedrock.<String>getAs(FocusColumns.SERVICE_CATEGORY)).isEqualTo("AI and Machine Learning");
    assertThat(bedrock.<String>getAs(FocusColumns.SERVICE_SUBCATEGORY)).isEqualTo("Generative AI");
    assertThat(bedrock.<String>getAs(FocusColumns.TAGS)).isEqualTo("{\"user_feature\":\"ticket-triage\",\"user_team\":\"support\"}");
  }
}
