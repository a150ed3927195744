package io.aifocus.jobs.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.aifocus.jobs.validate.RequirementsModel.ModelRule;
import io.aifocus.jobs.validate.RuleCompiler.Check;
import io.aifocus.jobs.validate.RuleCompiler.Composite;
import io.aifocus.jobs.validate.RuleCompiler.DatasetCheck;
import io.aifocus.jobs.validate.RuleCompiler.NotCheckable;
import io.aifocus.jobs.validate.RuleCompiler.RowCheck;
import io.aifocus.jobs.validate.RuleCompiler.SchemaCheck;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Evaluates one dataset of a FOCUS requirements model over a Spark {@link Dataset}: every row-level rule in a
 * single aggregation (one scan), dataset-level rules as one query each, schema rules against the schema; then
 * resolves composites, dependencies and applicability into one {@link RuleResult} per rule of the dataset.
 */
public final class ConformanceEngine {
  /** Rule outcome. */
  public enum Status {
    passed,
    failed,
    skipped
  }

  /** One rule's outcome; {@code checkable} is false for Static rules the engine cannot compile. */
  public record RuleResult(String ruleId, String type, String keyword, boolean mandatory, Status status,
      long violations, String reason, String description, List<String> samples, boolean checkable) {}

  /**
   * Dynamic rules aifocus checks anyway through a necessary condition stated in the spec text (keyed by rule id
   * without the {@code CAU-}/{@code CCT-} prefix). Listed in docs/validation.md.
   */
  static final Map<String, String> SUPPLEMENTS = Map.of(
      "ChargePeriodEnd-C-004-M", "ChargePeriodEnd is after ChargePeriodStart (exclusive end bound)",
      "AllocatedMethodDetailsObject-O-014-M", "AllocatedRatio values of the allocated rows of one origin charge sum to 1");

  /** The columns that identify the origin charge of allocated rows (dimensions allocated rows share with it). */
  static final List<String> ORIGIN_CHARGE_KEY = List.of(FocusColumns.BILLING_ACCOUNT_ID, FocusColumns.RESOURCE_ID,
      FocusColumns.SKU_PRICE_ID, FocusColumns.CHARGE_CATEGORY, FocusColumns.CHARGE_PERIOD_START,
      FocusColumns.CHARGE_PERIOD_END);

  private static final UserDefinedFunction RATIO_SUM = functions.udf(
      (UDF1<String, BigDecimal>) v -> JsonChecks.sum("$.Elements[*].AllocatedRatio", v), RuleCompiler.DECIMAL);
  private static final List<String> BLOCKING = List.of("not applicable", "column not present", "dependency", "parent");
  private static final int MAX_SAMPLED_RULES = 25;
  private static final int SAMPLES = 3;

  private final RequirementsModel model;
  private final String dataset;
  private final Set<String> applicability;
  private final boolean untyped;
  private final Map<String, String> waivers;

  /**
   * @param applicability the applicability criteria the data generator declares (rules gated by others are skipped)
   * @param untyped the data is text (CSV): type rules check that values parse as the type
   */
  public ConformanceEngine(RequirementsModel model, String dataset, Set<String> applicability, boolean untyped) {
    this(model, dataset, applicability, untyped, Map.of());
  }

  /**
   * @param waivers rules (id without prefix → reason) reported as skipped with the reason: the AIFOCUS profile's
   *     {@link ModelFixes#aifocusWaivers()}
   */
  public ConformanceEngine(RequirementsModel model, String dataset, Set<String> applicability, boolean untyped,
      Map<String, String> waivers) {
    this.waivers = Map.copyOf(waivers);
    this.model = model;
    this.dataset = dataset;
    this.applicability = Set.copyOf(applicability);
    this.untyped = untyped;
    model.datasetRules(dataset); // fails early on an unknown dataset
  }

  /** Compiles every rule of the dataset against a schema (no Spark job). */
  public Map<String, Check> compile(StructType schema) {
    RuleCompiler compiler = new RuleCompiler(schema, untyped, applicability.contains("VIRTUAL_CURRENCY_SUPPORTED"));
    Map<String, Check> checks = new LinkedHashMap<>();
    for (String id : model.datasetRules(dataset)) {
      ModelRule rule = model.rules().get(id);
      Check check = supplement(id, schema).orElse(null);
      if (check == null && rule.isStatic()) {
        check = ModelFixes.notCheckable(id).<Check>map(NotCheckable::new)
            .orElseGet(() -> compiler.compile(ModelFixes.apply(rule), inheritedConditions(id)));
      }
      if (check != null) {
        checks.put(id, check);
      }
    }
    return checks;
  }

