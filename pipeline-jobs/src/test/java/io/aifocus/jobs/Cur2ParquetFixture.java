package io.aifocus.jobs;

import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A hand-built AWS CUR 2.0 (Data Exports) Parquet file with the column types of the CUR 2.0 table dictionary: costs
 * and quantities {@code double}, rates {@code string}, times {@code timestamp}, {@code product}, {@code
 * resource_tags}, {@code cost_category} as {@code map<string,string>} and {@code discount} as {@code
 * map<string,double>}. One hour of November 2026:
 *
 * <ul>
 *   <li>a g5.2xlarge EKS node (1.212/h, a private-rate discount in the {@code discount} map) and its split cost
 *       allocation: 3 pods × (vCPU, memory) rows with AWS's 9:1 CPU:memory weights, the node's unused capacity
 *       spread over the pods, all rounded to 10 decimals as AWS delivers doubles (they add up to 1.2119999999);
 *   <li>Amazon Nova Lite on Bedrock (first-party, model in the usage type): input tokens with a discount map without a
 *       total key, output tokens with {@code line_item_net_unblended_cost} beside the map;
 *   <li>Claude 3.5 Sonnet sold through Bedrock as an AWS Marketplace product (input and output tokens; the usage
 *       types {@code USE1-MP:USE1_InputTokenCount-Units} name no model);
 *   <li>a Marketplace SaaS product whose usage type mentions tokens but is no model charge; a tax line.
 * </ul>
 *
 * Only columns of the aws-cur raw schema are written (unknown columns are another concern), so the golden output
 * depends on the mapping alone. The amounts are kept as the decimal strings they were written from, so tests sum
 * them independently of Spark.
 */
final class Cur2ParquetFixture {
  static final String PAYER = "111122223333";
  static final String NODE = "i-0a1b2c3d4e5f60718";
  static final Instant PERIOD_START = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant PERIOD_END = Instant.parse("2026-12-01T00:00:00Z");
  static final Instant HOUR = Instant.parse("2026-11-05T10:00:00Z");
  static final String FILE_NAME = "cur2-parquet-maps-2026-11.snappy.parquet";

