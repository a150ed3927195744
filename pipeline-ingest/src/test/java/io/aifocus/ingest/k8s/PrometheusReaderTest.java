package io.aifocus.ingest.k8s;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.RawColumns;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.source.PrometheusColumns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Both Prometheus formats through Spark into the long raw layout; bad lines kept with file and line. */
class PrometheusReaderTest {
  @Test
  void textAndJsonFilesInOneDirectory() throws IOException {
    Path dir = SparkTestSession.newDirectory("prom");
    Files.writeString(dir.resolve("a.prom"), "# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n"
        + "DCGM_FI_DEV_GPU_UTIL{Hostname=\"n1\",pod=\"\"} 37 1793664000000\n"
        + "DCGM_FI_DEV_GPU_UTIL{Hostname=\"n1\",pod=\"p\" 38 1793664600000\n"
        + "DCGM_FI_DEV_GPU_UTIL{Hostname=\"n1\"} NaN\n");
    Files.writeString(dir.resolve("b.json"), "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        + "{\"metric\":{\"__name__\":\"kube_pod_labels\",\"pod\":\"p\"},\"values\":[[1793664000,\"1\"],[1793664600.25,\"1\"]]}]}}");
    PrometheusReader.Result result = PrometheusReader.read(SparkTestSession.get(), dir.toString(), Optional.empty());
    assertThat(result.files()).containsExactly(dir.resolve("a.prom").toString(), dir.resolve("b.json").toString());
    assertThat(result.rows().schema()).isEqualTo(PrometheusReader.schema());

    List<Row> good = result.rows().where(col(RawColumns.CORRUPT_RECORD).isNull())
        .orderBy(col(PrometheusColumns.METRIC), col(PrometheusColumns.TIMESTAMP)).collectAsList();
    assertThat(good).hasSize(3);
    Row util = good.get(0);
    assertThat(util.<String>getAs(PrometheusColumns.METRIC)).isEqualTo("DCGM_FI_DEV_GPU_UTIL");
    assertThat(util.<scala.collection.Map<String, String>>getAs(PrometheusColumns.LABELS).get("pod").get()).isEmpty();
    assertThat(util.<Instant>getAs(PrometheusColumns.TIMESTAMP)).isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
    assertThat(util.<String>getAs(PrometheusColumns.VALUE)).isEqualTo("37");
    assertThat(util.<Long>getAs(RawColumns.SOURCE_LINE)).isEqualTo(2L);
    assertThat(good.get(2).<Instant>getAs(PrometheusColumns.TIMESTAMP)).isEqualTo(Instant.parse("2026-11-03T00:10:00.250Z"));

    List<Row> bad = result.rows().where(col(RawColumns.CORRUPT_RECORD).isNotNull())
        .orderBy(col(RawColumns.SOURCE_LINE)).collectAsList();
    assertThat(bad).extracting(r -> r.<Long>getAs(RawColumns.SOURCE_LINE)).containsExactly(3L, 4L);
    assertThat(bad.get(0).<String>getAs(RawColumns.CORRUPT_RECORD))
        .isEqualTo("expected ',' or '}' after label pod at column 44: DCGM_FI_DEV_GPU_UTIL{Hostname=\"n1\",pod=\"p\" 38 1793664600000");
    assertThat(bad.get(1).<String>getAs(RawColumns.CORRUPT_RECORD))
        .isEqualTo("DCGM_FI_DEV_GPU_UTIL (line without timestamp; set the scrape-time option for a scrape file)");
    assertThat(bad).allMatch(r -> r.<String>getAs(RawColumns.SOURCE_FILE).equals(dir.resolve("a.prom").toString()));
  }

  @Test
  void scrapeTimeDatesAScrapeWithoutTimestamps() {
    Path capture = SparkTestSession.projectRoot().resolve("sample-data/k8s/dcgm/datadog-metrics.txt");
    PrometheusReader.Result result = PrometheusReader.read(SparkTestSession.get(), capture.toString(),
        Optional.of(Instant.parse("2026-11-03T12:00:00Z")));
    assertThat(result.rows().where(col(RawColumns.CORRUPT_RECORD).isNotNull()).count()).isZero();
    assertThat(result.rows().select(PrometheusColumns.TIMESTAMP).distinct().collectAsList())
        .extracting(r -> r.get(0)).containsExactly(Instant.parse("2026-11-03T12:00:00Z"));
  }

  @Test
  void manyFilesAreOneScanStreamedLineByLine() throws IOException {
    Path dir = SparkTestSession.newDirectory("prom-many");
    for (int day = 1; day <= 30; day++) {
      StringBuilder text = new StringBuilder("# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization.\n");
      for (int gpu = 0; gpu < 8; gpu++) {
        text.append("DCGM_FI_DEV_GPU_UTIL{gpu=\"").append(gpu).append("\",day=\"").append(day).append("\"} ")
            .append(day + gpu).append(' ').append(1793664000000L + day * 86_400_000L).append('\n');
      }
      Files.writeString(dir.resolve(String.format("day-%02d.prom", day)), text);
    }
    PrometheusReader.Result result = PrometheusReader.read(SparkTestSession.get(), dir.toString(), Optional.empty());
    assertThat(result.files()).hasSize(30);
    // one scan of the file list, however many files: no union of a plan per file
    assertThat(result.rows().queryExecution().analyzed().collect(
        scala.PartialFunction.fromFunction(p -> p.nodeName())).toString()).doesNotContain("Union");
    List<Row> rows = result.rows().orderBy(RawColumns.SOURCE_FILE, RawColumns.SOURCE_LINE).collectAsList();
    assertThat(rows).hasSize(240).allMatch(r -> r.isNullAt(r.fieldIndex(RawColumns.CORRUPT_RECORD)));
    // every file, every line but the comment on line 1
    assertThat(rows.get(0).<String>getAs(RawColumns.SOURCE_FILE)).isEqualTo(dir.resolve("day-01.prom").toString());
    assertThat(rows.get(239).<String>getAs(RawColumns.SOURCE_FILE)).isEqualTo(dir.resolve("day-30.prom").toString());
    assertThat(rows).extracting(r -> r.<Long>getAs(RawColumns.SOURCE_LINE)).containsOnly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(rows.stream().mapToLong(r -> Long.parseLong(r.<String>getAs(PrometheusColumns.VALUE))).sum())
        .isEqualTo(8L * (30 * 31 / 2) + 30L * 28);
  }

  @Test
  void gzipByteOrderMarkCarriageReturnsAndALineLongerThanTheBuffer() throws IOException {
    Path dir = SparkTestSession.newDirectory("prom-gz");
    String longValue = "x".repeat(40_000);
    String text = "\uFEFFDCGM_FI_DEV_FB_USED{gpu=\"0\"} 10 1793664000000\r\n"
        + "\r\n"
        + "DCGM_FI_DEV_FB_USED{gpu=\"1\",note=\"" + longValue + "\"} 20 1793664000000\r\n"
        + "DCGM_FI_DEV_FB_USED{gpu=\"2\"} 30"; // no timestamp, no final newline
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("scrape.prom.gz")))) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    List<Row> rows = PrometheusReader.read(SparkTestSession.get(), dir.toString(), Optional.empty())
        .rows().orderBy(RawColumns.SOURCE_LINE).collectAsList();
    assertThat(rows).extracting(r -> r.<Long>getAs(RawColumns.SOURCE_LINE)).containsExactly(1L, 3L, 4L);
    assertThat(rows.get(0).<String>getAs(PrometheusColumns.METRIC)).isEqualTo("DCGM_FI_DEV_FB_USED");
    assertThat(rows.get(0).<String>getAs(PrometheusColumns.VALUE)).isEqualTo("10");
    assertThat(rows.get(1).<scala.collection.Map<String, String>>getAs(PrometheusColumns.LABELS).get("note").get())
        .isEqualTo(longValue);
    assertThat(rows.get(1).<String>getAs(PrometheusColumns.VALUE)).isEqualTo("20");
    assertThat(rows.get(2).<String>getAs(RawColumns.CORRUPT_RECORD))
        .isEqualTo("DCGM_FI_DEV_FB_USED (line without timestamp; set the scrape-time option for a scrape file)");
  }

  @Test
  void aCorruptCompressedFileFailsTheJobNamingTheFile() throws IOException {
    Path dir = SparkTestSession.newDirectory("prom-corrupt");
    byte[] gz;
    try (var bytes = new java.io.ByteArrayOutputStream(); var out = new java.util.zip.GZIPOutputStream(bytes)) {
      out.write("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"} 1 1793664000000\n".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.finish();
      gz = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2); // truncated mid-stream
    }
    Path file = dir.resolve("broken.prom.gz");
    Files.write(file, gz);
    PrometheusReader.Result result = PrometheusReader.read(SparkTestSession.get(), dir.toString(), Optional.empty());
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> result.rows().count());
    io.aifocus.api.PipelineException cause = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof io.aifocus.api.PipelineException pe) {
        cause = pe;
        break;
      }
    }
    assertThat(cause).as("cause chain of %s", failure).isNotNull();
    assertThat(cause.errorCode()).isEqualTo(io.aifocus.api.PipelineErrorCode.UNREADABLE_FILE);
    assertThat(cause.getMessage())
        .isEqualTo("AIF-1006 UNREADABLE_FILE: " + file + ": cannot read the file (EOFException: Unexpected end of input stream)");
  }
}
