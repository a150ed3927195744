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
}
