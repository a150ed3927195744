package io.aifocus.jobs.validate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;

import com.fasterxml.jackson.databind.JsonNode;
import io.aifocus.jobs.validate.RequirementsModel.ModelRule;
import io.aifocus.schema.CurrencyCodes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Compiles one model rule's check-function tree (requirement and condition) into a {@link Check}: a Spark
 * {@link Column} that is true on a violating row, a schema check, a dataset-level query, a composite of other
 * rules, or the reason it cannot be checked.
 */
final class RuleCompiler {
  static final DecimalType DECIMAL = DataTypes.createDecimalType(38, 12);
  static final String DATETIME_REGEX = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$";
  private static final UserDefinedFunction JSON_CHECK = functions.udf(
      (UDF3<String, String, String, Boolean>) JsonChecks::check, DataTypes.BooleanType);
  private static final UserDefinedFunction PRODUCT_EQUALS = functions.udf(
      (UDF3<String, String, String, Boolean>) RuleCompiler::productEquals, DataTypes.BooleanType);

  /** What a rule compiles to. */
  sealed interface Check {}

  /** The rule holds when all (or, for OR, any) of the referenced rules hold. */
  record Composite(List<String> children, boolean any) implements Check {}

  /** A row-level rule: {@code violation} is true on each violating row; it needs {@code columns}. */
  record RowCheck(Column violation, Set<String> columns) implements Check {}

  /** Column presence, or the declared data type of a typed column (one verdict for the whole dataset). */
  record SchemaCheck(String column, String function) implements Check {}

  /** A rule over the whole dataset (distinct counts, duplicates, sums across rows). */
  record DatasetCheck(String function, JsonNode spec, Set<String> columns) implements Check {}

  /**
   * The paths of a JSONCheckPathDistinctParent rule: child and parent are keys of the elements of one array
   * ({@code $.Elements[*].ContractCommitmentId} under {@code $.Elements[*].ContractId}).
   */
  record ElementPaths(String array, String child, String parent) {
    private static final Pattern PATH = Pattern.compile("^\\$\\.([A-Za-z0-9_]+)\\[\\*\\]\\.([A-Za-z0-9_]+)$");

    static Optional<ElementPaths> of(JsonNode spec) {
      Matcher child = PATH.matcher(spec.path("ChildPath").asText());
      Matcher parent = PATH.matcher(spec.path("ParentPath").asText());
      if (!child.matches() || !parent.matches() || !child.group(1).equals(parent.group(1))
          || child.group(2).equals(parent.group(2))) {
        return Optional.empty();
      }
      return Optional.of(new ElementPaths(child.group(1), child.group(2), parent.group(2)));
    }
  }

  /** A Static rule that cannot be compiled, with the reason. */
  record NotCheckable(String reason) implements Check {}

