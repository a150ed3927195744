package io.aifocus.allocate.gpu;

import static io.aifocus.allocate.gpu.GpuMetrics.HOUR_START;
import static io.aifocus.allocate.gpu.GpuMetrics.NAMESPACE;
import static io.aifocus.allocate.gpu.GpuMetrics.POD;
import static io.aifocus.allocate.gpu.GpuMetrics.T;
import static io.aifocus.allocate.gpu.GpuMetrics.V;
import static io.aifocus.allocate.gpu.GpuMetrics.label;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.aifocus.allocate.LargestRemainder;
import io.aifocus.api.InferenceTokensTable;
import io.aifocus.api.pricing.Price;
import io.aifocus.api.pricing.PriceBook;
import io.aifocus.api.pricing.TokenType;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.source.PrometheusColumns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tokens served by self-hosted vLLM endpoints and their GPU cost (docs/sources/vllm-metrics.md), the rows of the
 * inference_tokens table ({@link InferenceTokensTable}).
 *
 * <ol>
 *   <li>The counters {@code vllm:prompt_tokens_total} and {@code vllm:generation_tokens_total} per series (metric and
 *       every label) become increases per hour, reset-aware ({@link CounterIncrease}, one series per task group).
 *   <li>Per namespace, pod, served model ({@code model_name}) and hour: prompt and generation tokens; endpoint and team
 *       from the pod's kube-state-metrics labels as for the allocated rows.
 *   <li>GPU cost: the pod's allocated cost in that hour (Σ BilledCost of the allocated rows whose
 *       AllocatedResourceId is namespace/pod and ChargePeriodStart the hour); a pod serving several models in an hour
 *       splits it by tokens, to the unit of the 12th decimal (largest remainder).
 *   <li>API prices: the first price-book row, in file order and in effect at the hour, whose model pattern matches the
 *       model family (the served model lower-cased, without an organisation prefix such as {@code meta-llama/} and
 *       without a leading {@code meta-}); any provider.
 * </ol>
 */
public final class InferenceTokens {
  public static final String PROMPT_TOKENS = "vllm:prompt_tokens_total";
  public static final String GENERATION_TOKENS = "vllm:generation_tokens_total";

  private static final DataType AMOUNT = DataTypes.createDecimalType(38, 12);
  private static final DataType TOKENS = DataTypes.createDecimalType(38, 0);
  private static final String SERVED_MODEL = "served_model";

