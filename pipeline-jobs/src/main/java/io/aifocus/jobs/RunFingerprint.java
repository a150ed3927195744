package io.aifocus.jobs;

import io.aifocus.api.SourceSpec;
import io.aifocus.ingest.InputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The fingerprint of everything a run reads: the configuration (every value, maps in key order), the bytes of
 * every input file it names (source files as the readers list them, price books, metrics, node prices, any other
 * local file a setting names), the aifocus version and the size and time of the jars the code runs from.
 * Two runs with the same fingerprint compute the same tables, so a rerun over an unchanged warehouse may skip
 * (docs/operations.md, "Unchanged reruns").
 *
 * <p>A configuration that cannot be fingerprinted exactly has none ({@link Optional#empty()}), and its runs are
 * never skipped: s3:// sources (they skip unchanged deliveries by manifest instead), remote paths (s3a://, hdfs://),
 * and any setting of a type this class does not know.
 */
final class RunFingerprint {
  /** What was hashed, for the record: the digest and how many files and bytes went into it. */
  record Fingerprint(String sha256, int files, long bytes) {}

  private final SparkSession spark;
  private final MessageDigest digest = sha256();
  private final Set<Path> hashed = new TreeSet<>();
  /** Path settings already expanded to their files (and the warehouse, which is output). */
  private final Set<String> expanded = new java.util.HashSet<>();
  private long bytes;
  private boolean exact = true;

  private RunFingerprint(SparkSession spark) {
    this.spark = spark;
  }

  /** The fingerprint of {@code config}'s run, or empty when it cannot be computed exactly. */
  static Optional<Fingerprint> of(SparkSession spark, JobConfig config) {
    RunFingerprint f = new RunFingerprint(spark);
    f.text("aifocus " + String.join(" ", new AifocusCli.Version().lines()));
    f.code(RunFingerprint.class, io.aifocus.ingest.InputFiles.class, io.aifocus.normalize.FocusRow.class,
        io.aifocus.allocate.LargestRemainder.class, io.aifocus.schema.FocusColumns.class, io.aifocus.api.SourceSpec.class);
    f.expanded.add(config.warehouse()); // the output, not an input
    for (SourceSpec spec : config.sources()) {
      f.sourceFiles(spec.path());
    }
    for (GpuClusterConfig cluster : config.gpuClusters()) {
      f.sourceFiles(cluster.kubeStateMetrics());
      cluster.dcgm().ifPresent(f::sourceFiles);
      cluster.vllmMetrics().ifPresent(f::sourceFiles);
      cluster.nodePrices().ifPresent(f::sourceFiles);
    }
    f.text(f.canonical(config));
    return f.exact ? Optional.of(new Fingerprint(HexFormat.of().formatHex(f.digest.digest()), f.hashed.size(), f.bytes))
        : Optional.empty();
  }

  /** The files a source reads, as its reader lists them (globs and directories expanded, hidden files skipped). */
  private void sourceFiles(String path) {
    expanded.add(path);
    if (!isLocal(path)) {
      exact = false;
      return;
    }
    List<String> files;
    try {
      files = InputFiles.list(spark, path);
    } catch (RuntimeException e) {
      exact = false; // the source's reader reports the missing or unreadable input, with its pipeline_runs row
      return;
    }
    for (String file : files) {
      file(localPath(file));
    }
  }

  /**
   * A canonical text of a setting: records by component name, maps in key order, every string that names an
   * existing local file or directory followed by the hash of its bytes.
   */
  private String canonical(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      if (expanded.contains(s) || s.isEmpty()) {
        return quote(s);
      }
      if (!isLocal(s)) {
        exact = false; // a remote file's bytes are not hashed; its run is never skipped
      } else if (s.length() < 4096) {
        localFileOrDirectory(s).ifPresent(p -> {
          if (Files.isRegularFile(p)) {
            file(p);
          } else {
            exact = false; // a directory named by a setting other than an input path: not hashed, never skipped
          }
        });
      }
      return quote(s);
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof Enum<?> || value instanceof Instant
        || value instanceof LocalDate || value instanceof Duration || value instanceof Character) {
      return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    }
    if (value instanceof Path p) {
      return canonical(p.toString());
    }
    if (value instanceof URI u) {
      return canonical(u.toString());
    }
    if (value instanceof Optional<?> o) {
      return o.map(v -> "some(" + canonical(v) + ")").orElse("none");
    }
    if (value instanceof Map<?, ?> m) {
      TreeMap<String, String> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(canonical(k), canonical(v)));
      return sorted.toString();
    }
    if (value instanceof Set<?> s) {
      TreeSet<String> sorted = new TreeSet<>();
      s.forEach(v -> sorted.add(canonical(v)));
      return sorted.toString();
    }
    if (value instanceof Collection<?> c) {
      List<String> out = new ArrayList<>();
      c.forEach(v -> out.add(canonical(v)));
      return out.toString();
    }
    if (value instanceof Record r) {
      StringBuilder out = new StringBuilder(r.getClass().getName()).append('(');
      for (RecordComponent component : r.getClass().getRecordComponents()) {
        try {
          component.getAccessor().setAccessible(true);
          out.append(component.getName()).append('=').append(canonical(component.getAccessor().invoke(r))).append(';');
        } catch (ReflectiveOperationException e) {
          exact = false;
        }
      }
      return out.append(')').toString();
    }
    exact = false; // a type without a canonical form: no fingerprint rather than a wrong one
    return value.getClass().getName();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Local paths: scheme-less or file:. Anything else (s3://, s3a://, hdfs://, http://) is remote. */
  private static boolean isLocal(String s) {
    int colon = s.indexOf("://");
    if (colon < 0) {
      return true;
    }
    return s.startsWith("file:");
  }

  private static Path localPath(String s) {
    if (s.startsWith("file:")) {
      try {
        return Path.of(new URI(s));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return Path.of(s.substring("file:".length()));
      }
    }
    return Path.of(s);
  }

  /** The local file or directory {@code s} names (a plain path or a {@code file:} URI), if it exists. */
  static Optional<Path> localFileOrDirectory(String s) {
    try {
      Path p = localPath(s);
      return Files.exists(p) ? Optional.of(p) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private void file(Path file) {
    Path normal = file.toAbsolutePath().normalize();
    if (!hashed.add(normal)) {
      return;
    }
    text("file " + normal);
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(normal)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        bytes += n;
      }
    } catch (IOException e) {
      exact = false;
    }
  }

  /** The jars the code runs from, by size and modification time (a rebuilt jar is a different run). */
  private void code(Class<?>... classes) {
    Set<String> seen = new TreeSet<>();
    for (Class<?> c : classes) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        continue;
      }
      try {
        Path p = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(p) && seen.add(p.toString())) {
          text("code " + p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
        } else if (Files.isDirectory(p) && seen.add(p.toString())) {
          // classes directories (a development build): their newest class file stands for the build
          try (Stream<Path> walk = Files.walk(p)) {
            long newest = walk.filter(Files::isRegularFile).mapToLong(RunFingerprint::modified).max().orElse(0);
            text("code " + p + " " + newest);
          }
        }
      } catch (URISyntaxException | IOException | IllegalArgumentException e) {
        exact = false;
      }
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  private void text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    digest.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) ':');
    digest.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
