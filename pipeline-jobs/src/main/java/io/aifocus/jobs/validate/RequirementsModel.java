package io.aifocus.jobs.validate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FOCUS requirements model (the official validator's rule format) loaded from the vendored copy under
 * {@code schemas/src/main/resources/focus/model/}. The model is data: rules, their check-function trees,
 * conditions, dependencies and applicability criteria; {@link RuleCompiler} turns it into Spark columns.
 */
public record RequirementsModel(String focusVersion, String modelVersion, Map<String, ModelRule> rules,
    Map<String, String> datasetEntryRules) {

  /** The model versions aifocus ships, by FOCUS version. */
  public static final List<String> VERSIONS = List.of("1.2", "1.3");

  /** One rule as the model states it. */
  public record ModelRule(String id, String type, String status, String entityType, String function,
      List<String> applicabilityCriteria, String keyword, String mustSatisfy, JsonNode requirement, JsonNode condition,
      List<String> dependencies) {
    public ModelRule {
      requireNonNull(id, "id is null");
      applicabilityCriteria = List.copyOf(applicabilityCriteria);
      dependencies = List.copyOf(dependencies);
    }

    public boolean isStatic() {
      return "Static".equals(type);
    }

    /** MUST and MUST NOT rules; SHOULD/MAY/RECOMMENDED ones are reported but never fail a validation. */
    public boolean mandatory() {
      return keyword != null && keyword.startsWith("MUST");
    }
  }

  public RequirementsModel {
    rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    datasetEntryRules = Collections.unmodifiableMap(new LinkedHashMap<>(datasetEntryRules));
  }

  /** Loads the vendored model of a FOCUS version ({@code 1.2} or {@code 1.3}). */
  public static RequirementsModel load(String focusVersion) {
    if (!VERSIONS.contains(focusVersion)) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          "--focus-version: unknown FOCUS version '" + focusVersion + "' (known: " + String.join(", ", VERSIONS) + ")");
    }
    String resource = "focus/model/requirements-model-" + focusVersion + ".json";
    try (InputStream in = RequirementsModel.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find resource " + resource);
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  static RequirementsModel parse(JsonNode root) {
    Map<String, ModelRule> rules = new LinkedHashMap<>();
    root.path("ModelRules").fields().forEachRemaining(e -> {
      JsonNode r = e.getValue();
      JsonNode v = r.path("ValidationCriteria");
      rules.put(e.getKey(), new ModelRule(e.getKey(), r.path("Type").asText(), r.path("Status").asText("Active"),
          r.path("EntityType").asText(), r.path("Function").asText(), strings(r.path("ApplicabilityCriteria")),
          v.path("Keyword").asText(null), v.path("MustSatisfy").asText(""), v.path("Requirement"),
          v.path("Condition"), strings(v.path("Dependencies"))));
    });
    Map<String, String> datasets = new LinkedHashMap<>();
    root.path("ModelDatasets").fields().forEachRemaining(e ->
        datasets.put(e.getKey(), e.getValue().path("ModelRules").path(0).asText()));
    JsonNode details = root.path("Details");
    return new RequirementsModel(details.path("FOCUSVersion").asText(), details.path("ModelVersion").asText(), rules,
        datasets);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Rule ids of a dataset: everything reachable from its entry rule through requirements and dependencies. */
  public List<String> datasetRules(String dataset) {
    String entry = datasetEntryRules.get(dataset);
    if (entry == null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--dataset: FOCUS " + focusVersion
          + " has no dataset '" + dataset + "' (known: " + String.join(", ", datasetEntryRules.keySet()) + ")");
    }
    List<String> order = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
    stack.push(entry);
    while (!stack.isEmpty()) {
      String id = stack.pop();
      ModelRule rule = rules.get(id);
      if (rule == null || !seen.add(id)) {
        continue;
      }
      order.add(id);
      List<String> next = new ArrayList<>(RuleCompiler.children(rule));
      next.addAll(rule.dependencies());
      Collections.reverse(next);
      next.forEach(stack::push);
    }
    return order;
  }
}
