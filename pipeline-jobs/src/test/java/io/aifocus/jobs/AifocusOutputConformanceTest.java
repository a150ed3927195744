package io.aifocus.jobs;

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
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A table aifocus writes (the CUR 2.0 fixture) passes every applicable mandatory Static rule of FOCUS 1.3. */
class AifocusOutputConformanceTest {
  @Test
  void theNormalizedCurFixturePassesEveryApplicableMandatoryRule() {
    SparkSession spark = SparkTestSession.get();
    Path warehouseDir = SparkTestSession.newDirectory("conformance");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(new JobConfig(warehouseDir.toString(),
        List.of(SourceSpec.of(SourceKind.AWS_CUR,
            SparkTestSession.projectRoot().resolve(AwsCur2FixtureTest.FIXTURE).toString())),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS));
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
}