  /** Conditions of the composites above a rule: a composite's condition scopes every rule it references. */
  private List<com.fasterxml.jackson.databind.JsonNode> inheritedConditions(String id) {
    List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String p = firstParent(id); p != null && seen.add(p); p = firstParent(p)) {
      com.fasterxml.jackson.databind.JsonNode c = ModelFixes.apply(model.rules().get(p)).condition();
      if (!c.isMissingNode() && !c.isEmpty()) {
        out.add(RuleCompiler.condition(c));
      }
    }
    return out;
  }

  private String firstParent(String id) {
    if (parentIndex == null) {
      parentIndex = new HashMap<>();
      for (String r : model.datasetRules(dataset)) {
        for (String child : RuleCompiler.children(model.rules().get(r))) {
          parentIndex.putIfAbsent(child, r);
        }
      }
    }
    return parentIndex.get(id);
  }

  private Map<String, String> parentIndex;

  private Optional<Check> supplement(String id, StructType schema) {
    String bare = id.replaceFirst("^(CAU|CCT)-", "");
    if (!SUPPLEMENTS.containsKey(bare)) {
      return Optional.empty();
    }
    if (bare.startsWith("ChargePeriodEnd")) {
      Set<String> columns = Set.of(FocusColumns.CHARGE_PERIOD_START, FocusColumns.CHARGE_PERIOD_END);
      if (!columns.stream().allMatch(c -> schema.getFieldIndex(c).isDefined())) {
        return Optional.of(new RowCheck(lit(false), columns));
      }
      Column start = timestamp(schema, FocusColumns.CHARGE_PERIOD_START);
      Column end = timestamp(schema, FocusColumns.CHARGE_PERIOD_END);
      return Optional.of(new RowCheck(functions.coalesce(end.leq(start), lit(false)), columns));
    }
    return Optional.of(new DatasetCheck("AllocatedRatioSum", null, Set.of(FocusColumns.ALLOCATED_METHOD_DETAILS)));
  }

  private static Column timestamp(StructType schema, String column) {
    DataType t = schema.apply(column).dataType();
    return t instanceof TimestampType || t instanceof TimestampNTZType ? col(column)
        : col(column).try_cast(DataTypes.TimestampType);
  }

  /**
   * Runs the validation: one aggregation for all row rules, one query per dataset rule, one small query per
   * sampled failed rule. The input is persisted for the duration, so a CSV given with --input is parsed
   * once and a Delta table scanned once, not once per query.
   */
  public List<RuleResult> run(Dataset<Row> input) {
    Dataset<Row> data = input.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return runPersisted(data);
    } finally {
      data.unpersist();
    }
  }

  private List<RuleResult> runPersisted(Dataset<Row> data) {
    StructType schema = data.schema();
    Map<String, Check> checks = compile(schema);
    Set<String> present = Set.of(schema.fieldNames());
    Map<String, Long> violations = new HashMap<>();
    Map<String, String> notRun = new HashMap<>();
    List<String> rowIds = new ArrayList<>();
    List<Column> aggregations = new ArrayList<>();
    for (Map.Entry<String, Check> e : checks.entrySet()) {
      if (!(e.getValue() instanceof RowCheck || e.getValue() instanceof DatasetCheck)) {
        continue;
      }
      Set<String> columns = e.getValue() instanceof RowCheck r ? r.columns() : ((DatasetCheck) e.getValue()).columns();
      List<String> missing = columns.stream().filter(c -> !present.contains(c)).toList();
      if (!missing.isEmpty()) {
        notRun.put(e.getKey(), "column not present: " + String.join(", ", missing));
      } else if (e.getValue() instanceof RowCheck r && preSkip(e.getKey()).isEmpty()) {
        rowIds.add(e.getKey());
        aggregations.add(sum(when(r.violation(), 1L).otherwise(0L)));
      }
    }
    aggregations.add(count(lit(1)));
    Row totals = data.agg(aggregations.get(0), aggregations.subList(1, aggregations.size()).toArray(Column[]::new))
        .first();
    for (int i = 0; i < rowIds.size(); i++) {
      violations.put(rowIds.get(i), totals.isNullAt(i) ? 0L : totals.getLong(i));
    }
    long rows = totals.getLong(rowIds.size());
    for (Map.Entry<String, Check> e : checks.entrySet()) {
      if (e.getValue() instanceof DatasetCheck d && !notRun.containsKey(e.getKey()) && preSkip(e.getKey()).isEmpty()) {
        violations.put(e.getKey(), datasetViolations(data, d));
      } else if (e.getValue() instanceof SchemaCheck s) {
        schemaCheck(schema, s, rows).ifPresentOrElse(v -> violations.put(e.getKey(), v),
            () -> notRun.put(e.getKey(), "column not present: " + s.column()));
      }
    }
    List<RuleResult> results = new Resolver(checks, violations, notRun).resolveAll();
    return withSamples(data, checks, results);
  }

  private List<RuleResult> withSamples(Dataset<Row> data, Map<String, Check> checks, List<RuleResult> results) {
    List<RuleResult> out = new ArrayList<>();
    int sampled = 0;
    for (RuleResult r : results) {
      if (r.status() == Status.failed && checks.get(r.ruleId()) instanceof RowCheck row && sampled++ < MAX_SAMPLED_RULES) {
        List<String> samples = data.filter(row.violation())
            .select(row.columns().stream().map(c -> col(c).cast(DataTypes.StringType).as(c)).toArray(Column[]::new))
            .limit(SAMPLES).collectAsList().stream()
            .map(s -> row.columns().stream().map(c -> c + "=" + s.getAs(c)).collect(Collectors.joining(", ")))
            .toList();
        out.add(new RuleResult(r.ruleId(), r.type(), r.keyword(), r.mandatory(), r.status(), r.violations(), r.reason(),
            r.description(), samples, r.checkable()));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  private static Optional<Long> schemaCheck(StructType schema, SchemaCheck s, long rows) {
    boolean exists = schema.getFieldIndex(s.column()).isDefined();
    if (s.function().equals("ColumnPresent")) {
      return Optional.of(exists ? 0L : 1L);
    }
    if (!exists) {
      return Optional.empty();
    }
    DataType t = schema.apply(s.column()).dataType();
    boolean ok = switch (s.function()) {
      case "TypeString" -> t instanceof StringType;
      case "TypeDecimal" -> t instanceof NumericType;
      case "TypeDateTime" -> t instanceof TimestampType || t instanceof TimestampNTZType;
      default -> throw new IllegalStateException("Unexpected schema check " + s.function());
    };
    return Optional.of(ok ? 0L : Math.max(rows, 1L));
  }

  private static long datasetViolations(Dataset<Row> data, DatasetCheck d) {
    switch (d.function()) {
      case "CheckDistinctCount" -> {
        String a = d.spec().path("ColumnAName").asText();
        String b = d.spec().path("ColumnBName").asText();
        long expected = d.spec().path("ExpectedCount").asLong();
        Row r = data.filter(col(a).isNotNull()).groupBy(col(a))
            .agg(countDistinct(col(b)).as("n"), count(lit(1)).as("rows"))
            .filter(col("n").notEqual(lit(expected))).agg(sum(col("rows"))).first();
        return r.isNullAt(0) ? 0L : r.getLong(0);
      }
      case "CheckNoDuplicates" -> {
        String c = d.spec().path("ColumnName").asText();
        Row r = data.filter(col(c).isNotNull()).groupBy(col(c)).agg(count(lit(1)).as("rows"))
            .filter(col("rows").gt(1)).agg(sum(col("rows"))).first();
        return r.isNullAt(0) ? 0L : r.getLong(0);
      }
      case "AllocatedRatioSum" -> {
        Set<String> fields = Set.of(data.schema().fieldNames());
        List<Column> keyColumns = new ArrayList<>(ORIGIN_CHARGE_KEY.stream().filter(fields::contains).map(c -> col(c)).toList());
        if (fields.contains(ExtensionColumns.SOURCE_RECORD_ID)) {
          // aifocus records each allocated row's origin as "<origin record id>#<part>": two origins that share every
          // FOCUS dimension (a Savings Plan hour's covered row and its negation) are still told apart
          keyColumns.add(functions.regexp_replace(col(ExtensionColumns.SOURCE_RECORD_ID), "#[0-9]+$", ""));
        }
        Column[] key = keyColumns.toArray(Column[]::new);
        Row r = data.filter(col(FocusColumns.ALLOCATED_METHOD_DETAILS).isNotNull())
            .withColumn("_aif_ratio", RATIO_SUM.apply(col(FocusColumns.ALLOCATED_METHOD_DETAILS).cast(DataTypes.StringType)))
            .groupBy(key).agg(sum(col("_aif_ratio")).as("total"), count(lit(1)).as("rows"))
            .filter(functions.coalesce(col("total").notEqual(lit(BigDecimal.ONE)), lit(true)))
            .agg(sum(col("rows"))).first();
        return r.isNullAt(0) ? 0L : r.getLong(0);
      }
      case "JSONCheckPathDistinctParent" -> {
        // every child id (over all rows' JSON arrays) must have exactly ExpectedCount distinct parent ids;
        // violations = rows holding an offending child id
        RuleCompiler.ElementPaths paths = RuleCompiler.ElementPaths.of(d.spec()).orElseThrow();
        long expected = d.spec().path("ExpectedCount").asLong();
        StructType element = new StructType()
            .add(paths.child(), DataTypes.StringType).add(paths.parent(), DataTypes.StringType);
        StructType document = new StructType().add(paths.array(), DataTypes.createArrayType(element));
        String column = d.spec().path("ColumnName").asText();
        Dataset<Row> pairs = data.select(
                functions.monotonically_increasing_id().as("_aif_row"),
                functions.from_json(col(column).cast(DataTypes.StringType), document).as("_aif_doc"))
            .select(col("_aif_row"), functions.explode(col("_aif_doc." + paths.array())).as("_aif_e"))
            .select(col("_aif_row"), col("_aif_e." + paths.child()).as("_aif_child"),
                col("_aif_e." + paths.parent()).as("_aif_parent"))
            .filter(col("_aif_child").isNotNull());
        Dataset<Row> offending = pairs.groupBy(col("_aif_child"))
            .agg(countDistinct(col("_aif_parent")).as("n"))
            .filter(col("n").notEqual(lit(expected))).select(col("_aif_child"));
        return pairs.join(offending, "_aif_child").select(col("_aif_row")).distinct().count();
      }
      default -> throw new IllegalStateException("Unexpected dataset check " + d.function());
    }
  }

  /** Why a rule is skipped before looking at any data: status, type, applicability. */
  Optional<String> preSkip(String id) {
    ModelRule rule = model.rules().get(id);
    if (!"Active".equals(rule.status())) {
      return Optional.of("rule status " + rule.status() + " in model " + model.modelVersion());
    }
    boolean supplemented = SUPPLEMENTS.containsKey(id.replaceFirst("^(CAU|CCT)-", ""));
    if (!rule.isStatic() && !supplemented) {
      return Optional.of("Dynamic rule (not checkable from the data alone)");
    }
    List<String> undeclared = rule.applicabilityCriteria().stream().filter(c -> !applicability.contains(c)).toList();
    if (!undeclared.isEmpty()) {
      return Optional.of("not applicable: " + String.join(", ", undeclared) + " not declared");
    }
    return Optional.empty();
  }

  /** Resolves gating (status, applicability, dependencies, parents) and composites, memoized, cycle-safe. */
  private final class Resolver {
    private final Map<String, Check> checks;
    private final Map<String, Long> violations;
    private final Map<String, String> notRun;
    private final Map<String, List<String>> parents = new HashMap<>();
    private final Map<String, RuleResult> done = new HashMap<>();
    private final Map<String, Optional<String>> gates = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();
    private final Set<String> gating = new HashSet<>();

    Resolver(Map<String, Check> checks, Map<String, Long> violations, Map<String, String> notRun) {
      this.checks = checks;
      this.violations = violations;
      this.notRun = notRun;
      for (String id : model.datasetRules(dataset)) {
        for (String child : RuleCompiler.children(model.rules().get(id))) {
          parents.computeIfAbsent(child, k -> new ArrayList<>()).add(id);
        }
      }
    }

    List<RuleResult> resolveAll() {
      return model.datasetRules(dataset).stream().map(this::result).toList();
    }

    private Optional<String> gate(String id) {
      Optional<String> cached = gates.get(id);
      if (cached != null) {
        return cached;
      }
      if (!gating.add(id)) {
        return Optional.empty(); // a dependency cycle (model defect): the cyclic edge does not gate
      }
      Optional<String> reason = preSkip(id);
      if (reason.isEmpty()) {
        List<String> children = RuleCompiler.children(model.rules().get(id));
        for (String dep : model.rules().get(id).dependencies()) {
          if (children.contains(dep) || !model.rules().containsKey(dep) || resolving.contains(dep)
              || "Attribute".equals(model.rules().get(dep).entityType())) {
            continue;
          }
          RuleResult r = result(dep);
          if (blocks(r)) {
            reason = Optional.of("dependency " + dep + " " + r.status());
            break;
          }
        }
      }
      if (reason.isEmpty() && parents.containsKey(id)) {
        List<Optional<String>> parentGates = parents.get(id).stream().map(this::gate).toList();
        if (parentGates.stream().allMatch(Optional::isPresent)) {
          reason = Optional.of("parent " + parents.get(id).get(0) + " skipped");
        }
      }
      gating.remove(id);
      gates.put(id, reason);
      return reason;
    }

    /**
     * A dependency blocks its dependents when it failed, or was skipped because it does not apply (criteria not
     * declared, column absent, itself blocked); not when it was skipped for being Dynamic or not checkable.
     */
    private boolean blocks(RuleResult r) {
      return r.status() == Status.failed || r.status() == Status.skipped && BLOCKING.stream().anyMatch(r.reason()::startsWith);
    }

    RuleResult result(String id) {
      RuleResult cached = done.get(id);
      if (cached != null) {
        return cached;
      }
      ModelRule rule = model.rules().get(id);
      resolving.add(id);
      Check check = checks.get(id);
      boolean checkable = !(check instanceof NotCheckable);
      Optional<String> gate = gate(id);
      RuleResult r;
      if (gate.isPresent()) {
        r = result(rule, Status.skipped, 0, gate.get(), checkable);
      } else if (check instanceof NotCheckable n) {
        r = result(rule, Status.skipped, 0, "not checkable: " + n.reason(), false);
      } else if (check instanceof Composite c) {
        r = composite(rule, c);
      } else if (waivers.containsKey(ModelFixes.bare(id)) && !(check instanceof Composite)) {
        r = result(rule, Status.skipped, violations.getOrDefault(id, 0L),
            "waived for aifocus output: " + waivers.get(ModelFixes.bare(id)), true);
      } else if ("MAY".equals(rule.keyword())) {
        r = result(rule, Status.skipped, 0, "MAY rule: a permission, never violated", true);
      } else if (notRun.containsKey(id)) {
        r = result(rule, Status.skipped, 0, notRun.get(id), true);
      } else {
        long v = violations.getOrDefault(id, 0L);
        String reason = SUPPLEMENTS.get(id.replaceFirst("^(CAU|CCT)-", ""));
        r = result(rule, v == 0 ? Status.passed : Status.failed, v,
            reason == null ? "" : "aifocus supplement: " + reason, true);
      }
      resolving.remove(id);
      done.put(id, r);
      return r;
    }

    private RuleResult composite(ModelRule rule, Composite c) {
      List<RuleResult> children = c.children().stream().filter(model.rules()::containsKey).map(this::result).toList();
      List<RuleResult> failed = children.stream().filter(r -> r.status() == Status.failed && r.mandatory()).toList();
      boolean anyPassed = children.stream().anyMatch(r -> r.status() == Status.passed);
      boolean allSkipped = children.stream().allMatch(r -> r.status() == Status.skipped);
      long v = failed.stream().mapToLong(RuleResult::violations).sum();
      String failedIds = failed.stream().map(RuleResult::ruleId).collect(Collectors.joining(", "));
      if (allSkipped) {
        return result(rule, Status.skipped, 0, "every referenced rule skipped", true);
      }
      if (c.any()) {
        return anyPassed ? result(rule, Status.passed, 0, "", true)
            : result(rule, failed.isEmpty() ? Status.passed : Status.failed, v, "no alternative holds: " + failedIds, true);
      }
      return failed.isEmpty() ? result(rule, Status.passed, 0, "", true)
          : result(rule, Status.failed, v, "failed: " + failedIds, true);
    }

    private RuleResult result(ModelRule rule, Status status, long v, String reason, boolean checkable) {
      return new RuleResult(rule.id(), rule.type(), rule.keyword(), rule.mandatory(), status, v, reason,
          rule.mustSatisfy(), List.of(), checkable);
    }
  }
}