  private static final DataType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  private static final DataType DOUBLE_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);

  /** Column name → CUR 2.0 Parquet type, in the order of the file. */
  static final Map<String, DataType> COLUMNS = columns();

  private Cur2ParquetFixture() {}

  private static Map<String, DataType> columns() {
    Map<String, DataType> c = new LinkedHashMap<>();
    for (String s : List.of("identity_line_item_id", "identity_time_interval", "bill_invoice_id",
        "bill_invoicing_entity", "bill_billing_entity", "bill_bill_type", "bill_payer_account_id",
        "bill_payer_account_name")) {
      c.put(s, DataTypes.StringType);
    }
    c.put("bill_billing_period_start_date", DataTypes.TimestampType);
    c.put("bill_billing_period_end_date", DataTypes.TimestampType);
    c.put("line_item_usage_account_id", DataTypes.StringType);
    c.put("line_item_usage_account_name", DataTypes.StringType);
    c.put("line_item_line_item_type", DataTypes.StringType);
    c.put("line_item_usage_start_date", DataTypes.TimestampType);
    c.put("line_item_usage_end_date", DataTypes.TimestampType);
    for (String s : List.of("line_item_product_code", "line_item_usage_type", "line_item_operation",
        "line_item_availability_zone", "line_item_resource_id")) {
      c.put(s, DataTypes.StringType);
    }
    c.put("line_item_usage_amount", DataTypes.DoubleType);
    c.put("line_item_currency_code", DataTypes.StringType);
    c.put("line_item_unblended_rate", DataTypes.StringType);
    c.put("line_item_unblended_cost", DataTypes.DoubleType);
    c.put("line_item_net_unblended_cost", DataTypes.DoubleType);
    c.put("line_item_line_item_description", DataTypes.StringType);
    c.put("line_item_tax_type", DataTypes.StringType);
    c.put("line_item_legal_entity", DataTypes.StringType);
    c.put("pricing_public_on_demand_cost", DataTypes.DoubleType);
    c.put("pricing_public_on_demand_rate", DataTypes.StringType);
    for (String s : List.of("pricing_term", "pricing_unit", "pricing_rate_code", "product_sku", "product_region_code",
        "product_product_family", "product_instance_type", "product_location")) {
      c.put(s, DataTypes.StringType);
    }
    c.put("discount_total_discount", DataTypes.DoubleType);
    c.put("split_line_item_parent_resource_id", DataTypes.StringType);
    for (String s : List.of("split_line_item_split_usage", "split_line_item_split_usage_ratio",
        "split_line_item_split_cost", "split_line_item_unused_cost")) {
      c.put(s, DataTypes.DoubleType);
    }
    c.put("product", STRING_MAP);
    c.put("resource_tags", STRING_MAP);
    c.put("cost_category", STRING_MAP);
    c.put("discount", DOUBLE_MAP);
    return c;
  }

  /** The rows as column → value; doubles as their decimal strings (converted when the file is written). */
  static List<Map<String, Object>> rows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    // the EKS node: on-demand usage, 5 % private rate discount in the discount map
    Map<String, Object> node = usage("node-hour", "AmazonEC2", "USE1-BoxUsage:g5.2xlarge", "RunInstances", "1",
        "1.212", "1.212", "Hrs");
    node.put("line_item_availability_zone", "us-east-1a");
    node.put("line_item_resource_id", NODE);
    node.put("line_item_line_item_description", "$1.212 per On Demand Linux g5.2xlarge Instance Hour");
    node.put("pricing_rate_code", "8QZ4NY2RTVHK6F7M.JRTCKXETXF.6YS6EN2CT7");
    node.put("product_sku", "8QZ4NY2RTVHK6F7M");
    node.put("product_product_family", "Compute Instance");
    node.put("product_instance_type", "g5.2xlarge");
    node.put("product", Map.of("product_name", "Amazon Elastic Compute Cloud", "region", "us-east-1",
        "servicename", "Amazon Elastic Compute Cloud", "vcpu", "8", "memory", "32 GiB", "gpu", "1"));
    node.put("resource_tags", Map.of("aws_eks_cluster_name", "gpu-inference", "user_env", "prod"));
    node.put("cost_category", Map.of("team", "platform", "BusinessUnit", "AI"));
    node.put("discount_total_discount", "-0.0606");
    node.put("discount", Map.of("total_discount", "-0.0606", "private_rate_discount", "-0.0606"));
    rows.add(node);
    // split cost allocation: per pod a vCPU and a memory row, unblended cost 0, the shares in split_line_item_*
    rows.add(pod("vllm-0", "search", "vCPU", "3", "0.375", "0.3146538462", "0.0726124260"));
    rows.add(pod("vllm-0", "search", "GB", "12", "0.375", "0.1398461538", "0.0547224080"));
    rows.add(pod("embed-1", "support", "vCPU", "2.5", "0.3125", "0.2622115385", "0.0605103550"));
    rows.add(pod("embed-1", "support", "GB", "6", "0.1875", "0.0699230769", "0.0273612040"));
    rows.add(pod("batch-2", "research", "vCPU", "1", "0.125", "0.1048846154", "0.0242041420"));
    rows.add(pod("batch-2", "research", "GB", "5", "0.15625", "0.0582692308", "0.0228010033"));
    // Amazon Bedrock, first-party model; discount map with per-type keys only
    Map<String, Object> nova = usage("nova-in", "AmazonBedrock", "USE1-NovaLite-input-tokens", "InvokeModel",
        "1843.2", "0.00006", "0.110592", "1K tokens");
    nova.put("pricing_rate_code", "K7VQF3XW8D2MZ9PC.JRTCKXETXF.6YS6EN2CT7");
    nova.put("product_sku", "K7VQF3XW8D2MZ9PC");
    nova.put("product", Map.of("product_name", "Amazon Bedrock", "region", "us-east-1"));
    nova.put("resource_tags", Map.of("user_team", "support", "user_feature", "ticket-triage"));
    nova.put("discount", Map.of("private_rate_discount", "-0.0055296", "bundled_discount", "-1.0E-6"));
    rows.add(nova);
    // its output tokens: AWS's own net figure beside the map (net wins; here they agree: 0.049152 − 0.0024576)
    Map<String, Object> novaOut = usage("nova-out", "AmazonBedrock", "USE1-NovaLite-output-tokens", "InvokeModel",
        "204.8", "0.00024", "0.049152", "1K tokens");
    novaOut.put("pricing_rate_code", "R2HM6QJ4TW9XB3NK.JRTCKXETXF.6YS6EN2CT7");
    novaOut.put("product_sku", "R2HM6QJ4TW9XB3NK");
    novaOut.put("product", Map.of("product_name", "Amazon Bedrock", "region", "us-east-1"));
    novaOut.put("resource_tags", Map.of("user_team", "support", "user_feature", "ticket-triage"));
    novaOut.put("line_item_net_unblended_cost", "0.0466944");
    novaOut.put("discount", Map.of("total_discount", "-0.0024576", "private_rate_discount", "-0.0024576"));
    rows.add(novaOut);
    // Claude through Bedrock, billed by AWS Marketplace
    String claude = "Claude 3.5 Sonnet (Amazon Bedrock Edition)";
    rows.add(marketplace("claude-in", "b3kq9v0xw2m8z5c1r7t4y6u0p", claude, "Anthropic, PBC",
        "USE1-MP:USE1_InputTokenCount-Units", "1234.567", "0.003", "3.703701", "search"));
    rows.add(marketplace("claude-out", "b3kq9v0xw2m8z5c1r7t4y6u0p", claude, "Anthropic, PBC",
        "USE1-MP:USE1_OutputTokenCount-Units", "98.765", "0.015", "1.481475", "search"));
    // a Marketplace SaaS product: "Tokens" in the usage type, but no model
    rows.add(marketplace("saas", "7hd2k4n6p8r0t2v4x6z8b0d2f", "Acme API Gateway Pro", "Acme Software Inc.",
        "USE1-MP:USE1_APITokens-Units", "1200", "0.01", "12.0", "platform"));
    Map<String, Object> tax = base("tax", "Tax", "AmazonEC2", "0.87");
    tax.put("line_item_tax_type", "SalesTax");
    tax.put("line_item_line_item_description", "Tax for product code AmazonEC2");
    tax.put("line_item_usage_start_date", PERIOD_START);
    tax.put("line_item_usage_end_date", PERIOD_END);
    rows.add(tax);
    return rows;
  }

  /** Writes the rows as one Parquet file (Spark, one partition) under {@code dir}; returns the file. */
  static Path write(Path dir) throws IOException {
    List<StructField> fields = new ArrayList<>();
    COLUMNS.forEach((name, type) -> fields.add(DataTypes.createStructField(name, type, true)));
    StructType schema = DataTypes.createStructType(fields);
    List<Row> rows = new ArrayList<>();
    for (Map<String, Object> values : rows()) {
      Object[] cells = new Object[fields.size()];
      int i = 0;
      for (Map.Entry<String, DataType> column : COLUMNS.entrySet()) {
        cells[i++] = cell(values.get(column.getKey()), column.getValue());
      }
      rows.add(RowFactory.create(cells));
    }
    Path spark = dir.resolve("spark-output");
    SparkTestSession.get().createDataFrame(rows, schema).coalesce(1).write().parquet(spark.toString());
    Path part;
    try (Stream<Path> files = Files.list(spark)) {
      part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no parquet file written to " + spark));
    }
    // a stable file name (Spark's part file names are random): x_SourceFile is part of the golden rows
    Path file = Files.createDirectories(dir.resolve("cur2")).resolve(FILE_NAME);
    Files.move(part, file);
    return file;
  }

  /**
   * Σ of the bill net of discounts, by hand from the decimal strings (no Spark): per row the net unblended cost when
   * given, else the unblended cost plus {@code discount_total_discount}, else the map's {@code total_discount}, else
   * the sum of the map's values (no row of this file is a discount line item).
   */
  static BigDecimal netBill() {
    BigDecimal total = BigDecimal.ZERO;
    for (Map<String, Object> r : rows()) {
      if (r.get("line_item_net_unblended_cost") != null) {
        total = total.add(new BigDecimal((String) r.get("line_item_net_unblended_cost")));
        continue;
      }
      BigDecimal row = new BigDecimal((String) r.get("line_item_unblended_cost"));
      Map<?, ?> discount = (Map<?, ?>) r.get("discount");
      if (r.get("discount_total_discount") != null) {
        row = row.add(new BigDecimal((String) r.get("discount_total_discount")));
      } else if (discount != null && discount.containsKey("total_discount")) {
        row = row.add(new BigDecimal((String) discount.get("total_discount")));
      } else if (discount != null) {
        for (Object v : discount.values()) {
          row = row.add(new BigDecimal((String) v));
        }
      }
      total = total.add(row);
    }
    return total;
  }

  /** Σ of a double column over the rows, from the decimal strings the file was written from. */
  static BigDecimal sum(String column) {
    return rows().stream().map(r -> r.get(column)).filter(v -> v != null)
        .map(v -> new BigDecimal((String) v)).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static Object cell(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    if (type.equals(DataTypes.DoubleType)) {
      return Double.parseDouble((String) value);
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.from((Instant) value);
    }
    if (type.equals(DOUBLE_MAP)) {
      Map<String, Double> m = new LinkedHashMap<>();
      ((Map<?, ?>) value).forEach((k, v) -> m.put((String) k, Double.parseDouble((String) v)));
      return scala.jdk.javaapi.CollectionConverters.asScala(m);
    }
    if (type.equals(STRING_MAP)) {
      return scala.jdk.javaapi.CollectionConverters.asScala((Map<?, ?>) value);
    }
    return value;
  }

  private static Map<String, Object> base(String id, String type, String productCode, String cost) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("identity_line_item_id", id);
    r.put("identity_time_interval", "2026-11-05T10:00:00Z/2026-11-05T11:00:00Z");
    r.put("bill_invoicing_entity", "Amazon Web Services, Inc.");
    r.put("bill_billing_entity", "AWS");
    r.put("bill_bill_type", "Anniversary");
    r.put("bill_payer_account_id", PAYER);
    r.put("bill_payer_account_name", "ai-platform-payer");
    r.put("bill_billing_period_start_date", PERIOD_START);
    r.put("bill_billing_period_end_date", PERIOD_END);
    r.put("line_item_usage_account_id", "444455556666");
    r.put("line_item_usage_account_name", "inference-prod");
    r.put("line_item_line_item_type", type);
    r.put("line_item_usage_start_date", HOUR);
    r.put("line_item_usage_end_date", HOUR.plusSeconds(3600));
    r.put("line_item_product_code", productCode);
    r.put("line_item_currency_code", "USD");
    r.put("line_item_unblended_cost", cost);
    r.put("product_region_code", "us-east-1");
    r.put("product_location", "US East (N. Virginia)");
    return r;
  }

  private static Map<String, Object> usage(String id, String productCode, String usageType, String operation,
      String amount, String rate, String cost, String unit) {
    Map<String, Object> r = base(id, "Usage", productCode, cost);
    r.put("line_item_usage_type", usageType);
    r.put("line_item_operation", operation);
    r.put("line_item_usage_amount", amount);
    r.put("line_item_unblended_rate", rate);
    r.put("pricing_public_on_demand_cost", cost);
    r.put("pricing_public_on_demand_rate", rate);
    r.put("pricing_term", "OnDemand");
    r.put("pricing_unit", unit);
    return r;
  }

  private static Map<String, Object> pod(String pod, String team, String resource, String reserved, String ratio,
      String splitCost, String unusedCost) {
    boolean cpu = resource.equals("vCPU");
    Map<String, Object> r = base(pod + "-" + (cpu ? "cpu" : "mem"), "Usage", "AmazonEKS", "0");
    r.put("line_item_usage_type", cpu ? "USE1-EKS-EC2-vCPU-Hours" : "USE1-EKS-EC2-GB-Hours");
    r.put("line_item_operation", "EKSPod-EC2");
    r.put("line_item_availability_zone", "us-east-1a");
    r.put("line_item_resource_id", "arn:aws:eks:us-east-1:444455556666:pod/gpu-inference/inference/" + pod
        + "/5e0c" + pod.length() + "a1b-7c2d-4e8f-9a0b-1c2d3e4f5a6b");
    r.put("line_item_usage_amount", reserved);
    r.put("pricing_unit", cpu ? "vCPU-Hours" : "GB-Hours");
    r.put("product", Map.of("product_name", "Amazon Elastic Container Service for Kubernetes", "region", "us-east-1"));
    r.put("resource_tags", Map.of("aws_eks_cluster_name", "gpu-inference", "aws_eks_namespace", "inference",
        "aws_eks_workload_name", pod.replaceAll("-\\d+$", ""), "user_team", team));
    r.put("split_line_item_parent_resource_id", NODE);
    r.put("split_line_item_split_usage", reserved);
    r.put("split_line_item_split_usage_ratio", ratio);
    r.put("split_line_item_split_cost", splitCost);
    r.put("split_line_item_unused_cost", unusedCost);
    return r;
  }

  private static Map<String, Object> marketplace(String id, String productCode, String productName, String seller,
      String usageType, String amount, String rate, String cost, String team) {
    Map<String, Object> r = usage(id, productCode, usageType, "Usage",
        amount, rate, cost, "Units");
    r.put("bill_billing_entity", "AWS Marketplace");
    r.put("bill_invoicing_entity", "Amazon Web Services, Inc.");
    r.put("line_item_legal_entity", seller);
    r.put("line_item_line_item_description", productName + " usage");
    r.put("pricing_public_on_demand_cost", null);
    r.put("pricing_public_on_demand_rate", null);
    r.put("product", Map.of("product_name", productName));
    r.put("resource_tags", Map.of("user_team", team));
    return r;
  }
}
