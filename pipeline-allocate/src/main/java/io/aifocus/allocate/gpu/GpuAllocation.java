package io.aifocus.allocate.gpu;

import static io.aifocus.allocate.gpu.GpuMetrics.HOUR_START;
import static io.aifocus.allocate.gpu.GpuMetrics.MS;
import static io.aifocus.allocate.gpu.GpuMetrics.NAMESPACE;
import static io.aifocus.allocate.gpu.GpuMetrics.NODE;
import static io.aifocus.allocate.gpu.GpuMetrics.POD;
import static io.aifocus.allocate.gpu.GpuMetrics.T;
import static io.aifocus.allocate.gpu.GpuMetrics.V;
import static io.aifocus.allocate.gpu.GpuMetrics.label;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.transform_keys;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.PrometheusColumns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * FOCUS 1.3 split cost allocation of one shared GPU cluster (docs/allocation.md).
 *
 * <ol>
 *   <li><b>Origin charges</b>: one per GPU node and hour in which kube-state-metrics reported GPU capacity; the
 *       node's hourly price ({@link NodePricing}) is its BilledCost/EffectiveCost/ListCost/ContractedCost,
 *       PricingQuantity 1 Hours, ConsumedQuantity its GPU-hours.
 *   <li><b>Workload GPU time</b> per node-hour: requested GPUs × time from kube-state-metrics
 *       ({@code gpu-request-time}, {@code custom-weights}) or GPU time from DCGM weighted by utilization
 *       ({@code gpu-utilization-weighted}); MIG slices count by profile size ({@link GpuUnits}).
 *   <li><b>Split</b> ({@link GpuSplit}, per origin, inside one Spark task): the allocated rows replace the origin
 *       row and add up to it exactly in every cost and quantity column; all other columns and Tags are the
 *       origin's; the Allocated* columns name the pod.
 * </ol>
 *
 * One small action: the distinct (node, GPU count) pairs are collected to price them in Java.
 */
public final class GpuAllocation {
  /** x_SourceKind of the allocated rows; part of the restatement scope. */
  public static final String SOURCE_KIND = "k8s-gpu";
  public static final String ORIGIN_ID = "_aif_origin_id";
  public static final String USAGE_UNIT = "GPU-Hours";
  public static final String PRICING_UNIT = "Hours";
  public static final String SERVICE_NAME = "Kubernetes GPU Cluster";
  public static final String DCGM_GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL";
  public static final String DCGM_GR_ENGINE_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE";
  public static final String DCGM_FB_USED = "DCGM_FI_DEV_FB_USED";
  static final String KSM_CAPACITY = "kube_node_status_capacity";
  static final String KSM_REQUESTS = "kube_pod_container_resource_requests";
  static final String KSM_POD_LABELS = "kube_pod_labels";
  static final String KSM_NODE_LABELS = "kube_node_labels";
  static final String KSM_NAMESPACE_LABELS = "kube_namespace_labels";
  static final String KSM_NODE_INFO = "kube_node_info";
  /** x_SourceRecordId infix of rows allocated from a cloud-bill origin: {@code <cluster>/<node>@aws-cur:<start>.<n>#<part>}. */
  public static final String CLOUD_ORIGIN_INFIX = "@aws-cur:";
  static final String GPU_COUNT_LABEL = "label_nvidia_com_gpu_count";
  static final String TAG_PREFIX = "aifocus/";

  private static final DataType MONEY = DataTypes.createDecimalType(38, 12);
  private static final DataType COUNT = DataTypes.createDecimalType(38, 6);

  /**
   * The node charges and the allocated rows that replace them (both in table layout), the per-pod usage, the
   * split parts ({@link #PART_SCHEMA}) and the origin keys ({@link #ORIGIN_ID}, _node, _hour).
   */
  public record Result(Dataset<Row> origins, Dataset<Row> allocated, Dataset<Row> usage, Dataset<Row> parts, Dataset<Row> originKeys,
      Dataset<Row> claimed, Dataset<Row> unpriced) {
    /** Without a cloud bill: nothing claimed, every node-hour priced (or the run failed). */
    public Result(Dataset<Row> origins, Dataset<Row> allocated, Dataset<Row> usage, Dataset<Row> parts, Dataset<Row> originKeys) {
      this(origins, allocated, usage, parts, originKeys, null, null);
    }
  }

  /**
   * Node cost from cloud-bill rows (docs/allocation.md, "Node cost from the cloud bill"): {@code rows} are the
   * candidate instance-hour rows of the bill (table layout, e.g. the run's aws-cur Usage rows of instance-hour usage
   * types); a row whose ResourceId is the instance id of a GPU node of the cluster is an origin charge of that node.
   * The instance id of a node is the last path segment of {@code kube_node_info}'s {@code provider_id}
   * ({@code aws:///us-east-1a/i-0abc…} → {@code i-0abc…}), or the value of the node label {@code instanceIdLabel}.
   */
  public record CloudBill(Dataset<Row> rows, Optional<String> instanceIdLabel) {}

  private GpuAllocation() {}

  /**
   * @param ksm raw kube-state-metrics samples (sources/prometheus.yaml)
   * @param dcgmPieces the {@link #dcgmPieces} of the cluster's DCGM exporter samples; required by {@code
   *     gpu-utilization-weighted}
   * @param sourceFile what x_SourceFile names (the kube-state-metrics input)
   */
  public static Result allocate(Dataset<Row> ksm, Optional<Dataset<Row>> dcgmPieces, NodePricing pricing,
      GpuClusterSettings settings, NormalizeContext context, String sourceFile) {
    return allocate(ksm, dcgmPieces, pricing, settings, context, sourceFile, Optional.empty());
  }

