package io.aifocus.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A JVM started by a test as a child process: its stdout and stderr go, merged, to a log file and through
 * line listeners, so a test can block until a line appears (no sleeping). {@link #close()} kills the process
 * and every process it started (executors of a Spark worker), so nothing outlives the test.
 */
final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Thread pump;

  private record Waiter(Predicate<String> predicate, CountDownLatch latch) {}

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.pump = new Thread(this::pump, "child-jvm-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code java <this JVM's flags> -Xmx<heap> -cp <classpath> <mainClass> <args>} with SPARK_LOCAL_IP
   * set to the loopback address plus {@code env}.
   */
  static ChildJvm start(String name, Path log, String classpath, String heap, List<String> systemProperties,
      Map<String, String> env, String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(inheritedJvmFlags());
    command.add("-Xmx" + heap);
    command.addAll(systemProperties);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().putAll(env);
    Files.createDirectories(log.getParent());
    return new ChildJvm(name, builder.start(), log);
  }

  /** The Java 17 module flags and the test time zone of this JVM (its heap size and agents left out). */
  static List<String> inheritedJvmFlags() {
    List<String> flags = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-") || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || arg.startsWith("-Djdk.reflect.") || arg.startsWith("-Dio.netty.") || arg.startsWith("-Duser.timezone=")) {
        flags.add(arg);
      }
    }
    return flags;
  }

  /**
   * The entries of this JVM's class path; surefire's manifest-only booter jar is expanded to the jars and
   * directories its manifest lists.
   */
  static List<Path> classpathEntries() throws IOException {
    LinkedHashSet<Path> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      entries.add(path);
      if (Files.isRegularFile(path) && path.getFileName().toString().startsWith("surefirebooter")) {
        try (JarFile jar = new JarFile(path.toFile())) {
          Manifest manifest = jar.getManifest();
          String listed = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (listed != null) {
            for (String url : listed.trim().split("\\s+")) {
              entries.add(Path.of(path.toUri().resolve(url)));
            }
          }
        }
      }
    }
    return List.copyOf(entries);
  }

  /** A port nobody listens on right now, on the loopback address. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump() {
    try (InputStream in = process.getInputStream();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        out.println(line);
        synchronized (this) {
          lines.add(line);
          for (Waiter w : waiters) {
            if (w.predicate().test(line)) {
              w.latch().countDown();
            }
          }
        }
      }
    } catch (IOException e) {
      // the process was killed while we read its output: nothing more to log
    } finally {
      synchronized (this) {
        // the output ended: release every waiter (the caller then sees the process gone)
        waiters.forEach(w -> {
          while (w.latch().getCount() > 0) {
            w.latch().countDown();
          }
        });
      }
    }
  }

  /**
   * Blocks until {@code count} output lines matched {@code predicate}; false when the output ended or the
   * timeout passed first.
   */
  boolean awaitLines(Predicate<String> predicate, int count, Duration timeout) throws InterruptedException {
    CountDownLatch latch;
    synchronized (this) {
      long seen = lines.stream().filter(predicate).count();
      if (seen >= count) {
        return true;
      }
      if (!pump.isAlive()) {
        return false;
      }
      latch = new CountDownLatch((int) (count - seen));
      waiters.add(new Waiter(predicate, latch));
    }
    latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    synchronized (this) {
      return lines.stream().filter(predicate).count() >= count;
    }
  }

  /** Waits for the process to end; -1 if it is still running after {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    pump.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  /** The whole output so far. */
  synchronized String output() {
    return String.join("\n", lines);
  }

  /** The last lines of the output, for assertion messages. */
  synchronized String tail(int count) {
    return name + " (" + log + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  /** Kills the process at once (SIGKILL), like an OOM killer or a preempted node would. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Kills the process tree; waits until every process of it is gone. */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : tree) {
      handle.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }
}