  /** Thrown inside compilation for a function the compiler does not support. */
  static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message);
    }
  }

  private final StructType schema;
  private final boolean untyped;
  private final boolean virtualCurrency;

  /**
   * @param untyped the data is text (CSV): type rules check that each value parses as the type
   * @param virtualCurrency VIRTUAL_CURRENCY_SUPPORTED is declared: FormatCurrency accepts non-ISO strings
   */
  RuleCompiler(StructType schema, boolean untyped, boolean virtualCurrency) {
    this.schema = schema;
    this.untyped = untyped;
    this.virtualCurrency = virtualCurrency;
  }

  /** The rule ids a composite rule references through CheckModelRule. */
  static List<String> children(ModelRule rule) {
    List<String> out = new ArrayList<>();
    JsonNode req = rule.requirement();
    if ("CheckModelRule".equals(req.path("CheckFunction").asText())) {
      out.add(req.path("ModelRuleId").asText());
    }
    req.path("Items").forEach(i -> {
      if ("CheckModelRule".equals(i.path("CheckFunction").asText())) {
        out.add(i.path("ModelRuleId").asText());
      }
    });
    return out;
  }

  Check compile(ModelRule rule) {
    return compile(rule, List.of());
  }

  /** Compiles a rule; {@code scopes} are the conditions of the composites above it (all must hold). */
  Check compile(ModelRule rule, List<JsonNode> scopes) {
    JsonNode req = rule.requirement();
    String function = req.path("CheckFunction").asText("");
    if (function.isEmpty()) {
      return new NotCheckable("the model gives no check function");
    }
    List<String> children = children(rule);
    if (!children.isEmpty()) {
      if (children.size() != (req.has("Items") ? req.path("Items").size() : 1)) {
        return new NotCheckable("composite mixes rule references and checks");
      }
      return new Composite(children, "OR".equals(function));
    }
    switch (function) {
      case "ColumnPresent", "TypeString", "TypeDecimal", "TypeDateTime" -> {
        String column = req.path("ColumnName").asText();
        if (function.equals("ColumnPresent") || !untyped || !has(column)) {
          return new SchemaCheck(column, function);
        }
      }
      case "CheckDistinctCount", "CheckNoDuplicates" -> {
        Set<String> columns = new LinkedHashSet<>();
        collectColumns(req, columns);
        return new DatasetCheck(function, req, columns);
      }
      case "JSONCheckPathDistinctParent" -> {
        Optional<ElementPaths> paths = ElementPaths.of(req);
        if (paths.isEmpty()) {
          return new NotCheckable("child and parent paths are not keys of one JSON array ($.A[*].key)");
        }
        return new DatasetCheck(function, req, Set.of(req.path("ColumnName").asText()));
      }
      default -> {}
    }
    Set<String> columns = new LinkedHashSet<>();
    collectColumns(req, columns);
    collectColumns(rule.condition(), columns);
    scopes.forEach(c -> collectColumns(c, columns));
    for (String c : columns) {
      if (!has(c)) {
        return new RowCheck(lit(false), columns); // skipped by the engine: a column is absent
      }
    }
    try {
      Column ok = coalesce(ok(req), lit(true));
      Column applies = rule.condition().isMissingNode() || rule.condition().isEmpty()
          ? lit(true) : coalesce(ok(condition(rule.condition())), lit(false));
      for (JsonNode scope : scopes) {
        applies = applies.and(coalesce(ok(scope), lit(false)));
      }
      return new RowCheck(applies.and(not(ok)), columns);
    } catch (Unsupported e) {
      return new NotCheckable(e.getMessage());
    }
  }

  /** Model defect: some conditions are bare {@code {"AND": …}} objects; read them as the AND they mean. */
  static JsonNode condition(JsonNode condition) {
    if (condition.has("CheckFunction")) {
      return condition;
    }
    var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.put("CheckFunction", "AND");
    JsonNode items = condition.path("AND");
    var array = node.putArray("Items");
    if (items.isArray()) {
      items.forEach(array::add);
    } else {
      array.add(items);
    }
    return node;
  }

  static void collectColumns(JsonNode node, Set<String> out) {
    if (node == null) {
      return;
    }
    if (node.isObject()) {
      for (String key : List.of("ColumnName", "ColumnAName", "ColumnBName", "ResultColumnName", "CheckCondition")) {
        if (node.hasNonNull(key)) {
          out.add(node.get(key).asText());
        }
      }
      node.elements().forEachRemaining(n -> collectColumns(n, out));
    } else if (node.isArray()) {
      node.forEach(n -> collectColumns(n, out));
    }
  }

  boolean has(String column) {
    return schema.getFieldIndex(column).isDefined();
  }

  private DataType type(String column) {
    return schema.apply(column).dataType();
  }

  /** The predicate "this row satisfies the check" (may be null on null inputs; callers coalesce). */
  Column ok(JsonNode n) {
    String f = n.path("CheckFunction").asText();
    // Model defect (1.2 ResourceId-C-006-C, ResourceType-C-005-C): the column is under "CheckCondition".
    String c = n.has("ColumnName") ? n.path("ColumnName").asText(null) : n.path("CheckCondition").asText(null);
    return switch (f) {
      case "AND", "OR" -> {
        Column acc = null;
        for (JsonNode item : n.path("Items")) {
          Column x = ok(item); // SQL three-valued logic: an unknown operand leaves the item unknown
          acc = acc == null ? x : f.equals("AND") ? acc.and(x) : acc.or(x);
        }
        yield acc == null ? lit(true) : acc;
      }
      case "CheckValue" -> n.path("Value").isNull() ? col(c).isNull() : equalsValue(c, n.path("Value"));
      case "CheckNotValue" -> n.path("Value").isNull() ? col(c).isNotNull()
          : col(c).isNull().or(not(equalsValue(c, n.path("Value"))));
      case "CheckSameValue" -> same(n.path("ColumnAName").asText(), n.path("ColumnBName").asText());
      case "CheckNotSameValue" -> not(same(n.path("ColumnAName").asText(), n.path("ColumnBName").asText()));
      case "CheckGreaterOrEqualThanValue" -> col(c).isNull()
          .or(number(c).geq(lit(new BigDecimal(n.path("Value").asText()))));
      case "CheckDecimalValue", "FormatNumeric", "TypeDecimal" -> col(c).isNull().or(numeric(c));
      case "TypeDateTime" -> col(c).isNull().or(col(c).try_cast(DataTypes.TimestampType).isNotNull());
      case "TypeString" -> lit(true);
      case "FormatDateTime" -> col(c).isNull().or(dateTimeFormat(c));
      case "FormatString" -> col(c).isNull().or(trim(col(c).cast(DataTypes.StringType)).notEqual(lit("")));
      case "FormatUnit" -> col(c).isNull().or(col(c).rlike(UnitFormat.REGEX).and(not(col(c).rlike(UnitFormat.FORBIDDEN))));
      case "CheckNationalCurrency" -> col(c).isNull().or(col(c).isin(CurrencyCodes.iso4217().toArray()));
      case "FormatCurrency" -> col(c).isNull().or(virtualCurrency
          ? trim(col(c)).notEqual(lit("")) : col(c).isin(CurrencyCodes.iso4217().toArray()));
      case "ColumnByColumnEqualsColumnValue" -> PRODUCT_EQUALS.apply(text(n.path("ColumnAName").asText()),
          text(n.path("ColumnBName").asText()), text(n.path("ResultColumnName").asText()));
      case "FormatKeyValue", "FormatJSON", "JSONCheckPathType", "JSONCheckPathKeyValueFormat",
          "JSONCheckPathKeyStartsWith", "JSONCheckPathKeyExists", "JSONCheckPathValue", "JSONCheckPathNotValue",
          "JSONCheckPathNumericFormat", "JSONCheckPathUnitFormat", "JSONFormatString", "JSONFormatNumeric",
          "JSONFormatUnit" -> JSON_CHECK.apply(lit(n.toString()), text(c), lit(null).cast(DataTypes.StringType));
      case "JSONCheckPathSameValue" -> JSON_CHECK.apply(lit(n.toString()), text(n.path("ColumnAName").asText()),
          text(n.path("ColumnBName").asText()));
      default -> throw new Unsupported("check function " + f + " is not supported in a row check");
    };
  }

  private Column text(String column) {
    return col(column).cast(DataTypes.StringType);
  }

  private Column number(String column) {
    return type(column) instanceof NumericType ? col(column) : col(column).try_cast(DECIMAL);
  }

  private Column numeric(String column) {
    DataType t = type(column);
    if (t instanceof NumericType) {
      return lit(true);
    }
    return t instanceof StringType ? col(column).rlike("^" + JsonChecks.NUMERIC.pattern() + "$") : lit(false);
  }

  private Column dateTimeFormat(String column) {
    DataType t = type(column);
    if (t instanceof TimestampType) {
      return lit(true); // an instant in a typed column; serialized as UTC ISO 8601 by aifocus' writers
    }
    if (t instanceof TimestampNTZType || t instanceof DateType) {
      return lit(false);
    }
    return col(column).cast(DataTypes.StringType).rlike(DATETIME_REGEX);
  }

  private Column equalsValue(String column, JsonNode value) {
    if (value.isNumber() || type(column) instanceof NumericType) {
      return number(column).equalTo(lit(new BigDecimal(value.asText())));
    }
    return col(column).cast(DataTypes.StringType).equalTo(lit(value.asText()));
  }

  private Column same(String a, String b) {
    if (type(a) instanceof NumericType || type(b) instanceof NumericType) {
      return number(a).eqNullSafe(number(b));
    }
    return col(a).cast(DataTypes.StringType).eqNullSafe(col(b).cast(DataTypes.StringType));
  }

  /** Exact a × b = r on decimal text (no rounding, no tolerance); null when an operand is not a number. */
  static Boolean productEquals(String a, String b, String r) {
    if (a == null || b == null || r == null) {
      return null;
    }
    try {
      return new BigDecimal(a.strip()).multiply(new BigDecimal(b.strip())).compareTo(new BigDecimal(r.strip())) == 0;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
