package io.aifocus.jobs.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifocus.jobs.validate.ConformanceEngine.RuleResult;
import io.aifocus.jobs.validate.ConformanceEngine.Status;
import java.util.List;
import java.util.Locale;

/** A validation's results and their three renderings: console table, JSON and JUnit XML. */
public record ValidationReport(String subject, String focusVersion, String modelVersion, String dataset,
    List<RuleResult> results) {
  public ValidationReport {
    results = List.copyOf(results);
  }

  public long count(Status status) {
    return results.stream().filter(r -> r.status() == status).count();
  }

  /** Failed MUST rules: any makes the validation fail (exit 1). */
  public long mandatoryFailures() {
    return results.stream().filter(r -> r.status() == Status.failed && r.mandatory()).count();
  }

  public String table(boolean all) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "FOCUS %s %s conformance of %s (requirements model %s)%n", focusVersion,
        dataset, subject, modelVersion));
    out.append(String.format(Locale.ROOT, "  %-7s %-4s %-52s %10s  %s%n", "STATUS", "MUST", "RULE", "VIOLATIONS",
        "REASON / REQUIREMENT"));
    for (RuleResult r : results) {
      if (!all && r.status() != Status.failed) {
        continue;
      }
      String text = r.reason().isEmpty() ? r.description() : r.reason();
      out.append(String.format(Locale.ROOT, "  %-7s %-4s %-52s %10d  %s%n", r.status().name().toUpperCase(Locale.ROOT),
          r.mandatory() ? "yes" : "no", r.ruleId(), r.violations(), abbreviate(text, 110)));
      for (String s : r.samples()) {
        out.append("          e.g. ").append(abbreviate(s, 150)).append(System.lineSeparator());
      }
    }
    out.append(String.format(Locale.ROOT, "%d rules: %d passed, %d failed (%d mandatory), %d skipped%n",
        results.size(), count(Status.passed), count(Status.failed), mandatoryFailures(), count(Status.skipped)));
    return out.toString();
  }

  public String json() {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
    for (RuleResult r : results) {
      ObjectNode node = array.addObject();
      node.put("rule_id", r.ruleId());
      node.put("status", r.status().name());
      node.put("violations", r.violations());
      node.put("mandatory", r.mandatory());
      node.put("type", r.type());
      node.put("keyword", r.keyword());
      node.put("reason", r.reason());
      node.put("requirement", r.description());
      ArrayNode samples = node.putArray("samples");
      r.samples().forEach(samples::add);
    }
    return array.toPrettyString();
  }

  public String junit() {
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    String suite = "FOCUS " + focusVersion + " " + dataset;
    out.append(String.format(Locale.ROOT, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" errors=\"0\">%n",
        xml(suite), results.size(), count(Status.failed), count(Status.skipped)));
    for (RuleResult r : results) {
      out.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\"", xml(suite), xml(r.ruleId())));
      switch (r.status()) {
        case passed -> out.append("/>\n");
        case skipped -> out.append(">\n    <skipped message=\"").append(xml(r.reason())).append("\"/>\n  </testcase>\n");
        case failed -> {
          out.append(">\n    <failure type=\"").append(r.mandatory() ? "MUST" : "SHOULD").append("\" message=\"")
              .append(xml(r.violations() + " violation(s): " + r.description())).append("\">");
          out.append(xml(String.join("\n", r.samples()))).append("</failure>\n  </testcase>\n");
        }
      }
    }
    return out.append("</testsuite>\n").toString();
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static String xml(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
