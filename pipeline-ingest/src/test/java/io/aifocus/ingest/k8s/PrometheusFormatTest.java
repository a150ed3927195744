package io.aifocus.ingest.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusFormatTest {
  private static final Path ROOT = io.aifocus.api.SparkTestSession.projectRoot();

  private record Parsed(List<PrometheusFormat.Sample> samples, List<PrometheusFormat.Problem> problems) {}

  private static Parsed parse(String content) {
    List<PrometheusFormat.Sample> samples = new ArrayList<>();
    List<PrometheusFormat.Problem> problems = new ArrayList<>();
    PrometheusFormat.parse(content, new PrometheusFormat.Sink() {
      @Override
      public void sample(PrometheusFormat.Sample sample) {
        samples.add(sample);
      }

      @Override
      public void problem(PrometheusFormat.Problem problem) {
        problems.add(problem);
      }
    });
    return new Parsed(samples, problems);
  }

  @Test
  void realDcgmCaptureParsesEveryLine() throws IOException {
    String content = Files.readString(ROOT.resolve("sample-data/k8s/dcgm/datadog-metrics.txt"));
    Parsed p = parse(content);
    assertThat(p.problems()).isEmpty();
    long sampleLines = content.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
    assertThat(p.samples()).hasSize((int) sampleLines);
    PrometheusFormat.Sample first = p.samples().get(0);
    assertThat(first.metric()).isEqualTo("DCGM_FI_DEV_SM_CLOCK");
    assertThat(first.labels()).containsEntry("Hostname", "424773df46e0").containsEntry("modelName", "Tesla T4")
        .containsEntry("UUID", "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e");
    assertThat(first.value()).isEqualTo("300");
    assertThat(first.time()).isEmpty();
    assertThat(first.line()).isEqualTo(3);
    // the dummy metrics at the end have no labels at all
    assertThat(p.samples()).filteredOn(s -> s.metric().equals("DCGM_FI_PROF_SM_ACTIVE"))
        .singleElement().satisfies(s -> assertThat(s.labels()).isEmpty());
  }

  @Test
  void timestampsEscapesAndEmptyPodLabel() {
    Parsed p = parse("# TYPE x gauge\n"
        + "DCGM_FI_DEV_GPU_UTIL{hostname=\"n1\",pod=\"\",note=\"a \\\"q\\\" \\\\ b\\nc\"} 37 1764547200000\n"
        + "vllm:prompt_tokens_total{model_name=\"llama\"} 1e+08\n"
        + "# EOF\n");
    assertThat(p.problems()).isEmpty();
    assertThat(p.samples().get(0).labels()).containsEntry("pod", "").containsEntry("note", "a \"q\" \\ b\nc");
    assertThat(p.samples().get(0).time()).contains(Instant.parse("2025-12-01T00:00:00Z"));
    assertThat(p.samples().get(1).metric()).isEqualTo("vllm:prompt_tokens_total");
    assertThat(p.samples().get(1).value()).isEqualTo("1e+08");
  }

  @Test
  void malformedLinesAreProblemsWithTheirLineNumber() {
    Parsed p = parse("ok 1\nbad{pod=\"x} 1\n{a=\"b\"} 2\nm{a=\"b\" 3\nm 1 notatime\nm\n");
    assertThat(p.samples()).hasSize(1);
    assertThat(p.problems()).extracting(PrometheusFormat.Problem::line).containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(p.problems()).extracting(PrometheusFormat.Problem::message).containsExactly(
        "unterminated value of label pod",
        "expected a metric name at column 1",
        "expected ',' or '}' after label a at column 9",
        "timestamp is not integer milliseconds: notatime",
        "missing sample value");
  }

  @Test
  void queryRangeMatrixWithStringValues() {
    Parsed p = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        + "{\"metric\":{\"__name__\":\"kube_pod_labels\",\"namespace\":\"ml\",\"pod\":\"p1\",\"label_team\":\"search\"},"
        + "\"values\":[[1764547200,\"1\"],[1764547260.5,\"1\"]]},"
        + "{\"metric\":{\"namespace\":\"ml\"},\"values\":[[1764547200,\"1\"]]},"
        + "{\"metric\":{\"__name__\":\"m\"},\"values\":[[1764547200,1]]}]}}");
    assertThat(p.samples()).hasSize(2);
    assertThat(p.samples().get(1).time()).contains(Instant.parse("2025-12-01T00:01:00.500Z"));
    assertThat(p.samples().get(0).labels()).containsEntry("label_team", "search").doesNotContainKey("__name__");
    assertThat(p.problems()).extracting(PrometheusFormat.Problem::message).containsExactly(
        "data.result[1]: metric has no __name__ label",
        "data.result[2].values[0]: expected [<unix seconds>, \"<value>\"]");
  }

  @Test
  void failedResponseIsOneProblem() {
    Parsed p = parse("{\"status\":\"error\",\"errorType\":\"bad_data\"}");
    assertThat(p.samples()).isEmpty();
    assertThat(p.problems()).singleElement().extracting(PrometheusFormat.Problem::message)
        .isEqualTo("not a successful Prometheus API response (status != success)");
  }

  @Test
  void sampleWithoutTimeKeepsItEmpty() {
    assertThat(PrometheusFormat.parseLine("m{a=\"1\"} 2", 7).time()).isEqualTo(Optional.empty());
  }
}
