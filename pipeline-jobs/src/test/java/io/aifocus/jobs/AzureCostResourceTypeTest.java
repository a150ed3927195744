package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** ResourceType from the ARM resource id (namespace + type segments), else the file's ResourceType column. */
class AzureCostResourceTypeTest {
  private static final String HEADER = "BillingAccountId,BillingPeriodStartDate,BillingPeriodEndDate,Date,ChargeType,"
      + "PricingModel,CostInBillingCurrency,BillingCurrency,ProductName,ResourceId,ResourceType";
  private static final String SUB = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ml";

  @Test
  void resourceTypeIsTheArmTypeOfTheResourceId() throws IOException {
    Path dir = SparkTestSession.newDirectory("azure-resource-type-input");
    Files.writeString(dir.resolve("ea-actual-resource-types.csv"), String.join("\n", List.of(HEADER,
        // the ARM id wins over the column's lower-case spelling
        row("vm", SUB + "/providers/Microsoft.Compute/virtualMachines/gpu-node-1", "microsoft.compute/virtualmachines"),
        row("nested", SUB + "/providers/Microsoft.Sql/servers/sql-1/databases/features", ""),
        row("reservation", "/providers/Microsoft.Capacity/reservationOrders/aaaa/reservations/bbbb", ""),
        row("extension", SUB + "/providers/Microsoft.Compute/virtualMachines/gpu-node-1/providers/"
            + "Microsoft.Insights/diagnosticSettings/to-logs", ""),
        row("casing", "/subscriptions/x/resourcegroups/rg/PROVIDERS/microsoft.storage/storageaccounts/mldata/", ""),
        row("group-only", SUB, ""),
        row("classic", "gpu-classic-1", "Microsoft.ClassicCompute/virtualMachines"),
        row("no-id", "", "Microsoft.Compute/virtualMachines"))) + "\n");

    SparkSession spark = SparkTestSession.get();
    Path warehouseDir = SparkTestSession.newDirectory("azure-resource-type");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(
        new JobConfig(warehouseDir.toString(), List.of(SourceSpec.of(SourceKind.AZURE_COST, dir.toString())),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));

    assertThat(result.rowsOut()).isEqualTo(8);
    Map<String, String> types = new HashMap<>();
    for (Row r : warehouse.read(CostAndUsageTable.TABLE_NAME).collectAsList()) {
      types.put(r.getAs(FocusColumns.CHARGE_DESCRIPTION), r.getAs(FocusColumns.RESOURCE_TYPE));
    }
    Map<String, String> expected = new HashMap<>();
    expected.put("vm", "Microsoft.Compute/virtualMachines");
    expected.put("nested", "Microsoft.Sql/servers/databases");
    expected.put("reservation", "Microsoft.Capacity/reservationOrders/reservations");
    expected.put("extension", "Microsoft.Insights/diagnosticSettings");
    expected.put("casing", "microsoft.storage/storageaccounts");
    expected.put("group-only", null); // no provider segment and no ResourceType value
    expected.put("classic", "Microsoft.ClassicCompute/virtualMachines"); // no ARM id: the file's column
    expected.put("no-id", null); // no resource, no resource type
    assertThat(types).containsExactlyInAnyOrderEntriesOf(expected);
  }

  private static String row(String name, String resourceId, String resourceType) {
    return String.join(",", "1111", "01/01/2024", "01/31/2024", "01/05/2024", "Usage", "OnDemand", "1.00", "USD",
        name, resourceId, resourceType);
  }
}
