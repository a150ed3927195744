package io.aifocus.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Posts the alerts of a run as one JSON document to {@code analytics.alert-webhook} (docs/analytics.md):
 * {@code {"source":"aifocus","run_id":…,"as_of":…,"alerts":[{…}, …]}}. Delivery problems are reported to the
 * caller, never thrown: the alerts are in the {@code alerts} table either way.
 */
final class AlertWebhook {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private AlertWebhook() {}

  static String body(String runId, String asOf, List<Analytics.Alert> alerts) {
    ObjectNode root = JSON.createObjectNode();
    root.put("source", "aifocus");
    root.put("run_id", runId);
    root.put("as_of", asOf);
    ArrayNode list = root.putArray("alerts");
    for (Analytics.Alert a : alerts) {
      ObjectNode n = list.addObject();
      n.put("alert_id", a.alertId());
      n.put("kind", a.kind());
      n.put("severity", a.severity());
      n.put("subject", a.subject());
      n.put("period_start", a.periodStart() == null ? null : a.periodStart().toString());
      n.put("currency", a.currency());
      n.put("actual", a.actual() == null ? null : a.actual().toPlainString());
      n.put("reference", a.reference() == null ? null : a.reference().toPlainString());
      if (a.thresholdPct() == null) {
        n.putNull("threshold_pct");
      } else {
        n.put("threshold_pct", a.thresholdPct());
      }
      n.put("message", a.message());
    }
    return root.toString();
  }

  /** POSTs the body; returns null on a 2xx answer, else what went wrong. */
  static String post(String url, String body) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        return null;
      }
      return "HTTP " + response.statusCode() + " from " + url;
    } catch (IOException | IllegalArgumentException e) {
      return e.getClass().getSimpleName() + " posting to " + url + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted posting to " + url;
    }
  }
}
