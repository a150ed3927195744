package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** What the unchanged-rerun fingerprint covers (docs/operations.md, "Unchanged reruns"); no Spark job runs. */
class RunFingerprintTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void sameInputsAndSettingsGiveTheSameFingerprintWhateverTheMapOrder() throws IOException {
    Path dir = SparkTestSession.newDirectory("fingerprint");
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("a.jsonl"), "{\"x\":1}\n");
    Files.writeString(input.resolve("b.jsonl"), "{\"x\":2}\n");
    Files.writeString(input.resolve("_SUCCESS"), ""); // not a data file: the reader skips it, so does the hash
    Path book = Files.writeString(dir.resolve("book.csv"), "provider,model\n");

    String a = fingerprint(dir, input, options("price-book", book.toString(), "same-traffic-as", "openai-usage"));
    String b = fingerprint(dir, input, options("same-traffic-as", "openai-usage", "price-book", book.toString()));
    assertThat(a).isEqualTo(b).hasSize(64);

    Files.writeString(input.resolve("_SUCCESS"), "marker");
    assertThat(fingerprint(dir, input, options("price-book", book.toString(), "same-traffic-as", "openai-usage")))
        .as("hidden files are not inputs").isEqualTo(a);

    // one changed byte of an input, of a file a setting names, or a setting itself: another fingerprint
    Files.writeString(input.resolve("b.jsonl"), "{\"x\":3}\n");
    String changedInput = fingerprint(dir, input, options("price-book", book.toString(), "same-traffic-as", "openai-usage"));
    assertThat(changedInput).isNotEqualTo(a);
    Files.writeString(book, "provider,model,x\n");
    String changedBook = fingerprint(dir, input, options("price-book", book.toString(), "same-traffic-as", "openai-usage"));
    assertThat(changedBook).isNotEqualTo(changedInput);
    assertThat(fingerprint(dir, input, options("price-book", book.toString(), "same-traffic-as", "anthropic-usage")))
        .isNotEqualTo(changedBook);
    Files.writeString(input.resolve("c.jsonl"), "");
    assertThat(fingerprint(dir, input, options("price-book", book.toString(), "same-traffic-as", "openai-usage")))
        .as("a new (even empty) file").isNotEqualTo(changedBook);
  }

  @Test
  void remotePathsAndDirectorySettingsAreNotFingerprinted() throws IOException {
    Path dir = SparkTestSession.newDirectory("fingerprint-none");
    Path input = Files.writeString(dir.resolve("log.jsonl"), "{}\n");
    assertThat(RunFingerprint.of(spark, config(dir, List.of(new SourceSpec(SourceKind.GATEWAY_LOG,
        "s3://bucket/prefix", Map.of()))))).isEmpty();
    assertThat(RunFingerprint.of(spark, config(dir, List.of(new SourceSpec(SourceKind.GATEWAY_LOG, input.toString(),
        Map.of("price-book", "s3a://bucket/book.csv")))))).isEmpty();
    assertThat(RunFingerprint.of(spark, config(dir, List.of(new SourceSpec(SourceKind.GATEWAY_LOG, input.toString(),
        Map.of("lookups", dir.toString())))))).as("a directory that is not a source path").isEmpty();
    assertThat(RunFingerprint.of(spark, config(dir, List.of(new SourceSpec(SourceKind.GATEWAY_LOG,
        dir.resolve("missing").toString(), Map.of()))))).as("the reader reports the missing input").isEmpty();
    assertThat(RunFingerprint.of(spark, config(dir, List.of(SourceSpec.of(SourceKind.GATEWAY_LOG, input.toString())))))
        .get().extracting(RunFingerprint.Fingerprint::files, RunFingerprint.Fingerprint::bytes).containsExactly(1, 3L);
  }

  private String fingerprint(Path dir, Path input, Map<String, String> options) {
    Optional<RunFingerprint.Fingerprint> f = RunFingerprint.of(spark,
        config(dir, List.of(new SourceSpec(SourceKind.GATEWAY_LOG, input.toString(), options))));
    assertThat(f).isPresent();
    return f.get().sha256();
  }

  private static JobConfig config(Path dir, List<SourceSpec> sources) {
    return new JobConfig(dir.resolve("warehouse").toString(), sources, NormalizeContext.DEFAULT_TEAM_TAG_KEYS);
  }

  private static Map<String, String> options(String... kv) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }
}
