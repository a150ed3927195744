package io.aifocus.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineRunsTable;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FocusColumns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * s3:// sources against a real S3 protocol server (s3proxy on 127.0.0.1, in-memory store): CUR manifests pick the
 * latest delivery, an unchanged delivery is skipped on rerun, a re-delivery replaces the period, paths without
 * manifests are read whole, and rows keep their s3:// URIs.
 */
class S3SourceTest {
  private static final String ACCESS_KEY = "aifocus-test-access";
  private static final String SECRET_KEY = "aifocus-test-secret-do-not-log";
  private static final String BUCKET = "billing";
  private static final String CUR = "reports/cur/demo/";
  private static final String PERIOD = CUR + "20231101-20231201/";
  private static final Path LEGACY = SparkTestSession.projectRoot().resolve(AwsCurGoldenTest.LEGACY_SAMPLE);

  private static S3Proxy proxy;
  private static BlobStoreContext store;
  private static URI endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    endpoint = URI.create("http://127.0.0.1:" + port);
    store = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
    store.getBlobStore().createContainerInLocation(null, BUCKET);
    proxy = S3Proxy.builder().blobStore(store.getBlobStore()).endpoint(endpoint)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
    proxy.start();
    for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
      Thread.sleep(25);
    }
    assertThat(proxy.getState()).isEqualTo("STARTED");
    // the SDK's default credential chain: system properties are its second link (after the environment)
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  @AfterAll
  static void stopS3() throws Exception {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (proxy != null) {
      proxy.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void curManifestsPickTheLatestDeliverySkipUnchangedOnesAndReplaceRestatedOnes() throws IOException {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = Files.readAllLines(LEGACY, StandardCharsets.UTF_8);
    // an older assembly with the first 500 rows, the current one with all 1,281; both have their own manifest,
    // the period's top-level manifest names the current one (legacy CUR "create new report versions" layout)
    put(PERIOD + "aaaa-1111/demo-00001.csv", String.join("\n", lines.subList(0, 501)) + "\n");
    put(PERIOD + "aaaa-1111/demo-Manifest.json", manifest("aaaa-1111"));
    put(PERIOD + "bbbb-2222/demo-00001.csv", String.join("\n", lines) + "\n");
    put(PERIOD + "bbbb-2222/demo-Manifest.json", manifest("bbbb-2222"));
    put(PERIOD + "demo-Manifest.json", manifest("bbbb-2222"));

    Path dir = SparkTestSession.newDirectory("s3-cur");
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    String source = "s3://" + BUCKET + "/" + CUR;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PipelineRunner runner = new PipelineRunner(spark, warehouse, new Progress(new PrintStream(log, true), false));

    PipelineRunner.Result first = runner.run(config(dir, source));
    assertThat(first.rowsOut()).isEqualTo(1281);
    assertThat(first.rowsQuarantined()).isZero();
    assertThat(billedTotal(warehouse)).isEqualByComparingTo("1.68230869740"); // AwsCurGoldenTest's total, once
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME).select(ExtensionColumns.SOURCE_FILE).distinct()
        .collectAsList()).extracting(r -> r.getString(0))
        .containsExactly(source + "20231101-20231201/bbbb-2222/demo-00001.csv");
    Row run = warehouse.read(PipelineRunsTable.TABLE_NAME).filter(col("run_id").equalTo(first.runId())).first();
    assertThat(run.<String>getAs("source_path")).isEqualTo(source);
    assertThat(run.<scala.collection.Seq<String>>getAs("input_files").mkString(","))
        .isEqualTo(source + "20231101-20231201/bbbb-2222/demo-00001.csv");
    List<Row> deliveries = warehouse.read(SourceDeliveriesTable.TABLE_NAME).collectAsList();
    assertThat(deliveries).singleElement().satisfies(d -> {
      assertThat(d.<String>getAs("billing_period")).isEqualTo("2023-11");
      assertThat(d.<String>getAs("manifest")).isEqualTo(source + "20231101-20231201/demo-Manifest.json");
      assertThat(d.<String>getAs("manifest_sha256"))
          .isEqualTo(S3Inputs.sha256(manifest("bbbb-2222").getBytes(StandardCharsets.UTF_8)));
    });
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("latest delivery of 2023-11 is " + source + "20231101-20231201/demo-Manifest.json (1 file(s))");

    // rerun, nothing re-delivered: skipped, recorded, the table untouched
    long versionBefore = tableVersion(spark, warehouse);
    PipelineRunner.Result second = runner.run(config(dir, source));
    assertThat(second.sources()).isEmpty();
    assertThat(tableVersion(spark, warehouse)).isEqualTo(versionBefore);
    Row skipped = warehouse.read(PipelineRunsTable.TABLE_NAME).filter(col("run_id").equalTo(second.runId())).first();
    assertThat(skipped.<String>getAs("status")).isEqualTo("SKIPPED");
    assertThat(skipped.<String>getAs("message")).startsWith("delivery of 2023-11 unchanged since the last run");

    // AWS restates the month: a new assembly without the last 81 rows; the period is replaced, not appended
    put(PERIOD + "cccc-3333/demo-00001.csv", String.join("\n", lines.subList(0, 1201)) + "\n");
    put(PERIOD + "demo-Manifest.json", manifest("cccc-3333"));
    PipelineRunner.Result third = runner.run(config(dir, source));
    assertThat(third.rowsOut()).isEqualTo(1200);
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME).count()).isEqualTo(1200);
    assertThat(warehouse.read(SourceDeliveriesTable.TABLE_NAME).count()).isEqualTo(2);

    // the secret never reaches the progress log or a table
    assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET_KEY);
    for (String table : List.of(CostAndUsageTable.TABLE_NAME, PipelineRunsTable.TABLE_NAME, SourceDeliveriesTable.TABLE_NAME)) {
      assertThat(warehouse.read(table).toJSON().collectAsList()).as(table).noneMatch(j -> j.contains(SECRET_KEY));
    }
  }

  @Test
  void aPrefixWithoutManifestsIsReadWholeAndAMissingOneFailsClearly() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path tiny = SparkTestSession.projectRoot().resolve("sample-data/focus/focus-1.3-tiny.csv");
    put("exports/focus/2026-01/part-0.csv", Files.readString(tiny, StandardCharsets.UTF_8));
    put("exports/focus/_SUCCESS", "");
    Path dir = SparkTestSession.newDirectory("s3-focus");
    Warehouse warehouse = new Warehouse(spark, dir.toString());
    PipelineRunner runner = new PipelineRunner(spark, warehouse, AwsCurGoldenTest.quietProgress());

    JobConfig job = new JobConfig(dir.toString(),
        List.of(SourceSpec.of(SourceKind.FOCUS, "s3://" + BUCKET + "/exports/focus")),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(), RunScope.ALL, settings(), List.of());
    PipelineRunner.Result result = runner.run(job);
    long expectedRows = Files.readAllLines(tiny, StandardCharsets.UTF_8).stream().skip(1).filter(l -> !l.isBlank()).count();
    assertThat(result.rowsOut() + result.rowsQuarantined()).isEqualTo(expectedRows);
    assertThat(warehouse.read(CostAndUsageTable.TABLE_NAME).select(ExtensionColumns.SOURCE_FILE).distinct()
        .collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("s3://" + BUCKET + "/exports/focus/2026-01/part-0.csv");

    JobConfig missing = new JobConfig(dir.toString(),
        List.of(SourceSpec.of(SourceKind.FOCUS, "s3://" + BUCKET + "/exports/nothing-here/")),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(), RunScope.ALL, settings(), List.of());
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> runner.run(missing)))
        .hasMessageContaining("AIF-")
        .hasMessageContaining("s3://" + BUCKET + "/exports/nothing-here/: no objects under this S3 path");
  }

  private static JobConfig config(Path dir, String source) {
    return new JobConfig(dir.toString(), List.of(SourceSpec.of(SourceKind.AWS_CUR, source)),
        NormalizeContext.DEFAULT_TEAM_TAG_KEYS, Optional.empty(), RunScope.ALL, settings(), List.of());
  }

  private static S3Settings settings() {
    return new S3Settings(Optional.of(endpoint), Optional.of("us-east-1"), true);
  }

  private static String manifest(String assembly) {
    return "{\"assemblyId\":\"" + assembly + "\",\"reportName\":\"demo\","
        + "\"billingPeriod\":{\"start\":\"20231101T000000.000Z\",\"end\":\"20231201T000000.000Z\"},"
        + "\"bucket\":\"" + BUCKET + "\",\"reportKeys\":[\"" + PERIOD + assembly + "/demo-00001.csv\"]}";
  }

  private static void put(String key, String content) {
    BlobStore blobs = store.getBlobStore();
    blobs.putBlob(BUCKET, blobs.blobBuilder(key).payload(content.getBytes(StandardCharsets.UTF_8))
        .contentLength(content.getBytes(StandardCharsets.UTF_8).length).build());
  }

  private static BigDecimal billedTotal(Warehouse warehouse) {
    return warehouse.read(CostAndUsageTable.TABLE_NAME).agg(sum(col(FocusColumns.BILLED_COST))).first().getDecimal(0);
  }

  private static long tableVersion(SparkSession spark, Warehouse warehouse) {
    return io.delta.tables.DeltaTable.forPath(spark, warehouse.path(CostAndUsageTable.TABLE_NAME)).history(1)
        .first().<Long>getAs("version");
  }
}