  /**
   * @param cloud node cost from cloud-bill rows: its matched rows are origins; node-hours no claimed row covers are
   *     priced by {@code pricing}, and those it cannot price are left out and returned in {@link Result#unpriced()}
   *     (without {@code cloud} an unpriced node fails the run with AIF-3001)
   */
  public static Result allocate(Dataset<Row> ksm, Optional<Dataset<Row>> dcgmPieces, NodePricing pricing,
      GpuClusterSettings settings, NormalizeContext context, String sourceFile, Optional<CloudBill> cloud) {
    Dataset<Row> k = GpuMetrics.samples(ksm);
    Dataset<Row> nodes = nodeHours(k);
    Dataset<Row> origins;
    Dataset<Row> claimed = null;
    Dataset<Row> unpriced = null;
    if (cloud.isPresent()) {
      Dataset<Row> instances = nodeInstances(k, nodes, cloud.get().instanceIdLabel());
      Dataset<Row> cloudOrigins = cloudOrigins(cloud.get().rows(), instances, settings);
      claimed = cloud.get().rows().join(instances, col(FocusColumns.RESOURCE_ID).equalTo(col("_instance")), "left_semi");
      Dataset<Row> covered = cloudOrigins.select(col("_node").as("_cn"),
          explode(hoursOf(col("_hour"), col("_end"))).as("_ch")).distinct();
      Dataset<Row> rest = nodes.join(covered, nodes.col(NODE).equalTo(covered.col("_cn"))
          .and(nodes.col(HOUR_START).equalTo(covered.col("_ch"))), "left_anti");
      Priced priced = price(rest, pricing, settings, false);
      unpriced = rest.join(priced.unpriced(), NODE).select(col(NODE), col(HOUR_START));
      origins = pricedOrigins(rest, priced.prices(), settings, context, sourceFile).unionByName(cloudOrigins);
    } else {
      origins = pricedOrigins(nodes, price(nodes, pricing, settings, true).prices(), settings, context, sourceFile);
    }
    Dataset<Row> usage = withLabels(usage(k, dcgmPieces, settings), k, settings);
    Dataset<Row> parts = split(origins, usage, settings);
    Dataset<Row> allocated = allocatedRows(origins, parts, settings);
    // gpu_utilization spreads the cost of an hourly origin over its hour; longer cloud-bill periods are left out there
    Dataset<Row> hourly = origins.where(unix_millis(col("_end")).minus(unix_millis(col("_hour"))).equalTo(GpuMetrics.HOUR_MS));
    return new Result(origins.drop(ORIGIN_ID, "_node", "_hour", "_end", "_capacity_unit_ms"), allocated, usage, parts,
        hourly.select(col(ORIGIN_ID), col("_node"), col("_hour")), claimed, unpriced);
  }

  /**
   * kube-state-metrics samples in the form to keep for the allocation's passes: the labels it reads as columns, the
   * whole label map only on the label metrics ({@code kube_node_labels}, {@code kube_pod_labels}, {@code
   * kube_namespace_labels}), whose maps give prices, instance ids, teams, models and tags ({@link GpuMetrics#withLabels}).
   */
  public static Dataset<Row> kubeStateToKeep(Dataset<Row> raw) {
    return GpuMetrics.withLabels(raw, GpuMetrics.KUBE_STATE_LABEL_KEYS,
        Optional.of(List.of(KSM_NODE_LABELS, KSM_POD_LABELS, KSM_NAMESPACE_LABELS)));
  }

  /** DCGM samples in the form to keep for the allocation's passes: the labels it reads as columns, no label map. */
  public static Dataset<Row> dcgmToKeep(Dataset<Row> raw) {
    return GpuMetrics.withLabels(raw, GpuMetrics.DCGM_LABEL_KEYS, Optional.empty());
  }

  // ---------------------------------------------------------------------------------------------- origins

  /** GPU node-hours: node, hour_start, _node_labels (latest), _gpus (label nvidia.com/gpu.count, else capacity rounded up). */
  static Dataset<Row> nodeHours(Dataset<Row> k) {
    Dataset<Row> capacity = k.where(col(PrometheusColumns.METRIC).equalTo(KSM_CAPACITY))
        .withColumn("_u", GpuMetrics.RESOURCE_UNITS.apply(label("resource")))
        .where(col("_u").isNotNull().and(label("node").isNotNull()))
        .groupBy(label("node").as(NODE), col(PrometheusColumns.TIMESTAMP))
        .agg(sum(col(V).multiply(col("_u"))).cast(COUNT).as("_units"))
        .groupBy(col(NODE), GpuMetrics.hourOf(col(PrometheusColumns.TIMESTAMP)).as(HOUR_START))
        .agg(max(col("_units")).as("_capacity_units"))
        .where(col("_capacity_units").gt(0));
    Dataset<Row> nodeLabels = k.where(col(PrometheusColumns.METRIC).equalTo(KSM_NODE_LABELS))
        .groupBy(label("node").as(NODE)).agg(GpuMetrics.latest(col(PrometheusColumns.LABELS)).as("_node_labels"));
    Column labelled = coalesce(col("_node_labels").getItem(GPU_COUNT_LABEL).try_cast(DataTypes.IntegerType), lit(0));
    return capacity.join(nodeLabels, capacity.col(NODE).equalTo(nodeLabels.col(NODE)), "left")
        .select(capacity.col(NODE), col(HOUR_START), col("_node_labels"),
            ceil(greatest(labelled.multiply(GpuUnits.PER_GPU), col("_capacity_units")).divide(GpuUnits.PER_GPU)).cast(DataTypes.LongType).as("_gpus"));
  }

