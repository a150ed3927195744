package io.aifocus.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster jar on a real Spark standalone cluster: one Master and two Worker JVMs on 127.0.0.1 (1 core,
 * 512 MB each), the job submitted through SparkSubmit in client mode, executors launched by the workers as
 * separate JVMs. The Delta tables it writes must equal those of the same run in local mode.
 *
 * <p>Runs in Maven's integration-test phase (after package built the cluster jar). The workers need a
 * SPARK_HOME whose {@code jars/} holds what a Spark distribution ships: it is laid out from this JVM's class
 * path (Spark, Hadoop, Scala and their dependencies) minus what the cluster jar bundles (aifocus, Delta,
 * picocli), so the jar is proven to carry everything a bare cluster lacks.
 */
class ClusterIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);
  private static final List<ChildJvm> PROCESSES = new ArrayList<>();
  private static Path root;
  private static Path sparkHome;
  private static Path clusterJar;
  private static String masterUrl;

  @BeforeAll
  static void startCluster() throws Exception {
    // the local-mode run to compare with works in this JVM while the cluster starts and runs
    CleanReferenceRun.start();
    clusterJar = Path.of(System.getProperty("aifocus.cluster.jar", "target/aifocus-jobs-0.1.0-SNAPSHOT-cluster.jar"))
        .toAbsolutePath();
    assertThat(clusterJar).as("the cluster jar (built by 'package' before integration tests)").isRegularFile();
    root = Files.createTempDirectory(clusterJar.getParent(), "cluster-it-");
    sparkHome = layOutSparkHome(root.resolve("spark-home"));
    Runtime.getRuntime().addShutdownHook(new Thread(ClusterIT::stopCluster));

    int port = ChildJvm.freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    ChildJvm master = start("master", "256m", "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", Integer.toString(port),
            "--webui-port", Integer.toString(ChildJvm.freePort())));
    for (int i = 1; i <= 2; i++) {
      start("worker" + i, "256m", "org.apache.spark.deploy.worker.Worker",
          List.of("--host", "127.0.0.1", "--port", Integer.toString(ChildJvm.freePort()),
              "--webui-port", Integer.toString(ChildJvm.freePort()), "--cores", "1", "--memory", "512m",
              "--work-dir", root.resolve("work" + i).toString(), masterUrl));
    }
    boolean registered = master.awaitLines(line -> line.contains("Registering worker 127.0.0.1:"), 2, START_TIMEOUT);
    assertThat(registered).as("both workers registered with the master\n%s", master.tail(40)).isTrue();
  }

  @AfterAll
  static void stopCluster() {
    synchronized (PROCESSES) {
      PROCESSES.forEach(ChildJvm::close);
      PROCESSES.clear();
    }
  }

  @Test
  void clusterRunWritesTheSameTablesAsLocalMode() throws Exception {
    Path demo = tinyConfig();
    Path clusterWarehouse = root.resolve("warehouse-cluster");

    ChildJvm driver = start("driver", "1g", "org.apache.spark.deploy.SparkSubmit", List.of(
        "--master", masterUrl, "--deploy-mode", "client",
        "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.databricks.delta.snapshotPartitions=2",
        "--conf", "spark.executor.extraJavaOptions=-Duser.timezone=America/Los_Angeles",
        "--class", AifocusCli.class.getName(), clusterJar.toString(),
        "run", "--config", demo.toString(), "--warehouse", clusterWarehouse.toString()));
    int exit = driver.waitFor(RUN_TIMEOUT);
    assertThat(exit).as("spark-submit exit code\n%s", driver.tail(60)).isZero();
    assertThat(driver.output()).contains("(reconciled)").doesNotContain("NOT RECONCILED");

    // the work ran on executors the two workers launched, not inside the driver
    List<Path> executorLogs = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      try (Stream<Path> files = Files.walk(root.resolve("work" + i))) {
        List<Path> logs = files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        assertThat(logs).as("executor launched by worker %d", i).isNotEmpty();
        executorLogs.addAll(logs);
      }
    }
    long tasks = 0;
    for (Path log : executorLogs) {
      tasks += Files.readAllLines(log).stream().filter(l -> l.contains("Running task")).count();
    }
    assertThat(tasks).as("tasks run by the executors").isPositive();

    // the same config in local mode (CleanReferenceRun: started with the cluster, run once for both ITs)
    SparkSession spark = SparkTestSession.get();
    CleanReferenceRun.Clean local = CleanReferenceRun.get();
    TableContents expected = local.contents();
    TableContents actual = TableContents.of(new Warehouse(spark, clusterWarehouse.toString()), null);
    assertThat(expected.focus()).hasSize((int) local.result().rowsOut());
    assertThat(actual.focus()).isEqualTo(expected.focus());
    assertThat(actual.quarantine()).isEqualTo(expected.quarantine());
    assertThat(actual.runs()).isEqualTo(expected.runs());
  }

  /** A small part of the demo (CUR 2.0 fixture, gateway log priced from the price book): keeps the test lean. */
  private static Path tinyConfig() throws IOException {
    return CleanReferenceRun.writeConfig(root.resolve("aifocus.yaml"));
  }

  private static ChildJvm start(String name, String heap, String mainClass, List<String> args) throws IOException {
    ChildJvm jvm = ChildJvm.start(name, root.resolve("logs").resolve(name + ".log"), sparkHome.resolve("jars") + "/*",
        heap, List.of(), Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13"), mainClass, args);
    synchronized (PROCESSES) {
      PROCESSES.add(jvm);
    }
    return jvm;
  }

  /**
   * {@code dir/jars/}: links to every jar of this JVM's class path except the ones the cluster jar bundles,
   * i.e. what {@code $SPARK_HOME/jars} of a Spark distribution provides.
   */
  private static Path layOutSparkHome(Path dir) throws IOException {
    Path jars = Files.createDirectories(dir.resolve("jars"));
    for (Path entry : ChildJvm.classpathEntries()) {
      String name = entry.getFileName().toString();
      String path = entry.toString().replace('\\', '/');
      boolean bundled = name.startsWith("aifocus-") || path.contains("/io/delta/") || path.contains("/io/unitycatalog/")
          || path.contains("/info/picocli/") || name.startsWith("surefire");
      if (Files.isRegularFile(entry) && name.endsWith(".jar") && !bundled && !Files.exists(jars.resolve(name))) {
        Files.createSymbolicLink(jars.resolve(name), entry);
      }
    }
    return dir;
  }
}
