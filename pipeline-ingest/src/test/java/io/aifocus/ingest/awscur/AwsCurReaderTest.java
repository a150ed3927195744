package io.aifocus.ingest.awscur;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.source.AwsCurColumns;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class AwsCurReaderTest {
  private final SparkSession spark = SparkTestSession.get();
  private final AwsCurReader reader = new AwsCurReader();

  @Test
  void readsTheLegacySampleIntoTheCanonicalLayout() {
    Path sample = SparkTestSession.projectRoot().resolve("sample-data/aws-cur/input/cur-legacy-sample-2023-11.csv");
    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.AWS_CUR, sample.toString()));
    Dataset<Row> rows = input.rows();
    assertThat(rows.count()).isEqualTo(1281);
    assertThat(input.files()).singleElement().asString().endsWith("cur-legacy-sample-2023-11.csv");
    assertThat(rows.columns()).contains(AwsCurColumns.LINE_ITEM_UNBLENDED_COST, AwsCurColumns.PRODUCT,
        AwsCurColumns.RESOURCE_TAGS, RawColumns.SOURCE_FILE, RawColumns.CORRUPT_RECORD);
    Row first = rows.where(col(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE).equalTo("Usage")).first();
    Map<String, String> product = first.getJavaMap(first.fieldIndex(AwsCurColumns.PRODUCT));
    assertThat(product).containsKeys("product_name", "region", "servicename");
    BigDecimal total = rows.select(input.billedAmount().as("a")).agg(org.apache.spark.sql.functions.sum("a"))
        .first().getDecimal(0);
    assertThat(total).isEqualByComparingTo("1.68230869740");
    // Spark refuses queries that read only the corrupt-record column of a raw file: read it with a data column
    assertThat(rows.select(col(RawColumns.CORRUPT_RECORD), col(AwsCurColumns.LINE_ITEM_LINE_ITEM_TYPE))
        .where(col(RawColumns.CORRUPT_RECORD).isNotNull()).collectAsList()).isEmpty();
  }

  @Test
  void foldsLegacyTagColumnsIntoTheTagMap(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path file = dir.resolve("cur.csv");
    Files.writeString(file, String.join("\n",
        "bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,lineItem/LineItemType,"
            + "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/CurrencyCode,"
            + "lineItem/UnblendedCost,resourceTags/user:team,resourceTags/user:app,costCategory/BusinessUnit",
        "1,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,AmazonEC2,EUR,"
            + "1.5,ml,,Research",
        ""));
    Row row = reader.load(spark, SourceSpec.of(SourceKind.AWS_CUR, file.toString())).rows().first();
    assertThat(row.<String, String>getJavaMap(row.fieldIndex(AwsCurColumns.RESOURCE_TAGS)))
        .containsEntry("user:team", "ml").containsKey("user:app");
    assertThat(row.<String, String>getJavaMap(row.fieldIndex(AwsCurColumns.COST_CATEGORY)))
        .containsExactlyEntriesOf(Map.of("BusinessUnit", "Research"));
    assertThat(row.<String>getAs(AwsCurColumns.LINE_ITEM_CURRENCY_CODE)).isEqualTo("EUR");
    assertThat(row.isNullAt(row.fieldIndex(AwsCurColumns.PRICING_PUBLIC_ON_DEMAND_COST))).isTrue();
  }

  @Test
  void readsCur2ParquetWithNativeMapColumns(@org.junit.jupiter.api.io.TempDir Path dir) {
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("bill_payer_account_id", DataTypes.StringType, true),
        DataTypes.createStructField("bill_billing_period_start_date", DataTypes.TimestampType, true),
        DataTypes.createStructField("bill_billing_period_end_date", DataTypes.TimestampType, true),
        DataTypes.createStructField("line_item_line_item_type", DataTypes.StringType, true),
        DataTypes.createStructField("line_item_usage_start_date", DataTypes.TimestampType, true),
        DataTypes.createStructField("line_item_usage_end_date", DataTypes.TimestampType, true),
        DataTypes.createStructField("line_item_product_code", DataTypes.StringType, true),
        DataTypes.createStructField("line_item_currency_code", DataTypes.StringType, true),
        DataTypes.createStructField("line_item_unblended_cost", DataTypes.DoubleType, true),
        DataTypes.createStructField("resource_tags",
            DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)));
    java.time.Instant p = java.time.Instant.parse("2026-10-01T00:00:00Z");
    java.time.Instant e = java.time.Instant.parse("2026-11-01T00:00:00Z");
    Dataset<Row> df = spark.createDataFrame(List.of(
        RowFactory.create("1", p, e, "Usage", p, e, "AmazonBedrock", "USD", 0.25,
            scala.jdk.javaapi.CollectionConverters.asScala(Map.of("user_team", "search")))), schema);
    Path out = dir.resolve("cur2");
    df.write().parquet(out.toString());

    RawInput input = reader.load(spark, SourceSpec.of(SourceKind.AWS_CUR, out.toString()));
    Row row = input.rows().first();
    assertThat(row.<String, String>getJavaMap(row.fieldIndex(AwsCurColumns.RESOURCE_TAGS)))
        .containsEntry("user_team", "search");
    assertThat(row.<Long>getAs(RawColumns.SOURCE_LINE)).isEqualTo(1L);
    assertThat(input.rows().select(input.billedAmount()).first().getDecimal(0)).isEqualByComparingTo("0.25");
    assertThat(input.rows().select(input.billingPeriodStart()).first().get(0)).isEqualTo(p);
  }

  @Test
  void missingRequiredColumnNamesFileColumnAndLegacyName(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("no-currency.csv");
    Files.writeString(file, "bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,"
        + "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,"
        + "lineItem/UnblendedCost\n");
    assertThatThrownBy(() -> reader.load(spark, SourceSpec.of(SourceKind.AWS_CUR, file.toString())))
        .isInstanceOf(PipelineException.class)
        .hasMessage("AIF-1002 MISSING_REQUIRED_COLUMN: " + file + ": missing required column "
            + "'line_item_currency_code' (source kind aws-cur; legacy name 'lineItem/CurrencyCode')");
  }

  @Test
  void readsCur2CsvDiscountMapAndSplitColumns(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path file = dir.resolve("cur2.csv");
    Files.writeString(file, String.join("\n",
        "bill_payer_account_id,bill_billing_period_start_date,bill_billing_period_end_date,line_item_line_item_type,"
            + "line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_currency_code,"
            + "line_item_unblended_cost,discount,discount_total_discount,split_line_item_parent_resource_id,"
            + "split_line_item_split_cost,split_line_item_unused_cost",
        "1,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,Usage,2026-11-05T10:00:00Z,2026-11-05T11:00:00Z,AmazonEKS,USD,"
            + "0.0,,,i-0abc,0.3146538462,7.2612426E-2",
        "1,2026-11-01T00:00:00Z,2026-12-01T00:00:00Z,Usage,2026-11-05T10:00:00Z,2026-11-05T11:00:00Z,AmazonEC2,USD,"
            + "1.212,\"{\"\"total_discount\"\":-0.0606,\"\"private_rate_discount\"\":-6.06E-2}\",-0.0606,,,",
        ""));
    List<Row> rows = reader.load(spark, SourceSpec.of(SourceKind.AWS_CUR, file.toString())).rows()
        .orderBy(AwsCurColumns.LINE_ITEM_PRODUCT_CODE).collectAsList();
    Row node = rows.get(0);
    // JSON numbers of the CSV map come back as Spark's JSON parser writes them (through a double: the map's type
    // in CUR 2.0, so no precision the source had is lost); the normalizer parses them as decimals
    assertThat(node.<String, String>getJavaMap(node.fieldIndex(AwsCurColumns.DISCOUNT)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("total_discount", "-0.0606", "private_rate_discount", "-0.0606"));
    assertThat(node.<String>getAs(AwsCurColumns.DISCOUNT_TOTAL_DISCOUNT)).isEqualTo("-0.0606");
    Row pod = rows.get(1);
    assertThat(pod.isNullAt(pod.fieldIndex(AwsCurColumns.DISCOUNT))).isTrue();
    assertThat(pod.<String>getAs(AwsCurColumns.SPLIT_LINE_ITEM_PARENT_RESOURCE_ID)).isEqualTo("i-0abc");
    assertThat(pod.<String>getAs(AwsCurColumns.SPLIT_LINE_ITEM_SPLIT_COST)).isEqualTo("0.3146538462");
    assertThat(pod.<String>getAs(AwsCurColumns.SPLIT_LINE_ITEM_UNUSED_COST)).isEqualTo("7.2612426E-2");
  }
}
