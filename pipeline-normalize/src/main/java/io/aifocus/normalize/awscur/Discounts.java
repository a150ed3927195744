package io.aifocus.normalize.awscur;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.map_values;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.when;

import io.aifocus.normalize.Parse;
import io.aifocus.schema.source.AwsCurColumns;
import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The CUR 2.0 {@code discount} map (map&lt;string,double&gt; in Parquet, a JSON object in CSV; the reader makes
 * it map&lt;string,string&gt;): the discounts AWS applied to a row when the export does not deliver them as
 * discount line items. Keys as AWS names them ({@code total_discount}, {@code bundled_discount},
 * {@code private_rate_discount}, ...), values negative amounts.
 */
final class Discounts {
  private static final org.apache.spark.sql.types.DecimalType SUMMAND = DataTypes.createDecimalType(37, 12);

  private Discounts() {}

  /** The map's non-null amounts as exact decimals; null when there is none (or a value is not a number). */
  static Column amounts(Column rawMap) {
    Column decimals = transform_values(rawMap, (k, v) -> Parse.decimal(v));
    Column present = map_filter(decimals, (k, v) -> v.isNotNull());
    return when(rawMap.isNull().or(size(present).equalTo(0)), lit(null).cast(
        DataTypes.createMapType(DataTypes.StringType, Parse.MONEY))).otherwise(present);
  }

  /**
   * The row's total discount: the scalar {@code discount_total_discount}, else the map's {@code total_discount},
   * else the sum of the map's amounts (a map without a total holds only the per-type amounts); null without any.
   */
  static Column total(Column scalarTotal, Column amounts) {
    Column sum = aggregate(map_values(amounts), lit(BigDecimal.ZERO).cast(Parse.MONEY), (acc, v) -> exactSum(acc, v));
    return coalesce(scalarTotal, element_at(amounts, lit(AwsCurColumns.DISCOUNT_TOTAL_KEY)),
        when(amounts.isNotNull(), sum));
  }

  /**
   * The row's billed amount net of discounts: {@code line_item_net_unblended_cost} when present (AWS's own net
   * figure; on discount line items it is 0, their discount being inside the other rows' net cost), else the
   * unblended cost plus the discount total (null on discount line items, see the caller), else the unblended cost.
   */
  static Column net(Column gross, Column netCost, Column discountTotal) {
    return coalesce(netCost, exactSum(gross, discountTotal), gross);
  }

  /** a + b without Spark's precision-loss rounding (two DECIMAL(38,12) would add to scale 11). */
  static Column exactSum(Column a, Column b) {
    return a.cast(SUMMAND).plus(b.cast(SUMMAND)).cast(Parse.MONEY);
  }

  /** The amounts as a JSON object with sorted keys, or null. */
  static Column json(Column amounts) {
    return when(amounts.isNull(), lit(null).cast(DataTypes.StringType))
        .otherwise(to_json(map_from_entries(array_sort(map_entries(amounts)))));
  }
}
