package io.aifocus.jobs.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import io.aifocus.jobs.validate.ConformanceEngine.RuleResult;
import io.aifocus.jobs.validate.ConformanceEngine.Status;
import io.aifocus.jobs.validate.RuleCompiler.Check;
import io.aifocus.jobs.validate.RuleCompiler.NotCheckable;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The requirements-model engine: rule compilation counts, broken FOCUS files, the public FOCUS 1.0 sample. */
class ValidationEngineTest {
  static final Path FIXTURES = SparkTestSession.projectRoot().resolve("sample-data/validation");

  static List<RuleResult> validate(String version, String dataset, String file) {
    RequirementsModel model = RequirementsModel.load(version);
    ConformanceEngine engine = new ConformanceEngine(model, dataset, Applicability.parse("ALL", model), true);
    return engine.run(FocusFiles.read(SparkTestSession.get(), file));
  }

  /** Failed rules that are not composites (composites only roll their children up), with their violations. */
  static Map<String, Long> failedLeaves(List<RuleResult> results, RequirementsModel model) {
    return results.stream()
        .filter(r -> r.status() == Status.failed && RuleCompiler.children(model.rules().get(r.ruleId())).isEmpty())
        .collect(Collectors.toMap(RuleResult::ruleId, RuleResult::violations, (a, b) -> a, TreeMap::new));
  }

  /** Static rule counts of a model's dataset: compiled vs not checkable by reason. */
  static Map<String, Integer> compiledCounts(String version, String dataset) {
    RequirementsModel model = RequirementsModel.load(version);
    Set<String> columns = new LinkedHashSet<>();
    model.rules().values().forEach(r -> {
      RuleCompiler.collectColumns(r.requirement(), columns);
      RuleCompiler.collectColumns(r.condition(), columns);
    });
    StructType schema = new StructType();
    for (String c : columns) {
      schema = schema.add(c, DataTypes.StringType);
    }
    ConformanceEngine engine = new ConformanceEngine(model, dataset, Applicability.parse("ALL", model), true);
    Map<String, Check> checks = engine.compile(schema);
    Map<String, Integer> counts = new TreeMap<>();
    for (Map.Entry<String, Check> e : checks.entrySet()) {
      RequirementsModel.ModelRule rule = model.rules().get(e.getKey());
      if (!rule.isStatic() || !"Active".equals(rule.status())) {
        continue;
      }
      String key = e.getValue() instanceof NotCheckable n ? "not checkable: " + n.reason() : "compiled";
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void everyStaticRuleCompilesOrIsListedAsNotCheckable() {
    String purchase = "not checkable: whether a purchase covers future charges is not in the data (model defect,"
        + " FOCUS_Spec #2673)";
    assertThat(compiledCounts("1.2", "CostAndUsage")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "compiled", 412, purchase, 1));
    assertThat(compiledCounts("1.3", "CostAndUsage")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "compiled", 520, purchase, 1));
    assertThat(compiledCounts("1.3", "ContractCommitment")).containsExactlyInAnyOrderEntriesOf(Map.of("compiled", 86));
  }

  @Test
  void theValidBasesPassEveryRule() {
    RequirementsModel model = RequirementsModel.load("1.3");
    List<RuleResult> cau = validate("1.3", "CostAndUsage", FIXTURES.resolve("cost-and-usage-valid.csv").toString());
    assertThat(failedLeaves(cau, model)).isEmpty();
    assertThat(cau).filteredOn(r -> r.status() == Status.passed).hasSizeGreaterThan(250);
    // two origins sharing every FOCUS dimension, told apart by aifocus's origin record id
    List<RuleResult> twoOrigins = validate("1.3", "CostAndUsage", FIXTURES.resolve("allocatedratio-two-origins.csv").toString());
    assertThat(failedLeaves(twoOrigins, model)).isEmpty();
    assertThat(twoOrigins).filteredOn(r -> r.ruleId().equals("CAU-AllocatedMethodDetailsObject-O-014-M")).singleElement()
        .extracting(RuleResult::status).isEqualTo(Status.passed);
    List<RuleResult> cct = validate("1.3", "ContractCommitment",
        FIXTURES.resolve("contract-commitment-valid.csv").toString());
    assertThat(failedLeaves(cct, model)).isEmpty();
    assertThat(cct).filteredOn(r -> r.status() == Status.passed).hasSizeGreaterThan(50);
  }

