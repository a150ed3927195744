package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.aifocus.schema.CurrencyCodes;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FeatureLevel;
import io.aifocus.schema.FocusColumn;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * FOCUS 1.3 conformance of a Cost and Usage table, from the schema file: column presence, data type,
 * nullability and allowed values (including ISO 4217 BillingCurrency and the ServiceSubcategory parent
 * rule). All value checks run as one Spark aggregation over the table.
 */
final class ConformanceCheck {
  enum Status {
    passed,
    failed,
    skipped
  }

  /** One rule's outcome. {@code mandatory} rules fail the validation; the others only report. */
  record Outcome(String ruleId, String column, String check, boolean mandatory, Status status, long violations,
      String detail) {}

  private ConformanceCheck() {}

  static List<Outcome> run(Dataset<Row> table) {
    FocusSchema schema = FocusSchema.costAndUsage();
    StructType actual = table.schema();
    List<Outcome> outcomes = new ArrayList<>();
    List<Column> aggregations = new ArrayList<>();
    List<String[]> pending = new ArrayList<>(); // ruleId, column, check, detail

    for (FocusColumn column : schema.columns()) {
      String id = column.id();
      boolean mandatoryColumn = column.featureLevel() == FeatureLevel.Mandatory;
      StructField field = actual.getFieldIndex(id).isDefined() ? actual.apply(id) : null;
      if (field == null) {
        outcomes.add(new Outcome(id + ".presence", id, "presence", mandatoryColumn,
            mandatoryColumn ? Status.failed : Status.skipped, 1, "column is missing"));
        continue;
      }
      outcomes.add(new Outcome(id + ".presence", id, "presence", mandatoryColumn, Status.passed, 0, ""));
      DataType expected = FocusSchema.sparkType(column.dataType(), column.precision(), column.scale());
      boolean typeOk = field.dataType().equals(expected);
      outcomes.add(new Outcome(id + ".type", id, "type", true, typeOk ? Status.passed : Status.failed,
          typeOk ? 0 : 1, typeOk ? "" : "expected " + expected.simpleString() + ", found " + field.dataType().simpleString()));

      Column value = col(id);
      if (!column.nullable()) {
        // A non-mandatory column that is null on every row is a column the data does not provide (FOCUS:
        // "when present"); it is reported as skipped, not failed. A partly null one fails.
        add(aggregations, pending, id + ".not-null", id, mandatoryColumn ? "not-null" : "not-null-when-provided",
            value.isNull(), "MUST NOT be null");
      }
      if (!column.allowedValues().isEmpty()) {
        add(aggregations, pending, id + ".allowed-values", id, "allowed-values",
            value.isNotNull().and(value.isin(column.allowedValues().toArray()).unary_$bang()),
            "allowed: " + String.join(", ", column.allowedValues()));
      }
      if (!column.allowedValuesByParent().isEmpty() && id.equals(FocusColumns.SERVICE_SUBCATEGORY)) {
        Column bad = value.isNotNull();
        Column ok = lit(false);
        for (Map.Entry<String, List<String>> e : column.allowedValuesByParent().entrySet()) {
          ok = ok.or(col(FocusColumns.SERVICE_CATEGORY).equalTo(lit(e.getKey())).and(value.isin(e.getValue().toArray())));
        }
        add(aggregations, pending, id + ".parent-category", id, "allowed-values", bad.and(ok.unary_$bang()),
            "must be a subcategory of the row's ServiceCategory");
      }
      if (column.valueSet().filter("iso4217"::equals).isPresent()) {
        add(aggregations, pending, id + ".iso4217", id, "allowed-values",
            value.isNotNull().and(value.isin(CurrencyCodes.iso4217().toArray()).unary_$bang()),
            "must be an ISO 4217 national currency code");
      }
    }
    // One aggregation per data generator: rows of one source kind are one FOCUS dataset as far as "is this
    // conditional column provided" goes (an upgraded FOCUS 1.0 export has no BillingAccountType, a CUR does).
    aggregations.add(count(lit(1)));
    Column[] rest = aggregations.subList(1, aggregations.size()).toArray(Column[]::new);
    List<Row> perSource = actual.getFieldIndex(ExtensionColumns.SOURCE_KIND).isDefined()
        ? table.groupBy(col(ExtensionColumns.SOURCE_KIND)).agg(aggregations.get(0), rest).collectAsList()
        : table.groupBy().agg(aggregations.get(0), rest).collectAsList();
    int offset = actual.getFieldIndex(ExtensionColumns.SOURCE_KIND).isDefined() ? 1 : 0;
    for (int i = 0; i < pending.size(); i++) {
      String[] p = pending.get(i);
      boolean whenProvided = p[2].equals("not-null-when-provided");
      long violations = 0;
      long notProvided = 0;
      for (Row counts : perSource) {
        long rows = counts.getLong(offset + pending.size());
        long v = counts.isNullAt(offset + i) ? 0 : counts.getLong(offset + i);
        if (whenProvided && v == rows) {
          notProvided += v;
        } else {
          violations += v;
        }
      }
      if (whenProvided && violations == 0 && notProvided > 0) {
        outcomes.add(new Outcome(p[0], p[1], "not-null", false, Status.skipped, notProvided,
            "not provided: null on every row of a source (conditional/recommended column)"));
        continue;
      }
      String check = whenProvided ? "not-null" : p[2];
      outcomes.add(new Outcome(p[0], p[1], check, true, violations == 0 ? Status.passed : Status.failed,
          violations, violations == 0 ? "" : p[3]));
    }
    return outcomes;
  }

  private static void add(List<Column> aggregations, List<String[]> pending, String ruleId, String column, String check,
      Column violation, String detail) {
    aggregations.add(sum(when(violation, 1L).otherwise(0L)));
    pending.add(new String[] {ruleId, column, check, detail});
  }
}
