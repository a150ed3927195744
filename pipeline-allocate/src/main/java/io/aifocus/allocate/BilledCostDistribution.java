package io.aifocus.allocate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Usage-vs-cost reconciliation: the provider's billed amount is the truth. For every (provider, UTC charge
 * day, currency) that has a billed amount, the amount is distributed over the usage rows of that key in
 * proportion to their priced usage (ListCost), penny-exact with {@link LargestRemainder}, so Σ BilledCost of
 * the rows equals the billed amount exactly. BilledCost, EffectiveCost, ContractedCost (the provider's charge
 * before credits, what the credits stage burns) and PricingCurrencyEffectiveCost take the distributed amount; ListCost keeps the priced usage, so the difference stays visible per row.
 * Rows of keys without a billed amount are returned unchanged. Pure: no reads, no writes, no actions.
 *
 * <p>Keys: ServiceProviderName, date_trunc('day', ChargePeriodStart), BillingCurrency. Within a key, rows
 * are ordered by (x_SourceFile, x_SourceRecordId, x_UsageType, SkuPriceId, ChargePeriodStart, then every
 * column in table order) so ties in
 * the rounding always go to the same row. A key whose priced usage is zero is split evenly. A key is held
 * in memory by one task (fine for daily usage rows of one provider at gateway scale; documented limit).
 */
public final class BilledCostDistribution {
  /** Columns of the billed-amount input (one row per provider, charge day and currency). */
  public static final String PROVIDER = "provider";
  public static final String CHARGE_DAY = "charge_day";
  public static final String CURRENCY = "currency";
  public static final String BILLED_AMOUNT = "billed_amount";
  /** Extra columns of the drift report. */
  public static final String PRICED_USAGE = "priced_usage";
  public static final String UNEXPLAINED = "unexplained_difference";
  public static final String USAGE_ROWS = "usage_rows";

  private static final String KEY = "_aif_distribution_key";
  private static final String BILLED = "_aif_billed_amount";

  /**
   * @param usage rows in the focus_cost_and_usage layout
   * @param drift per key with usage or a billed amount: priced usage, billed amount (null when none), their
   *     difference billed − priced (null when no billed amount), usage rows
   */
  public record Result(Dataset<Row> usage, Dataset<Row> drift) {}

  private BilledCostDistribution() {}

  public static StructType billedSchema() {
    return DataTypes.createStructType(List.of(
        DataTypes.createStructField(PROVIDER, DataTypes.StringType, false),
        DataTypes.createStructField(CHARGE_DAY, DataTypes.TimestampType, false),
        DataTypes.createStructField(CURRENCY, DataTypes.StringType, false),
        DataTypes.createStructField(BILLED_AMOUNT, DataTypes.createDecimalType(38, 12), false)));
  }

  /**
   * @param usage usage rows (focus_cost_and_usage layout) of the providers being reconciled
   * @param billed one row per (provider, charge day, currency) with {@link #billedSchema()}
   * @param scale decimal places of the distributed parts (2 = cents); a billed amount with more decimal
   *     places is distributed at its own scale, so the sum stays exact
   */
  public static Result distribute(Dataset<Row> usage, Dataset<Row> billed, int scale) {
    return distribute(usage, billed, scale, col(FocusColumns.SERVICE_PROVIDER_NAME));
  }

  /**
   * As {@link #distribute(Dataset, Dataset, int)} with the {@code provider} part of the key computed from each
   * usage row by {@code providerKey} (e.g. provider and model, so an amount per model goes to that model's rows).
   */
  public static Result distribute(Dataset<Row> usage, Dataset<Row> billed, int scale, Column providerKey) {
    StructType schema = usage.schema();
    Column day = date_trunc("day", col(FocusColumns.CHARGE_PERIOD_START));
    Dataset<Row> keyed = usage
        .withColumn(PROVIDER, providerKey)
        .withColumn(CHARGE_DAY, day)
        .withColumn(CURRENCY, col(FocusColumns.BILLING_CURRENCY));
    Dataset<Row> joined = keyed.join(billed.withColumnRenamed(BILLED_AMOUNT, BILLED),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(PROVIDER, CHARGE_DAY, CURRENCY)).toSeq(), "left");
    Dataset<Row> prepared = joined.select(withKeyAndBilled(schema));
    int billedIndex = schema.fields().length + 1;
    Splitter splitter = new Splitter(schema, billedIndex, scale);
    Dataset<Row> distributed = prepared
        .groupByKey((MapFunction<Row, String>) r -> r.getString(r.length() - 2), Encoders.STRING())
        .flatMapGroups(splitter, Encoders.row(schema));