  /** Prices per (node, GPU count) and the nodes that have none (node, _gpus). */
  record Priced(Dataset<Row> prices, Dataset<Row> unpriced) {}

  /** Prices each (node, GPU count) of {@code nodes} once, in Java; {@code failUnpriced}: AIF-3001 for a node without a price. */
  static Priced price(Dataset<Row> nodes, NodePricing pricing, GpuClusterSettings s, boolean failUnpriced) {
    List<Row> priced = new ArrayList<>();
    List<Row> missing = new ArrayList<>();
    for (Row r : nodes.select(col(NODE), col("_gpus"), col("_node_labels")).dropDuplicates(NODE, "_gpus").collectAsList()) {
      String node = r.getString(0);
      long gpus = r.getLong(1);
      Map<String, String> labels = r.isNullAt(2) ? Map.of() : scala.jdk.javaapi.CollectionConverters.asJava(r.<String, String>getMap(2));
      Map<String, String> plain = new LinkedHashMap<>(labels);
      labels.forEach((key, v) -> plain.putIfAbsent(key.startsWith("label_") ? key.substring(6) : key, v));
      Optional<NodePricing.NodePrice> price = pricing.price(node, plain, BigDecimal.valueOf(gpus));
      if (price.isEmpty() && failUnpriced) {
        throw new PipelineException(PipelineErrorCode.NODE_PRICE_NOT_FOUND, "gpu-clusters " + s.cluster() + ": node '" + node + "' ("
            + gpus + " GPU(s)) matches no node-prices row and no cost-model is configured");
      }
      if (price.isEmpty()) {
        missing.add(RowFactory.create(node, gpus));
      } else {
        priced.add(RowFactory.create(node, gpus, price.get().hourly().setScale(12), price.get().basis()));
      }
    }
    StructType priceSchema = DataTypes.createStructType(List.of(
        DataTypes.createStructField(NODE, DataTypes.StringType, false),
        DataTypes.createStructField("_gpus", DataTypes.LongType, false),
        DataTypes.createStructField("_hourly", MONEY, false),
        DataTypes.createStructField("_basis", DataTypes.StringType, false)));
    StructType missingSchema = DataTypes.createStructType(List.of(
        DataTypes.createStructField(NODE, DataTypes.StringType, false),
        DataTypes.createStructField("_gpus", DataTypes.LongType, false)));
    return new Priced(nodes.sparkSession().createDataFrame(priced, priceSchema), nodes.sparkSession().createDataFrame(missing, missingSchema));
  }

  static Dataset<Row> origins(Dataset<Row> k, NodePricing pricing, GpuClusterSettings s, NormalizeContext context, String sourceFile) {
    Dataset<Row> nodes = nodeHours(k);
    return pricedOrigins(nodes, price(nodes, pricing, s, true).prices(), s, context, sourceFile);
  }

  /** SkuMeter of a priced node-hour origin (FOCUS: SkuMeter should be set when SkuId is). */
  static final String SKU_METER = "GPU Node Hours";

