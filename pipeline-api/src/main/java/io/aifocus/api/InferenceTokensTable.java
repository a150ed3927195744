package io.aifocus.api;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Layout of the {@code inference_tokens} Delta table (docs/sources/vllm-metrics.md): tokens served by self-hosted
 * inference servers (vLLM counters) per cluster, pod, served model and hour, with the allocated GPU cost of the pod
 * in that hour and the API list prices of the same model family from the price book. Written by GPU allocation runs
 * of clusters with {@code vllm-metrics}, replaced per cluster and billing period.
 */
public final class InferenceTokensTable {
  public static final String TABLE_NAME = "inference_tokens";

  public static final String CLUSTER = "cluster";
  public static final String NAMESPACE = "namespace";
  public static final String POD = "pod";
  public static final String ENDPOINT = "endpoint";
  public static final String TEAM = "team";
  public static final String MODEL = "model";
  public static final String MODEL_FAMILY = "model_family";
  public static final String HOUR_START = "hour_start";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String GENERATION_TOKENS = "generation_tokens";
  public static final String COUNTER_RESETS = "counter_resets";
  public static final String GPU_COST = "gpu_cost";
  public static final String CURRENCY = "currency";
  public static final String API_PROVIDER = "api_provider";
  public static final String API_PRICE_VERSION = "api_price_version";
  public static final String API_INPUT_PER_1M = "api_input_per_1m";
  public static final String API_OUTPUT_PER_1M = "api_output_per_1m";
  public static final String RUN_ID = "x_RunId";

  private static final DataType AMOUNT = DataTypes.createDecimalType(38, 12);
  private static final DataType TOKENS = DataTypes.createDecimalType(38, 0);

  private static final StructType SCHEMA = DataTypes.createStructType(List.of(
      field(CLUSTER, DataTypes.StringType),
      field(NAMESPACE, DataTypes.StringType),
      field(POD, DataTypes.StringType),
      field(ENDPOINT, DataTypes.StringType),
      field(TEAM, DataTypes.StringType),
      field(MODEL, DataTypes.StringType),
      field(MODEL_FAMILY, DataTypes.StringType),
      field(HOUR_START, DataTypes.TimestampType),
      field(PROMPT_TOKENS, TOKENS),
      field(GENERATION_TOKENS, TOKENS),
      field(COUNTER_RESETS, DataTypes.IntegerType),
      field(GPU_COST, AMOUNT),
      field(CURRENCY, DataTypes.StringType),
      field(API_PROVIDER, DataTypes.StringType),
      field(API_PRICE_VERSION, DataTypes.StringType),
      field(API_INPUT_PER_1M, AMOUNT),
      field(API_OUTPUT_PER_1M, AMOUNT),
      field(RUN_ID, DataTypes.StringType)));

  private InferenceTokensTable() {}

  public static StructType schema() {
    return SCHEMA;
  }

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
