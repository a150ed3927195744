package io.aifocus.jobs.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifocus.jobs.validate.RequirementsModel.ModelRule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Known defects of the vendored requirements models and how aifocus handles them, from the data file
 * {@code focus/model/aifocus-model-fixes.json} (listed in docs/validation.md); plus the waivers of the AIFOCUS
 * applicability profile.
 */
public final class ModelFixes {
  private static final JsonNode FILE = read();

  private ModelFixes() {}

  static String bare(String ruleId) {
    return ruleId.replaceFirst("^(CAU|CCT)-", "");
  }

  /** The rule with the requirement or condition the fixes file gives for it. */
  static ModelRule apply(ModelRule rule) {
    JsonNode fix = FILE.path("fixes").path(bare(rule.id()));
    if (fix.isMissingNode()) {
      return rule;
    }
    return new ModelRule(rule.id(), rule.type(), rule.status(), rule.entityType(), rule.function(),
        rule.applicabilityCriteria(), rule.keyword(), rule.mustSatisfy(),
        fix.has("requirement") ? fix.get("requirement") : rule.requirement(),
        fix.has("condition") ? fix.get("condition") : rule.condition(), rule.dependencies());
  }

  static Optional<String> notCheckable(String ruleId) {
    JsonNode fix = FILE.path("fixes").path(bare(ruleId)).path("notCheckable");
    return fix.isMissingNode() ? Optional.empty() : Optional.of(fix.asText());
  }

  /** Every fix: rule id (without prefix) → the defect it handles. */
  public static Map<String, String> defects() {
    Map<String, String> out = new LinkedHashMap<>();
    FILE.path("fixes").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().path("defect").asText()));
    return out;
  }

  /** Rules waived for aifocus' own output (AIFOCUS profile): rule id (without prefix) → reason. */
  public static Map<String, String> aifocusWaivers() {
    Map<String, String> out = new LinkedHashMap<>();
    FILE.path("aifocusWaivers").path("rules").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static JsonNode read() {
    String resource = "focus/model/aifocus-model-fixes.json";
    try (InputStream in = ModelFixes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find resource " + resource);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }
}