  private static final StructType INCREASE_SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("metric", DataTypes.StringType, false),
      DataTypes.createStructField(NAMESPACE, DataTypes.StringType, true),
      DataTypes.createStructField(POD, DataTypes.StringType, true),
      DataTypes.createStructField(SERVED_MODEL, DataTypes.StringType, true),
      DataTypes.createStructField("hour_ms", DataTypes.LongType, false),
      DataTypes.createStructField("increase", AMOUNT, false),
      DataTypes.createStructField("resets", DataTypes.IntegerType, false)));

  private static final StructType COST_SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("_ck", DataTypes.StringType, false),
      DataTypes.createStructField("_cm", DataTypes.StringType, true),
      DataTypes.createStructField("_cost", AMOUNT, true)));

  private InferenceTokens() {}

  /** The model family a served model is compared under: lower case, no organisation prefix, no leading "meta-". */
  public static String family(String model) {
    if (model == null) {
      return null;
    }
    String m = model.strip().toLowerCase(Locale.ROOT);
    m = m.substring(m.lastIndexOf('/') + 1);
    return m.startsWith("meta-") ? m.substring(5) : m;
  }

  /**
   * @param vllmRaw raw vLLM metric samples (sources/prometheus.yaml)
   * @param kubeStateRaw raw kube-state-metrics samples of the same cluster (pod labels → endpoint, team)
   * @param allocated the cluster's allocated rows (table layout)
   */
  public static Dataset<Row> rows(Dataset<Row> vllmRaw, Dataset<Row> kubeStateRaw, Dataset<Row> allocated,
      GpuClusterSettings s, PriceBook priceBook, String runId) {
    Dataset<Row> tokens = hourlyTokens(vllmRaw);
    Dataset<Row> labelled = GpuAllocation.withLabels(tokens, GpuMetrics.samples(kubeStateRaw), s);
    Dataset<Row> costed = withCost(labelled, allocated);
    Dataset<Row> priced = withApiPrices(costed, priceBook);
    return priced.select(
        lit(s.cluster()).as(InferenceTokensTable.CLUSTER),
        col(NAMESPACE).as(InferenceTokensTable.NAMESPACE),
        col(POD).as(InferenceTokensTable.POD),
        col("endpoint").as(InferenceTokensTable.ENDPOINT),
        when(col(POD).isNotNull(), col("team")).as(InferenceTokensTable.TEAM),
        col(SERVED_MODEL).as(InferenceTokensTable.MODEL),
        col("_family").as(InferenceTokensTable.MODEL_FAMILY),
        col(HOUR_START).as(InferenceTokensTable.HOUR_START),
        col("prompt").cast(TOKENS).as(InferenceTokensTable.PROMPT_TOKENS),
        col("generation").cast(TOKENS).as(InferenceTokensTable.GENERATION_TOKENS),
        col("resets").cast(DataTypes.IntegerType).as(InferenceTokensTable.COUNTER_RESETS),
        col("_gpu_cost").cast(AMOUNT).as(InferenceTokensTable.GPU_COST),
        lit(s.currency()).as(InferenceTokensTable.CURRENCY),
        col("_api_provider").as(InferenceTokensTable.API_PROVIDER),
        col("_api_version").as(InferenceTokensTable.API_PRICE_VERSION),
        col("_api_in").cast(AMOUNT).as(InferenceTokensTable.API_INPUT_PER_1M),
        col("_api_out").cast(AMOUNT).as(InferenceTokensTable.API_OUTPUT_PER_1M),
        lit(runId).as(InferenceTokensTable.RUN_ID));
  }

  /**
   * Per namespace, pod, served model and hour: prompt, generation (token increases) and resets (the most any of the
   * pod's series saw: one restart resets both counters). The pod and namespace
   * are the Prometheus target labels ({@code pod}/{@code namespace}, else {@code kubernetes_pod_name}/{@code
   * kubernetes_namespace}); either may be null when the scrape config attached none.
   */
  public static Dataset<Row> hourlyTokens(Dataset<Row> vllmRaw) {
    Column labels = col(PrometheusColumns.LABELS);
    Dataset<Row> samples = GpuMetrics.samples(vllmRaw)
        .where(col(PrometheusColumns.METRIC).isin(PROMPT_TOKENS, GENERATION_TOKENS))
        .select(concat(col(PrometheusColumns.METRIC), to_json(map_from_entries(array_sort(map_entries(labels))))).as("_series"),
            col(PrometheusColumns.METRIC),
            coalesce(label("namespace"), label("kubernetes_namespace")).as(NAMESPACE),
            coalesce(label("pod"), label("kubernetes_pod_name")).as(POD),
            label("model_name").as(SERVED_MODEL),
            col(T), col(V));
    Dataset<Row> increases = samples
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) InferenceTokens::increases, Encoders.row(INCREASE_SCHEMA));
    Column metric = col("metric");
    return increases
        .groupBy(col(NAMESPACE), col(POD), col(SERVED_MODEL), timestamp_millis(col("hour_ms")).as(HOUR_START))
        .agg(sum(when(metric.equalTo(PROMPT_TOKENS), col("increase")).otherwise(lit(BigDecimal.ZERO))).cast(AMOUNT).as("prompt"),
            sum(when(metric.equalTo(GENERATION_TOKENS), col("increase")).otherwise(lit(BigDecimal.ZERO))).cast(AMOUNT).as("generation"),
            max(col("resets")).as("resets")); // a restart resets every counter of the pod: count it once
  }

  private static Iterator<Row> increases(String series, Iterator<Row> rows) {
    List<CounterIncrease.Sample> samples = new ArrayList<>();
    Row first = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      first = first == null ? r : first;
      samples.add(new CounterIncrease.Sample(r.getLong(5), r.getDecimal(6)));
    }
    List<Row> out = new ArrayList<>();
    for (CounterIncrease.Hourly h : CounterIncrease.perHour(samples)) {
      out.add(RowFactory.create(first.getString(1), first.getString(2), first.getString(3), first.getString(4),
          h.hourStartMs(), h.increase().setScale(12, RoundingMode.UNNECESSARY), h.resets()));
    }
    return out.iterator();
  }

  /** Adds _gpu_cost: the pod's allocated cost in the hour, split over the models it served by tokens. */
  static Dataset<Row> withCost(Dataset<Row> tokens, Dataset<Row> allocated) {
    Dataset<Row> podHours = allocated.where(col(FocusColumns.ALLOCATED_RESOURCE_ID).isNotNull())
        .groupBy(col(FocusColumns.ALLOCATED_RESOURCE_ID).as("_rid"), col(FocusColumns.CHARGE_PERIOD_START).as("_rh"))
        .agg(sum(col(FocusColumns.BILLED_COST)).cast(AMOUNT).as("_pod_cost"));
    Column key = concat(col(NAMESPACE), lit("/"), col(POD));
    Dataset<Row> joined = tokens.join(podHours, key.equalTo(col("_rid")).and(col(HOUR_START).equalTo(col("_rh"))), "left")
        .withColumn("_key", concat(key, lit("@"), col(HOUR_START).cast(DataTypes.StringType)));
    Dataset<Row> costs = joined.where(col("_pod_cost").isNotNull())
        .select(col("_key"), col(SERVED_MODEL), col("prompt").plus(col("generation")).as("_tokens"), col("_pod_cost"))
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) InferenceTokens::splitCost, Encoders.row(COST_SCHEMA));
    return joined.join(costs, col("_key").equalTo(col("_ck")).and(col(SERVED_MODEL).eqNullSafe(col("_cm"))), "left")
        .withColumnRenamed("_cost", "_gpu_cost")
        .drop("_rid", "_rh", "_pod_cost", "_key", "_ck", "_cm");
  }

  private static Iterator<Row> splitCost(String key, Iterator<Row> rows) {
    List<Row> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    all.sort(Comparator.comparing((Row r) -> r.getString(1), Comparator.nullsFirst(Comparator.<String>naturalOrder())));
    BigDecimal cost = all.get(0).getDecimal(3).setScale(12, RoundingMode.UNNECESSARY);
    List<BigDecimal> weights = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (Row r : all) {
      weights.add(r.getDecimal(2));
      total = total.add(r.getDecimal(2));
    }
    if (total.signum() == 0) {
      weights.replaceAll(w -> BigDecimal.ONE); // no tokens in this hour: the models share the pod's cost equally
    }
    List<BigDecimal> parts = LargestRemainder.split(cost, weights, 12);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      out.add(RowFactory.create(key, all.get(i).getString(1), parts.get(i)));
    }
    return out.iterator();
  }

  /** Adds _family and the price book's API prices of the family at the hour (_api_provider, _api_version, _api_in, _api_out). */
  static Dataset<Row> withApiPrices(Dataset<Row> rows, PriceBook book) {
    UDF1<String, String> familyOf = InferenceTokens::family;
    Dataset<Row> f = rows.withColumn("_family", udf(familyOf, DataTypes.StringType).apply(col(SERVED_MODEL)));
    List<Row> prices = new ArrayList<>();
    int index = 0;
    for (Price p : book.prices()) {
      prices.add(RowFactory.create(index++, p.modelRegex(), p.provider(), p.version(), Timestamp.from(p.effectiveFrom()),
          p.effectiveTo().map(Timestamp::from).orElse(null),
          p.perMillion().get(TokenType.INPUT), p.perMillion().get(TokenType.OUTPUT)));
    }
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("_pi", DataTypes.IntegerType, false),
        DataTypes.createStructField("_regex", DataTypes.StringType, false),
        DataTypes.createStructField("_api_provider", DataTypes.StringType, false),
        DataTypes.createStructField("_api_version", DataTypes.StringType, false),
        DataTypes.createStructField("_from", DataTypes.TimestampType, false),
        DataTypes.createStructField("_to", DataTypes.TimestampType, true),
        DataTypes.createStructField("_api_in", AMOUNT, true),
        DataTypes.createStructField("_api_out", AMOUNT, true)));
    Dataset<Row> book2 = rows.sparkSession().createDataFrame(prices, schema);
    Column matches = expr("_family RLIKE _regex").and(col(HOUR_START).geq(col("_from")))
        .and(col("_to").isNull().or(col(HOUR_START).lt(col("_to"))));
    // one row per namespace, pod, served model and hour: keep its first matching price (file order)
    Dataset<Row> j = f.join(book2, matches, "left")
        .withColumn("_rank", row_number().over(Window.partitionBy(col(NAMESPACE), col(POD), col(SERVED_MODEL), col(HOUR_START))
            .orderBy(col("_pi").asc_nulls_last())))
        .where(col("_rank").equalTo(1));
    return j.drop("_rank", "_pi", "_regex", "_from", "_to");
  }
}
