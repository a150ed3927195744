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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Slash dates are read per row: day first ({@code dd/MM/yyyy}) when a first field of the row exceeds 12 (every row
 * of a day-first export: its BillingPeriodEndDate is the month's last day), else month first (Azure's default). Two
 * files of one source, one of each kind.
 */
class AzureCostDayFirstDatesTest {
  private static final String HEADER = "BillingAccountId,BillingPeriodStartDate,BillingPeriodEndDate,Date,ChargeType,"
      + "PricingModel,CostInBillingCurrency,BillingCurrency,ProductName";

  @Test
  void dayFirstFilesAreDetectedAndAmbiguousFilesStayMonthFirst() throws IOException {
    Path dir = SparkTestSession.newDirectory("azure-day-first-input");
    // a European-locale export: 31/01/2024 gives it away, so 05/01/2024 is 5 January
    Files.writeString(dir.resolve("ea-actual-day-first.csv"), String.join("\r\n", List.of(HEADER,
        "1111,01/01/2024,31/01/2024,05/01/2024,Usage,OnDemand,1.50,EUR,day-first 5 Jan",
        "1111,01/01/2024,31/01/2024,13/01/2024,Usage,OnDemand,2.25,EUR,day-first 13 Jan",
        "1111,01/01/2024,31/01/2024,31/01/2024,Usage,OnDemand,3.00,EUR,day-first 31 Jan")) + "\r\n");
    // every first field is 12 or less: Azure's default, month first (01/02/2024 is 2 January)
    Files.writeString(dir.resolve("ea-actual-month-first.csv"), String.join("\r\n", List.of(HEADER,
        "2222,01/01/2024,01/31/2024,01/02/2024,Usage,OnDemand,4.00,USD,month-first 2 Jan",
        "2222,01/01/2024,01/31/2024,01/12/2024,Usage,OnDemand,5.00,USD,month-first 12 Jan")) + "\r\n");

    SparkSession spark = SparkTestSession.get();
    Path warehouseDir = SparkTestSession.newDirectory("azure-day-first");
    Warehouse warehouse = new Warehouse(spark, warehouseDir.toString());
    PipelineRunner.Result result = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress()).run(
        new JobConfig(warehouseDir.toString(),
            List.of(new SourceSpec(SourceKind.AZURE_COST, dir.toString(), Map.of("dataset", "actual"))),
            NormalizeContext.DEFAULT_TEAM_TAG_KEYS));

    assertThat(result.rowsQuarantined()).isZero();
    assertThat(result.rowsOut()).isEqualTo(5);
    Map<String, String> periods = new TreeMap<>();
    for (Row r : warehouse.read(CostAndUsageTable.TABLE_NAME).collectAsList()) {
      periods.put(r.getAs(FocusColumns.CHARGE_DESCRIPTION),
          day(r.getAs(FocusColumns.CHARGE_PERIOD_START)) + ".." + day(r.getAs(FocusColumns.CHARGE_PERIOD_END))
              + " in " + day(r.getAs(FocusColumns.BILLING_PERIOD_START)) + ".."
              + day(r.getAs(FocusColumns.BILLING_PERIOD_END)));
    }
    assertThat(periods).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "day-first 5 Jan", "2024-01-05..2024-01-06 in 2024-01-01..2024-02-01",
        "day-first 13 Jan", "2024-01-13..2024-01-14 in 2024-01-01..2024-02-01",
        "day-first 31 Jan", "2024-01-31..2024-02-01 in 2024-01-01..2024-02-01",
        "month-first 2 Jan", "2024-01-02..2024-01-03 in 2024-01-01..2024-02-01",
        "month-first 12 Jan", "2024-01-12..2024-01-13 in 2024-01-01..2024-02-01")));
  }

  private static String day(Object t) {
    Instant instant = t instanceof Timestamp ts ? ts.toInstant() : (Instant) t;
    return instant.toString().substring(0, 10);
  }
}