    Dataset<Row> priced = keyed.groupBy(PROVIDER, CHARGE_DAY, CURRENCY)
        .agg(coalesce(sum(col(FocusColumns.LIST_COST)), lit(BigDecimal.ZERO)).as(PRICED_USAGE),
            org.apache.spark.sql.functions.count(lit(1)).as(USAGE_ROWS));
    Dataset<Row> drift = priced.join(billed,
            scala.jdk.javaapi.CollectionConverters.asScala(List.of(PROVIDER, CHARGE_DAY, CURRENCY)).toSeq(), "full_outer")
        .select(col(PROVIDER), col(CHARGE_DAY), col(CURRENCY),
            coalesce(col(PRICED_USAGE), lit(BigDecimal.ZERO)).cast(DataTypes.createDecimalType(38, 12)).as(PRICED_USAGE),
            col(BILLED_AMOUNT),
            col(BILLED_AMOUNT).minus(coalesce(col(PRICED_USAGE), lit(BigDecimal.ZERO)))
                .cast(DataTypes.createDecimalType(38, 12)).as(UNEXPLAINED),
            coalesce(col(USAGE_ROWS), lit(0L)).as(USAGE_ROWS));
    return new Result(distributed, drift);
  }

  /** The usage columns, then the key string and the billed amount. */
  private static Column[] withKeyAndBilled(StructType schema) {
    List<Column> out = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      out.add(col("`" + name + "`"));
    }
    out.add(org.apache.spark.sql.functions.concat_ws("\u0001", col(PROVIDER), col(CHARGE_DAY).cast(DataTypes.StringType),
        col(CURRENCY)).as(KEY));
    out.add(col(BILLED).as(BILLED));
    return out.toArray(Column[]::new);
  }

  /** Splits one key's billed amount over its rows; plain Java over BigDecimal. */
  static final class Splitter implements FlatMapGroupsFunction<String, Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int width;
    private final int billedIndex;
    private final int scale;
    private final int billedCost;
    private final int effectiveCost;
    private final int pricingEffectiveCost;
    private final int contractedCost;
    private final int listCost;
    private final int[] order;

    Splitter(StructType schema, int billedIndex, int scale) {
      this.width = schema.fields().length;
      this.billedIndex = billedIndex;
      this.scale = scale;
      this.billedCost = schema.fieldIndex(FocusColumns.BILLED_COST);
      this.effectiveCost = schema.fieldIndex(FocusColumns.EFFECTIVE_COST);
      this.pricingEffectiveCost = schema.fieldIndex(FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST);
      this.contractedCost = schema.fieldIndex(FocusColumns.CONTRACTED_COST);
      this.listCost = schema.fieldIndex(FocusColumns.LIST_COST);
      // then every column, so aggregated rows (no x_SourceRecordId) of different attribution never tie
      this.order = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(
              schema.fieldIndex(ExtensionColumns.SOURCE_FILE), schema.fieldIndex(ExtensionColumns.SOURCE_RECORD_ID),
              schema.fieldIndex(ExtensionColumns.USAGE_TYPE), schema.fieldIndex(FocusColumns.SKU_PRICE_ID),
              schema.fieldIndex(FocusColumns.CHARGE_PERIOD_START)),
          java.util.stream.IntStream.range(0, schema.fields().length)).toArray();
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> rows) {
      List<Row> group = new ArrayList<>();
      rows.forEachRemaining(group::add);
      BigDecimal amount = group.get(0).isNullAt(billedIndex) ? null : group.get(0).getDecimal(billedIndex);
      List<Row> out = new ArrayList<>(group.size());
      if (amount == null) {
        for (Row r : group) {
          out.add(copy(r, null));
        }
        return out.iterator();
      }
      group.sort(Comparator.comparing(this::sortKey));
      List<BigDecimal> weights = new ArrayList<>();
      BigDecimal total = BigDecimal.ZERO;
      for (Row r : group) {
        BigDecimal w = r.isNullAt(listCost) ? BigDecimal.ZERO : r.getDecimal(listCost).max(BigDecimal.ZERO);
        weights.add(w);
        total = total.add(w);
      }
      if (total.signum() == 0) {
        weights.replaceAll(w -> BigDecimal.ONE);
      }
      int s = Math.max(scale, amount.stripTrailingZeros().scale());
      List<BigDecimal> parts = LargestRemainder.split(amount, weights, s);
      for (int i = 0; i < group.size(); i++) {
        out.add(copy(group.get(i), parts.get(i).setScale(12)));
      }
      return out.iterator();
    }

    private String sortKey(Row r) {
      StringBuilder out = new StringBuilder();
      for (int i : order) {
        out.append(Objects.toString(r.get(i), "")).append('\u0001');
      }
      return out.toString();
    }

    private Row copy(Row r, BigDecimal part) {
      Object[] values = new Object[width];
      for (int i = 0; i < width; i++) {
        values[i] = r.get(i);
      }
      if (part != null) {
        values[billedCost] = part;
        values[effectiveCost] = part;
        values[pricingEffectiveCost] = part;
        // the provider's charge before credits: what the credits stage burns (its on-demand cost)
        values[contractedCost] = part;
      }
      return RowFactory.create(values);
    }
  }
}