  /** Origin rows of priced node-hours (node-prices or the cost model), in table layout plus the origin keys. */
  static Dataset<Row> pricedOrigins(Dataset<Row> nodes, Dataset<Row> prices, GpuClusterSettings s, NormalizeContext context, String sourceFile) {
    Dataset<Row> n = nodes.join(prices, new String[] {NODE, "_gpus"});

    Column hour = col(HOUR_START);
    Column cost = col("_hourly");
    Column gpuHours = col("_gpus").cast(MONEY);
    Column instanceType = coalesce(col("_node_labels").getItem("label_node_kubernetes_io_instance_type"),
        col("_node_labels").getItem("label_nvidia_com_gpu_product"), lit("gpu-node"));
    Column skuId = concat(lit("k8s-gpu-node:"), instanceType);
    Map<String, Column> row = new LinkedHashMap<>();
    row.put(FocusColumns.BILLED_COST, cost);
    row.put(FocusColumns.EFFECTIVE_COST, cost);
    row.put(FocusColumns.LIST_COST, cost);
    row.put(FocusColumns.CONTRACTED_COST, cost);
    row.put(FocusColumns.LIST_UNIT_PRICE, cost);
    row.put(FocusColumns.CONTRACTED_UNIT_PRICE, cost);
    row.put(FocusColumns.PRICING_QUANTITY, lit(BigDecimal.ONE));
    row.put(FocusColumns.PRICING_UNIT, lit(PRICING_UNIT));
    row.put(FocusColumns.PRICING_CATEGORY, lit("Standard"));
    row.put(FocusColumns.CONSUMED_QUANTITY, gpuHours);
    row.put(FocusColumns.CONSUMED_UNIT, lit(USAGE_UNIT));
    row.put(FocusColumns.BILLING_ACCOUNT_ID, lit(s.billingAccountId()));
    row.put(FocusColumns.BILLING_ACCOUNT_NAME, lit(s.cluster()));
    row.put(FocusColumns.BILLING_CURRENCY, lit(s.currency()));
    row.put(FocusColumns.BILLING_PERIOD_START, date_trunc("month", hour));
    row.put(FocusColumns.BILLING_PERIOD_END, add_months(date_trunc("month", hour), 1).cast(DataTypes.TimestampType));
    row.put(FocusColumns.CHARGE_PERIOD_START, hour);
    row.put(FocusColumns.CHARGE_PERIOD_END, timestamp_seconds(unix_seconds(hour).plus(3600)));
    row.put(FocusColumns.CHARGE_CATEGORY, lit("Usage"));
    row.put(FocusColumns.CHARGE_FREQUENCY, lit("Usage-Based"));
    row.put(FocusColumns.CHARGE_DESCRIPTION, concat(lit("GPU node "), col(NODE), lit(", one hour ("), col("_basis"), lit(")")));
    row.put(FocusColumns.PROVIDER_NAME, lit(s.providerName()));
    row.put(FocusColumns.SERVICE_PROVIDER_NAME, lit(s.providerName()));
    row.put(FocusColumns.HOST_PROVIDER_NAME, lit(s.providerName()));
    row.put(FocusColumns.PUBLISHER_NAME, lit(s.providerName()));
    row.put(FocusColumns.INVOICE_ISSUER_NAME, lit(s.providerName()));
    row.put(FocusColumns.SERVICE_NAME, lit(SERVICE_NAME));
    row.put(FocusColumns.SERVICE_CATEGORY, lit("Compute"));
    row.put(FocusColumns.SERVICE_SUBCATEGORY, lit("Containers"));
    row.put(FocusColumns.RESOURCE_ID, concat(lit(s.cluster() + "/"), col(NODE)));
    row.put(FocusColumns.RESOURCE_NAME, col(NODE));
    row.put(FocusColumns.RESOURCE_TYPE, lit("GPU Node"));
    row.put(FocusColumns.SUB_ACCOUNT_ID, lit(s.cluster()));
    row.put(FocusColumns.SUB_ACCOUNT_NAME, lit(s.cluster()));
    row.put(FocusColumns.SKU_ID, skuId);
    row.put(FocusColumns.SKU_METER, lit(SKU_METER));
    row.put(FocusColumns.SKU_PRICE_ID, concat(skuId, lit("@"), col("_hourly").cast(DataTypes.createDecimalType(38, 6)).cast(DataTypes.StringType)));
    row.put(FocusColumns.TAGS, to_json(sorted(map_concat(map(lit(TAG_PREFIX + "cluster"), lit(s.cluster())),
        coalesce(transform_keys(map_filter(col("_node_labels"), (key, v) -> key.startsWith("label_")), (key, v) -> key.substr(7, 1000)),
            map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)))))));
    row.put(ExtensionColumns.TEAM, lit(CostAndUsageTable.UNATTRIBUTED_TEAM));
    row.put(ExtensionColumns.MODEL, lit(CostAndUsageTable.NO_MODEL));
    row.put(ExtensionColumns.SOURCE_KIND, lit(SOURCE_KIND));
    row.put(ExtensionColumns.SOURCE_FILE, lit(sourceFile));
    row.put(ExtensionColumns.RUN_ID, lit(context.runId()));
    row.put(ExtensionColumns.INGESTED_AT, lit(Timestamp.from(context.ingestedAt())));
    Column originId = concat(lit(s.cluster() + "/"), col(NODE), lit("@"), date_format(hour, "yyyy-MM-dd'T'HH:mm:ss'Z'"));
    row.put(ExtensionColumns.SOURCE_RECORD_ID, originId);

    List<Column> cols = new ArrayList<>(List.of(tableColumns(row)));
    cols.add(originId.as(ORIGIN_ID));
    cols.add(col(NODE).as("_node"));
    cols.add(hour.as("_hour"));
    cols.add(timestamp_seconds(unix_seconds(hour).plus(3600)).as("_end"));
    cols.add(col("_gpus").multiply(GpuUnits.PER_GPU_HOUR).cast(DataTypes.createDecimalType(38, 0)).as("_capacity_unit_ms"));
    return n.select(cols.toArray(Column[]::new));
  }

  /** The hours a charge period [start, end) touches (start truncated to the hour). */
  static Column hoursOf(Column start, Column end) {
    return sequence(date_trunc("hour", start), timestamp_millis(unix_millis(end).minus(1)), expr("INTERVAL 1 HOUR"));
  }

  /**
   * node → instance id (_node, _instance), one node per instance (the smallest name when several carry it), only
   * nodes with GPU capacity: from {@code kube_node_info}'s provider_id, or the node label {@code instanceIdLabel}.
   */
  static Dataset<Row> nodeInstances(Dataset<Row> k, Dataset<Row> nodes, Optional<String> instanceIdLabel) {
    Dataset<Row> ids = instanceIdLabel.isPresent()
        ? k.where(col(PrometheusColumns.METRIC).equalTo(KSM_NODE_LABELS))
            .select(label("node").as("_n"), label(NodePricing.sanitized(instanceIdLabel.get())).as("_instance"), col(T))
        : k.where(col(PrometheusColumns.METRIC).equalTo(KSM_NODE_INFO))
            .select(label("node").as("_n"), nullif(regexp_extract(label("provider_id"), "([^/]+)$", 1), lit("")).as("_instance"), col(T));
    Dataset<Row> latest = ids.where(col("_n").isNotNull().and(col("_instance").isNotNull()))
        .groupBy(col("_n")).agg(max_by(col("_instance"), col(T)).as("_instance"));
    Dataset<Row> gpuNodes = nodes.groupBy(col(NODE).as("_gn")).agg(max(col("_gpus")).as("_gpus"));
    return latest.join(gpuNodes, col("_n").equalTo(col("_gn")))
        .groupBy(col("_instance")).agg(min(struct(col("_n"), col("_gpus"))).as("_first"))
        .select(col("_first._n").as("_node"), col("_instance"), col("_first._gpus").as("_gpus"));
  }

  /**
   * One origin per cloud-bill row of a node's instance: every column (Tags included) is the bill row's, but
   * x_SourceKind (k8s-gpu: the allocated rows are the cluster's) and the reporting-currency amounts (not split:
   * null, like every allocated row); capacity = the node's GPUs × the row's charge period.
   */
  static Dataset<Row> cloudOrigins(Dataset<Row> bill, Dataset<Row> instances, GpuClusterSettings s) {
    Dataset<Row> j = bill.join(instances, col(FocusColumns.RESOURCE_ID).equalTo(col("_instance")));
    Column start = col(FocusColumns.CHARGE_PERIOD_START);
    Column end = col(FocusColumns.CHARGE_PERIOD_END);
    WindowSpec w = Window.partitionBy(col(FocusColumns.RESOURCE_ID), start).orderBy(col(ExtensionColumns.LINE_ITEM_TYPE).asc_nulls_first(),
        col(ExtensionColumns.SOURCE_RECORD_ID).asc_nulls_first(), col(FocusColumns.BILLED_COST).asc_nulls_first(),
        col(FocusColumns.EFFECTIVE_COST).asc_nulls_first(), col(ExtensionColumns.SOURCE_FILE).asc_nulls_first());
    Column originId = concat(lit(s.cluster() + "/"), col("_node"), lit(CLOUD_ORIGIN_INFIX), date_format(start, "yyyy-MM-dd'T'HH:mm:ss'Z'"),
        lit("."), row_number().over(w).cast(DataTypes.StringType));
    Map<String, Column> row = new LinkedHashMap<>();
    for (StructField f : CostAndUsageTable.schema().fields()) {
      row.put(f.name(), col(f.name()));
    }
    row.put(ExtensionColumns.SOURCE_KIND, lit(SOURCE_KIND));
    row.put(ExtensionColumns.REPORTING_CURRENCY, lit(null));
    row.put(ExtensionColumns.BILLED_COST_IN_REPORTING_CURRENCY, lit(null));
    row.put(ExtensionColumns.EFFECTIVE_COST_IN_REPORTING_CURRENCY, lit(null));
    row.put(ExtensionColumns.SOURCE_RECORD_ID, col(ORIGIN_ID));
    List<Column> cols = new ArrayList<>(List.of(tableColumns(row)));
    cols.add(col(ORIGIN_ID));
    cols.add(col("_node"));
    cols.add(start.as("_hour"));
    cols.add(end.as("_end"));
    cols.add(col("_gpus").multiply(GpuUnits.PER_GPU).multiply(unix_millis(end).minus(unix_millis(start)))
        .cast(DataTypes.createDecimalType(38, 0)).as("_capacity_unit_ms"));
    return j.withColumn(ORIGIN_ID, originId).select(cols.toArray(Column[]::new));
  }

  private static Column sorted(Column map) {
    return map_from_entries(array_sort(map_entries(map)));
  }

  /** Every table column in order, typed; unset columns are typed nulls. */
  static Column[] tableColumns(Map<String, Column> values) {
    List<Column> out = new ArrayList<>();
    for (StructField f : CostAndUsageTable.schema().fields()) {
      Column v = values.get(f.name());
      out.add((v == null ? lit(null).cast(f.dataType()) : v.cast(f.dataType())).as(f.name()));
    }
    for (String name : values.keySet()) {
      if (CostAndUsageTable.schema().getFieldIndex(name).isEmpty()) {
        throw new IllegalArgumentException("Not a column of " + CostAndUsageTable.TABLE_NAME + ": " + name);
      }
    }
    return out.toArray(Column[]::new);
  }

  // ------------------------------------------------------------------------------------------------ usage

  /** Per (node, hour, namespace, pod): GPU time in unit-ms and the method's score. */
  static Dataset<Row> usage(Dataset<Row> k, Optional<Dataset<Row>> dcgmPieces, GpuClusterSettings s) {
    return switch (s.method()) {
      case GPU_REQUEST_TIME -> requestTime(k, s).withColumn("score", col("unit_ms"));
      case CUSTOM_WEIGHTS -> requestTime(k, s).withColumn("score", col("unit_ms").multiply(weightOf(col(NAMESPACE), s)).cast(MONEY));
      case GPU_UTILIZATION_WEIGHTED -> {
        Dataset<Row> pieces = dcgmPieces.orElseThrow(() -> new PipelineException(PipelineErrorCode.INVALID_CONFIG,
            "gpu-clusters " + s.cluster() + ": method gpu-utilization-weighted needs the dcgm input"));
        yield pieces.where(col(POD).isNotNull())
            .groupBy(col(NODE), col(HOUR_START), col(NAMESPACE), col(POD))
            .agg(sum(col("unit_ms")).as("unit_ms"),
                sum(col("unit_ms").multiply(coalesce(col("util"), lit(BigDecimal.ZERO)))).cast(MONEY).as("score"));
      }
    };
  }

  private static Column weightOf(Column namespace, GpuClusterSettings s) {
    Column w = lit(s.defaultWeight());
    for (Map.Entry<String, BigDecimal> e : s.customWeights().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      w = when(namespace.equalTo(e.getKey()), lit(e.getValue())).otherwise(w);
    }
    return w;
  }

  static Dataset<Row> requestTime(Dataset<Row> k, GpuClusterSettings s) {
    Dataset<Row> requests = k.where(col(PrometheusColumns.METRIC).equalTo(KSM_REQUESTS))
        .withColumn("_u", GpuMetrics.RESOURCE_UNITS.apply(label("resource")))
        .where(col("_u").isNotNull().and(label("node").isNotNull()).and(label("pod").isNotNull()))
        .select(label("node").as(NODE), label("namespace").as(NAMESPACE), label("pod").as(POD),
            coalesce(label("uid"), lit("")).as("_uid"), coalesce(label("container"), lit("")).as("_container"),
            label("resource").as("_resource"), col(T), col(V), col("_u"));
    Column[] series = {col(NODE), col(NAMESPACE), col(POD), col("_uid"), col("_container"), col("_resource")};
    long interval = GpuMetrics.intervalMs(requests, series, s.sampleInterval());
    return GpuMetrics.pieces(requests, series, interval)
        .groupBy(col(NODE), col(HOUR_START), col(NAMESPACE), col(POD))
        .agg(sum(col(V).multiply(col("_u")).multiply(col(MS))).cast(DataTypes.createDecimalType(38, 0)).as("unit_ms"));
  }

  /**
   * DCGM samples as covered pieces per GPU (or MIG instance): node, gpu, mig_profile, namespace, pod (null = idle),
   * hour_start, ms, unit_ms, util (0..1: PROF_GR_ENGINE_ACTIVE, else GPU_UTIL / 100), memory (FB used, MiB).
   */
  public static Dataset<Row> dcgmPieces(Dataset<Row> dcgmRaw, GpuClusterSettings s) {
    Dataset<Row> d = GpuMetrics.samples(dcgmRaw)
        .where(col(PrometheusColumns.METRIC).isin(DCGM_GPU_UTIL, DCGM_GR_ENGINE_ACTIVE, DCGM_FB_USED))
        .select(GpuMetrics.dcgmNode().as(NODE), GpuMetrics.dcgmGpu().as("gpu"),
            coalesce(label("GPU_I_ID"), lit("")).as("_gi"), label("GPU_I_PROFILE").as("mig_profile"),
            GpuMetrics.dcgmWorkloadLabel("namespace").as(NAMESPACE), GpuMetrics.dcgmWorkloadLabel("pod").as(POD),
            col(T), col(PrometheusColumns.TIMESTAMP), col(PrometheusColumns.METRIC), col(V))
        .where(col(NODE).isNotNull().and(col("gpu").isNotNull()));
    Column metric = col(PrometheusColumns.METRIC);
    Dataset<Row> perTime = d.groupBy(col(NODE), col("gpu"), col("_gi"), col("mig_profile"), col(NAMESPACE), col(POD), col(T))
        .agg(max(when(metric.equalTo(DCGM_GR_ENGINE_ACTIVE), col(V))).as("_gr"),
            max(when(metric.equalTo(DCGM_GPU_UTIL), col(V))).as("_util"),
            max(when(metric.equalTo(DCGM_FB_USED), col(V))).as("memory"))
        .withColumn("util", clamp(coalesce(col("_gr"), col("_util").divide(100))).cast(DataTypes.createDecimalType(9, 6)))
        .drop("_gr", "_util");
    Column[] series = {col(NODE), col("gpu"), col("_gi")};
    long interval = GpuMetrics.intervalMs(perTime, series, s.sampleInterval());
    return GpuMetrics.pieces(perTime, series, interval)
        .withColumn("unit_ms", GpuMetrics.PROFILE_UNITS.apply(col("mig_profile")).cast(DataTypes.LongType).multiply(col(MS))
            .cast(DataTypes.createDecimalType(38, 0)));
  }

  private static Column clamp(Column c) {
    return when(c.lt(0), lit(BigDecimal.ZERO)).when(c.gt(1), lit(BigDecimal.ONE)).otherwise(c);
  }

  // ----------------------------------------------------------------------------------------------- labels

  /**
   * Adds team, model, endpoint and the pod's tags: pod labels of the same hour (the last sample in the hour),
   * else the pod's latest labels; team falls back to the namespace's labels, then 'unattributed'.
   */
  public static Dataset<Row> withLabels(Dataset<Row> usage, Dataset<Row> k, GpuClusterSettings s) {
    Dataset<Row> pod = k.where(col(PrometheusColumns.METRIC).equalTo(KSM_POD_LABELS))
        .select(label("namespace").as("_ns"), label("pod").as("_pod"), GpuMetrics.hourOf(col(PrometheusColumns.TIMESTAMP)).as("_hour"),
            col(T), col(PrometheusColumns.LABELS));
    Dataset<Row> perHour = pod.groupBy(col("_ns"), col("_pod"), col("_hour")).agg(GpuMetrics.latest(col(PrometheusColumns.LABELS)).as("_hour_labels"));
    Dataset<Row> latest = pod.groupBy(col("_ns").as("_ns2"), col("_pod").as("_pod2")).agg(GpuMetrics.latest(col(PrometheusColumns.LABELS)).as("_latest_labels"));
    Dataset<Row> ns = k.where(col(PrometheusColumns.METRIC).equalTo(KSM_NAMESPACE_LABELS))
        .groupBy(label("namespace").as("_ns3")).agg(GpuMetrics.latest(col(PrometheusColumns.LABELS)).as("_ns_labels"));
    Dataset<Row> j = usage
        .join(perHour, usage.col(NAMESPACE).equalTo(perHour.col("_ns")).and(usage.col(POD).equalTo(perHour.col("_pod")))
            .and(usage.col(HOUR_START).equalTo(perHour.col("_hour"))), "left")
        .join(latest, usage.col(NAMESPACE).equalTo(latest.col("_ns2")).and(usage.col(POD).equalTo(latest.col("_pod2"))), "left")
        .join(ns, usage.col(NAMESPACE).equalTo(ns.col("_ns3")), "left")
        .withColumn("_labels", coalesce(col("_hour_labels"), col("_latest_labels")));
    List<Column> team = new ArrayList<>();
    for (String key : s.teamLabelKeys()) {
      team.add(nonEmpty(col("_labels").getItem(NodePricing.sanitized(key))));
    }
    for (String key : s.teamLabelKeys()) {
      team.add(nonEmpty(col("_ns_labels").getItem(NodePricing.sanitized(key))));
    }
    team.add(lit(CostAndUsageTable.UNATTRIBUTED_TEAM));
    List<Column> model = new ArrayList<>();
    for (String key : s.modelLabelKeys()) {
      model.add(lower(nonEmpty(col("_labels").getItem(NodePricing.sanitized(key)))));
    }
    model.add(lit(CostAndUsageTable.NO_MODEL));
    Column podTags = coalesce(transform_keys(map_filter(col("_labels"), (key, v) -> key.startsWith("label_")), (key, v) -> key.substr(7, 1000)),
        map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)));
    List<Column> out = new ArrayList<>();
    for (String c : usage.columns()) {
      out.add(usage.col(c));
    }
    out.add(coalesce(team.toArray(Column[]::new)).as("team"));
    out.add(coalesce(model.toArray(Column[]::new)).as("model"));
    out.add(coalesce(nonEmpty(col("_labels").getItem(NodePricing.sanitized(s.endpointLabelKey()))), col(POD)).as("endpoint"));
    out.add(sorted(map_concat(podTags, map(lit(TAG_PREFIX + "namespace"), col(NAMESPACE)))).as("pod_tags"));
    return j.select(out.toArray(Column[]::new));
  }

  private static Column nonEmpty(Column c) {
    return when(c.notEqual(lit("")), c);
  }

  // ------------------------------------------------------------------------------------------------ split

  static final StructType PART_SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField(ORIGIN_ID, DataTypes.StringType, false),
      DataTypes.createStructField("part", DataTypes.IntegerType, false),
      DataTypes.createStructField(NAMESPACE, DataTypes.StringType, true),
      DataTypes.createStructField(POD, DataTypes.StringType, true),
      DataTypes.createStructField("team", DataTypes.StringType, true),
      DataTypes.createStructField("model", DataTypes.StringType, true),
      DataTypes.createStructField("endpoint", DataTypes.StringType, true),
      DataTypes.createStructField("pod_tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true),
      DataTypes.createStructField("ratio", MONEY, false),
      DataTypes.createStructField("billed", MONEY, true),
      DataTypes.createStructField("effective", MONEY, true),
      DataTypes.createStructField("list", MONEY, true),
      DataTypes.createStructField("contracted", MONEY, true),
      DataTypes.createStructField("consumed", MONEY, true),
      DataTypes.createStructField("pricing_quantity", MONEY, true),
      DataTypes.createStructField("gpu_hours", MONEY, false),
      DataTypes.createStructField("commitment_quantity", MONEY, true)));

  /**
   * One row per allocated part; see {@link #PART_SCHEMA}. The node and hour come back through the origin id. An
   * origin covers the usage of the hours its charge period touches (one hour for node-hour origins; a cloud-bill
   * row of a day covers its 24 hours, a workload's hours summed).
   */
  static Dataset<Row> split(Dataset<Row> origins, Dataset<Row> usage, GpuClusterSettings s) {
    Dataset<Row> o = origins.select(col(ORIGIN_ID), col("_node"), explode(hoursOf(col("_hour"), col("_end"))).as("_uh"),
        col("_capacity_unit_ms"), col(FocusColumns.BILLED_COST), col(FocusColumns.EFFECTIVE_COST), col(FocusColumns.LIST_COST),
        col(FocusColumns.CONTRACTED_COST), col(FocusColumns.CONSUMED_QUANTITY), col(FocusColumns.PRICING_QUANTITY),
        col(FocusColumns.COMMITMENT_DISCOUNT_QUANTITY));
    Column[] originCols = {col(ORIGIN_ID), col("_capacity_unit_ms"), col(FocusColumns.BILLED_COST), col(FocusColumns.EFFECTIVE_COST),
        col(FocusColumns.LIST_COST), col(FocusColumns.CONTRACTED_COST), col(FocusColumns.CONSUMED_QUANTITY),
        col(FocusColumns.PRICING_QUANTITY), col(FocusColumns.COMMITMENT_DISCOUNT_QUANTITY)};
    DataType tagsType = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
    Dataset<Row> joined = o.join(usage, o.col("_node").equalTo(usage.col(NODE)).and(o.col("_uh").equalTo(usage.col(HOUR_START))), "left")
        .groupBy(both(originCols, new Column[] {col(NAMESPACE), col(POD), col("team"), col("model"), col("endpoint"),
            to_json(col("pod_tags")).as("_tags_json")}))
        .agg(sum(col("unit_ms")).as("unit_ms"), sum(col("score")).as("score"))
        .select(col(ORIGIN_ID), col("_capacity_unit_ms"), col(FocusColumns.BILLED_COST), col(FocusColumns.EFFECTIVE_COST),
            col(FocusColumns.LIST_COST), col(FocusColumns.CONTRACTED_COST), col(FocusColumns.CONSUMED_QUANTITY),
            col(FocusColumns.PRICING_QUANTITY), col(NAMESPACE), col(POD), col("team"), col("model"), col("endpoint"),
            from_json(col("_tags_json"), tagsType, Map.of()).as("pod_tags"), col("unit_ms"), col("score"),
            col(FocusColumns.COMMITMENT_DISCOUNT_QUANTITY));
    IdleHandling idle = s.idle();
    return joined
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (id, rows) -> splitOne(id, rows, idle), Encoders.row(PART_SCHEMA));
  }

  private static Column[] both(Column[] a, Column[] b) {
    Column[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Iterator<Row> splitOne(String originId, Iterator<Row> rows, IdleHandling idle) {
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    Row first = all.get(0);
    List<Row> workloads = new ArrayList<>(all.stream().filter(r -> !r.isNullAt(9)).toList());
    Comparator<String> text = Comparator.nullsFirst(Comparator.<String>naturalOrder());
    workloads.sort(Comparator.comparing((Row r) -> r.getString(8), text).thenComparing(r -> r.getString(9))
        .thenComparing(r -> r.getString(10), text).thenComparing(r -> r.getString(11), text).thenComparing(r -> r.getString(12), text));
    List<GpuSplit.Share> shares = new ArrayList<>();
    for (Row w : workloads) {
      shares.add(new GpuSplit.Share(w.getDecimal(14), w.isNullAt(15) ? BigDecimal.ZERO : w.getDecimal(15)));
    }
    List<BigDecimal> amounts = new ArrayList<>();
    for (int i = 2; i <= 5; i++) {
      amounts.add(first.isNullAt(i) ? null : GpuSplit.moneyScale(first.getDecimal(i)));
    }
    amounts.add(first.isNullAt(6) ? null : first.getDecimal(6).setScale(12));
    amounts.add(first.isNullAt(7) ? null : first.getDecimal(7).setScale(12));
    amounts.add(first.isNullAt(16) ? null : first.getDecimal(16).setScale(12));
    List<GpuSplit.Part> parts = GpuSplit.split(idle, first.getDecimal(1), shares, amounts);
    List<Row> out = new ArrayList<>();
    int n = 0;
    for (GpuSplit.Part p : parts) {
      Row w = p.idle() ? null : workloads.get(p.workload());
      Object[] values = new Object[PART_SCHEMA.size()];
      values[0] = originId;
      values[1] = n++;
      if (w != null) {
        for (int i = 0; i < 6; i++) {
          values[2 + i] = w.get(8 + i);
        }
      }
      values[8] = p.ratio();
      for (int i = 0; i < 6; i++) {
        BigDecimal a = p.amounts().get(i);
        values[9 + i] = a == null ? null : a.setScale(12);
      }
      values[15] = p.gpuHours();
      values[16] = p.amounts().get(6) == null ? null : p.amounts().get(6).setScale(12);
      out.add(RowFactory.create(values));
    }
    return out.iterator();
  }

  // ---------------------------------------------------------------------------------------- allocated rows

  /**
   * The allocated rows: the origin row with the split amounts, the Allocated* columns and the pod's team, model
   * and endpoint; every other column (Tags included) as the origin's.
   */
  static Dataset<Row> allocatedRows(Dataset<Row> origins, Dataset<Row> parts, GpuClusterSettings s) {
    Dataset<Row> j = origins.join(parts, ORIGIN_ID);
    Column isIdle = col(POD).isNull();
    Column resourceId = when(not(isIdle), concat(col(NAMESPACE), lit("/"), col(POD)));
    Column details = to_json(struct(array(struct(
        col("ratio").as("AllocatedRatio"), col("gpu_hours").as("UsageQuantity"), lit(USAGE_UNIT).as("UsageUnit"))).as("Elements")));
    Column originTagKeys = map_keys(from_json(col(FocusColumns.TAGS), DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), Map.of()));
    Map<String, Column> row = new LinkedHashMap<>();
    for (StructField f : CostAndUsageTable.schema().fields()) {
      row.put(f.name(), col(f.name()));
    }
    row.put(FocusColumns.BILLED_COST, col("billed"));
    row.put(FocusColumns.EFFECTIVE_COST, col("effective"));
    row.put(FocusColumns.LIST_COST, col("list"));
    row.put(FocusColumns.CONTRACTED_COST, col("contracted"));
    row.put(FocusColumns.CONSUMED_QUANTITY, col("consumed"));
    row.put(FocusColumns.PRICING_QUANTITY, col("pricing_quantity"));
    row.put(FocusColumns.COMMITMENT_DISCOUNT_QUANTITY, col("commitment_quantity"));
    row.put(FocusColumns.ALLOCATED_METHOD_ID, lit(s.allocatedMethodId()));
    row.put(FocusColumns.ALLOCATED_METHOD_DETAILS, details);
    row.put(FocusColumns.ALLOCATED_RESOURCE_ID, resourceId);
    row.put(FocusColumns.ALLOCATED_RESOURCE_NAME, when(not(isIdle), col(POD)));
    row.put(FocusColumns.ALLOCATED_TAGS, when(not(isIdle),
        to_json(map_filter(col("pod_tags"), (key, v) -> not(array_contains(originTagKeys, key))))));
    row.put(ExtensionColumns.TEAM, coalesce(col("team"), lit(CostAndUsageTable.UNATTRIBUTED_TEAM)));
    row.put(ExtensionColumns.MODEL, coalesce(col("model"), lit(CostAndUsageTable.NO_MODEL)));
    row.put(ExtensionColumns.ENDPOINT, col("endpoint"));
    row.put(ExtensionColumns.SOURCE_RECORD_ID, concat(col(ORIGIN_ID), lit("#"), col("part").cast(DataTypes.StringType)));
    return j.select(tableColumns(row));
  }
}