  @Test
  void eachBrokenFileFailsExactlyTheExpectedRules() {
    RequirementsModel model = RequirementsModel.load("1.3");
    Map<String, Map<String, Long>> expected = new TreeMap<>(Map.of(
        "null-billedcost.csv", Map.of("CAU-BilledCost-C-003-M", 1L),
        "lowercase-chargecategory.csv", Map.of("CAU-ChargeCategory-C-003-M", 1L),
        "chargeperiodend-not-after-start.csv", Map.of("CAU-ChargePeriodEnd-C-004-M", 1L),
        "listcost-mismatch.csv", Map.of("CAU-ListCost-C-011-C", 1L, "CAU-ListUnitPrice-C-014-C", 1L),
        "tags-nested-object.csv", Map.of("CAU-Tags-C-001-M", 1L),
        "billingcurrency-not-iso.csv", Map.of("CAU-BillingCurrency-C-006-M", 1L),
        "allocatedratio-not-one.csv", Map.of("CAU-AllocatedMethodDetailsObject-O-014-M", 4L),
        "contractcommitment-two-contracts.csv", Map.of("CAU-ContractAppliedObject-O-038-M", 2L)));
    for (Map.Entry<String, Map<String, Long>> e : expected.entrySet()) {
      List<RuleResult> results = validate("1.3", "CostAndUsage", FIXTURES.resolve(e.getKey()).toString());
      assertThat(failedLeaves(results, model)).as(e.getKey()).containsExactlyInAnyOrderEntriesOf(e.getValue());
      // the failure rolls up to the dataset's entry rule, and a failed row rule shows sample rows
      assertThat(results).filteredOn(r -> r.ruleId().equals("CAU-CostAndUsage-D-000-M")).singleElement()
          .extracting(RuleResult::status).as(e.getKey()).isEqualTo(Status.failed);
    }
    // the same two origins without an origin id: one origin whose 8 allocated rows' ratios sum to 2
    assertThat(failedLeaves(validate("1.3", "CostAndUsage", FIXTURES.resolve("allocatedratio-shared-dimensions.csv").toString()), model))
        .containsExactlyInAnyOrderEntriesOf(Map.of("CAU-AllocatedMethodDetailsObject-O-014-M", 8L));
    List<RuleResult> duplicate = validate("1.3", "ContractCommitment",
        FIXTURES.resolve("duplicate-contractcommitmentid.csv").toString());
    assertThat(failedLeaves(duplicate, model)).containsExactlyInAnyOrderEntriesOf(
        Map.of("CCT-ContractCommitmentId-C-009-M", 2L));
    List<RuleResult> nullCost = validate("1.3", "CostAndUsage", FIXTURES.resolve("null-billedcost.csv").toString());
    assertThat(nullCost).filteredOn(r -> r.ruleId().equals("CAU-BilledCost-C-003-M")).singleElement()
        .satisfies(r -> assertThat(r.samples()).containsExactly("BilledCost=null"));
  }

  @Test
  void theFocus10SampleAgainstThe12Model() {
    RequirementsModel model = RequirementsModel.load("1.2");
    String sample = SparkTestSession.projectRoot().resolveSibling("shared")
        .resolve("samples/focus-sample-data/focus_sample.csv").toString();
    List<RuleResult> results = validate("1.2", "CostAndUsage", sample);
    Map<String, Long> failed = failedLeaves(results, model);
    // columns 1.2 requires that a 1.0 file lacks (presence rules under ALL applicability)
    assertThat(failed).containsKeys("CostAndUsage-D-007-C", "CostAndUsage-D-020-C", "CostAndUsage-D-045-C",
        "CostAndUsage-D-059-C", "CostAndUsage-D-061-C", "CostAndUsage-D-065-C", "CostAndUsage-D-067-C");
    assertThat(failed.keySet()).filteredOn(k -> k.startsWith("CostAndUsage-D-")).hasSize(17);
    assertThat(failed).containsEntry("ContractedCost-C-003-M", 7L) // null ContractedCost rows
        .containsEntry("PricingUnit-C-003-O", 11L) // PricingUnit outside UnitFormat (SHOULD)
        .containsEntry("ListUnitPrice-C-010-C", 490L) // ListCost rounded vs ListUnitPrice x PricingQuantity
        .containsEntry("ChargePeriodStart-C-002-M", 1000L) // "2024-09-18 22:00:00": no T, no Z
        .containsEntry("BilledCost-C-005-C", 615L) // ProviderName "AWS" differs from the invoice issuer's name
        .containsEntry("ServiceName-C-005-C", 554L) // a ServiceName under several ServiceCategories
        .containsEntry("ResourceType-C-005-C", 752L); // 1.0 had no ResourceType
    assertThat(failed).doesNotContainKey("CommitmentDiscountStatus-C-005-M"); // model defect fixed: Used is allowed
    assertThat(failed).hasSize(45);
    assertThat(results).hasSize(578);
  }
}
