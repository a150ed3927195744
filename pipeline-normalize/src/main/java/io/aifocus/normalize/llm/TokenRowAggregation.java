package io.aifocus.normalize.llm;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.aifocus.api.NormalizeResult;
import io.aifocus.normalize.Names;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * The grain of token sources (docs/architecture.md, "Grain of token rows"): the accepted rows of one source
 * record and token type each are summed into one row per value of every other column, i.e. per charge period
 * (the hour of a request log, the bucket of a usage page), provider, model, token type, price (SkuPriceId,
 * unit prices, x_PriceBookVersion), attribution (team, feature, customer, workflow, workflow run, endpoint,
 * sub-account, tags) and input file. Quantities, costs and the token and request counts are summed exactly
 * (decimal); {@code x_SourceRecords} counts the records summed; {@code x_SourceRecordId} is kept only on a
 * row of one record. Pure: no actions. Quarantine rows are untouched (one per record and token type, with
 * their lines).
 */
final class TokenRowAggregation {
  /** Summed columns; every other column but the two below is part of the key. */
  static final List<String> SUMMED = List.of(
      FocusColumns.BILLED_COST, FocusColumns.EFFECTIVE_COST, FocusColumns.LIST_COST, FocusColumns.CONTRACTED_COST,
      FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, FocusColumns.PRICING_QUANTITY, FocusColumns.CONSUMED_QUANTITY,
      ExtensionColumns.INPUT_TOKENS, ExtensionColumns.OUTPUT_TOKENS, ExtensionColumns.CACHED_INPUT_TOKENS,
      ExtensionColumns.CACHE_WRITE_TOKENS, ExtensionColumns.REQUESTS);
  private static final Set<String> NOT_KEYS = Set.of(ExtensionColumns.SOURCE_RECORD_ID, ExtensionColumns.SOURCE_RECORDS);

  private TokenRowAggregation() {}

  /** The normalizer's result with its accepted rows aggregated to the token-row grain. */
  static NormalizeResult aggregate(NormalizeResult result) {
    return new NormalizeResult(
        aggregate(result.focus()), result.quarantine(), Optional.empty(), result.droppedRows());
  }

  static Dataset<Row> aggregate(Dataset<Row> focus) {
    List<Column> keys = new ArrayList<>();
    for (StructField field : CostAndUsageTable.schema().fields()) {
      if (!SUMMED.contains(field.name()) && !NOT_KEYS.contains(field.name())) {
        keys.add(col(Names.quote(field.name())));
      }
    }
    List<Column> aggregates = new ArrayList<>();
    for (String name : SUMMED) {
      aggregates.add(sum(col(Names.quote(name))).as(name));
    }
    Column records = count(lit(1));
    aggregates.add(when(records.equalTo(lit(1)), max(col(ExtensionColumns.SOURCE_RECORD_ID)))
        .as(ExtensionColumns.SOURCE_RECORD_ID));
    aggregates.add(records.as(ExtensionColumns.SOURCE_RECORDS));
    Dataset<Row> grouped = focus.groupBy(keys.toArray(Column[]::new))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    List<Column> ordered = new ArrayList<>();
    for (StructField field : CostAndUsageTable.schema().fields()) {
      ordered.add(col(Names.quote(field.name())).cast(field.dataType()).as(field.name()));
    }
    return grouped.select(ordered.toArray(Column[]::new));
  }
}
