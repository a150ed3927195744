package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.struct;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.QuarantineTable;
import io.aifocus.api.SourceKind;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM_SpendLogs exported as CSV and JSONL: one row per request at LiteLLM's spend, metadata and
 * request_tags given as JSON or as JSON-encoded strings, prompt and response bodies dropped on ingest.
 */
class LiteLlmSpendGoldenTest {
  @Test
  void spendLogsBecomeOneRowPerRequestAtTheGatewaysSpend() throws IOException {
    ProviderUsageGoldenTest.Run run = ProviderUsageGoldenTest.run("golden-litellm", SourceKind.LITELLM_SPEND,
        "sample-data/litellm/input");
    assertThat(run.result().reconciled()).isTrue();
    assertThat(run.result().rowsOut()).isEqualTo(4);
    assertThat(run.result().rowsQuarantined()).isEqualTo(4);
    Row totals = run.focus().agg(sum(col(FocusColumns.BILLED_COST)), sum(col(ExtensionColumns.REQUESTS)),
        sum(col(FocusColumns.CONSUMED_QUANTITY)), sum(col(ExtensionColumns.CACHED_INPUT_TOKENS))).first();
    assertThat(totals.getDecimal(0)).isEqualByComparingTo("0.031895"); // 0.000345 + 0.02055 + 0.001 + 0.01
    assertThat(totals.getDecimal(1)).isEqualByComparingTo("4");
    assertThat(totals.getDecimal(2)).isEqualByComparingTo("69300"); // 1500 + 5800 + 50000 + 12000
    assertThat(totals.getDecimal(3)).isEqualByComparingTo("3200"); // from metadata.additional_usage_values

    // metadata as a JSON object (CSV cell, JSONL object) and as a JSON-encoded string decode alike
    Map<String, String> attribution = new TreeMap<>();
    for (Row r : run.focus().select(ExtensionColumns.SOURCE_RECORD_ID, ExtensionColumns.TEAM, ExtensionColumns.CUSTOMER,
        ExtensionColumns.FEATURE, ExtensionColumns.WORKFLOW, ExtensionColumns.INPUT_TOKENS, FocusColumns.TAGS).collectAsList()) {
      attribution.put(r.getString(0), r.getString(1) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getString(4)
          + " " + r.getDecimal(5).stripTrailingZeros().toPlainString() + " " + r.getString(6));
    }
    assertThat(attribution).containsExactly(
        Map.entry("lit-001", "search acme answer null 1000 {\"api-key-alias\":\"search-prod\",\"cache-hit\":\"false\","
            + "\"cost-center\":\"cc-10\",\"litellm-user\":\"u-7\",\"model-group\":\"gpt-4o-mini\",\"request-tag:prod\":\"true\","
            + "\"request-tag:rag\":\"true\",\"status\":\"success\"}"),
        Map.entry("lit-002", "helpdesk globex triage ticket-triage 1000 {\"api-key-alias\":\"helpdesk-bot\",\"cache-hit\":\"false\","
            + "\"litellm-user\":\"u-9\",\"model-group\":\"claude-sonnet\",\"request-tag:prod\":\"true\",\"status\":\"success\"}"),
        Map.entry("lit-101", "research initech indexing null 50000 {\"litellm-user\":\"u-3\",\"model-group\":\"embeddings\","
            + "\"request-tag:batch-index\":\"true\",\"status\":\"success\"}"),
        Map.entry("lit-102", "77aa-team-research acme null nightly-eval 10000 {\"cache-hit\":\"false\",\"litellm-user\":\"u-42\","
            + "\"model-group\":\"claude-haiku\",\"request-tag:eval\":\"true\",\"status\":\"success\"}"));

    Map<String, String> codes = new TreeMap<>();
    for (Row r : run.quarantine().select(QuarantineTable.RAW_RECORD, QuarantineTable.ERROR_CODE).collectAsList()) {
      codes.put(r.getString(0).substring(0, Math.min(40, r.getString(0).length())), r.getString(1));
    }
    assertThat(codes.values()).containsExactlyInAnyOrder("AIF-2001 UNPARSABLE_NUMBER", "AIF-2005 INVALID_VALUE",
        "AIF-1005 MALFORMED_RECORD", "AIF-2003 MISSING_REQUIRED_VALUE");
    // prompt and response bodies never reach a table (the fixtures hold a card number and an e-mail address)
    for (var table : List.of(run.focus(), run.quarantine())) {
      assertThat(table.select(to_json(struct(col("*")))).collectAsList())
          .extracting(r -> r.getString(0)).noneMatch(s -> s.contains("4111") || s.contains("jane.doe")
              || s.contains("internal document"));
    }
    assertThat(run.focus().where(col(FocusColumns.SERVICE_PROVIDER_NAME).equalTo(lit("Anthropic"))).count()).isEqualTo(2);

    GoldenFiles.assertMatches("sample-data/litellm/expected/focus.jsonl", GoldenFiles.lines(run.focus(),
        java.util.Set.of(ExtensionColumns.RUN_ID, ExtensionColumns.INGESTED_AT), java.util.Set.of(ExtensionColumns.SOURCE_FILE)));
    GoldenFiles.assertMatches("sample-data/litellm/expected/quarantine.jsonl", GoldenFiles.lines(run.quarantine(),
        java.util.Set.of(QuarantineTable.RUN_ID, QuarantineTable.QUARANTINED_AT), java.util.Set.of(QuarantineTable.SOURCE_FILE)));
  }
}
