package io.aifocus.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.functions;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code s3://bucket/prefix} source paths: lists the objects with the AWS SDK v2, picks the latest delivery of
 * each billing period from the export's manifests, skips deliveries whose manifest is unchanged since the last
 * run, and stages the chosen objects in a local directory that the readers read like any local input. Rows and
 * pipeline_runs keep the {@code s3://} URIs ({@link Staged#restore}).
 *
 * <p>Staging is local to the driver, so it serves local mode (the default). On a cluster, executors cannot
 * see the driver's disk: use {@code s3a://} paths there (Hadoop's S3A, which cluster distributions ship), read
 * by Spark directly (docs/s3.md).
 */
final class S3Inputs implements AutoCloseable {
  static final String SCHEME = "s3://";
  private static final Pattern BILLING_PERIOD_PATH = Pattern.compile("BILLING_PERIOD=(\\d{4}-\\d{2})");
  private static final Pattern CUR_PERIOD_PATH = Pattern.compile("(?:^|/)(\\d{8})-\\d{8}/");
  private static final DateTimeFormatter CUR_MANIFEST_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Settings settings;
  private final Path stagingRoot;
  private final List<Path> staged = new ArrayList<>();
  private S3Client client;

  S3Inputs(S3Settings settings, Path stagingRoot) {
    this.settings = settings;
    this.stagingRoot = stagingRoot;
  }

  static boolean isS3(String path) {
    return path.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /** A bucket and key of an {@code s3://} URI. */
  record S3Uri(String bucket, String key) {
    static S3Uri parse(String uri) {
      if (!isS3(uri)) {
        throw new IllegalArgumentException("not an s3:// URI: " + uri);
      }
      String rest = uri.substring(SCHEME.length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      if (bucket.isEmpty()) {
        throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, uri + ": no bucket in the S3 path");
      }
      return new S3Uri(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    @Override
    public String toString() {
      return SCHEME + bucket + "/" + key;
    }
  }

  /**
   * One billing period's latest delivery, as its manifest describes it.
   *
   * @param period the billing period, {@code YYYY-MM}
   * @param manifest the manifest's {@code s3://} URI
   * @param sha256 hex SHA-256 of the manifest's bytes: a re-delivery changes it, a rerun does not
   * @param files the {@code s3://} URIs of the delivery's data files
   */
  record Delivery(String period, String manifest, String sha256, List<String> files) {}

  /**
   * What was staged for one source.
   *
   * @param localSpec the source with its path pointing at the staging directory
   * @param deliveries the deliveries staged (empty when the prefix has no manifests)
   * @param unchanged deliveries skipped because their manifest equals the last recorded one
   * @param objects the number of data objects staged
   */
  record Staged(SourceSpec localSpec, String token, List<Delivery> deliveries, List<Delivery> unchanged, int objects) {
    /** Nothing to read: every delivery is unchanged. */
    boolean nothingToRead() {
      return objects == 0 && !unchanged.isEmpty();
    }

    /** A staged local path (any form: plain, file:/, file:///) back to its s3:// URI. */
    String toS3(String localPath) {
      int at = localPath.indexOf("/" + token + "/");
      return at < 0 ? localPath : SCHEME + localPath.substring(at + token.length() + 2);
    }

    /** The raw input with its file column, file list and unknown columns' files back in s3:// form. */
    RawInput restore(RawInput raw) {
      String regex = "^.*?/" + Pattern.quote(token) + "/";
      Map<String, List<String>> unknownColumns = new java.util.LinkedHashMap<>();
      raw.unknownColumns().forEach((file, names) -> unknownColumns.put(toS3(file), names));
      return new RawInput(
          raw.kind(),
          raw.rows().withColumn(RawColumns.SOURCE_FILE,
              functions.regexp_replace(functions.col(RawColumns.SOURCE_FILE), regex, SCHEME)),
          raw.files().stream().map(this::toS3).toList(),
          raw.billedAmount(),
          raw.billingPeriodStart(),
          unknownColumns);
    }
  }

  /**
   * Lists {@code spec.path()}, picks what to read and downloads it.
   *
   * @param lastChecksums per billing period, the manifest SHA-256 recorded by the last successful run
   */
  Staged stage(SourceSpec spec, Map<String, String> lastChecksums) {
    S3Uri root = S3Uri.parse(spec.path());
    List<S3Object> objects = list(root);
    if (objects.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INPUT_NOT_FOUND, spec.path() + ": no objects under this S3 path");
    }
    List<S3Object> manifests = objects.stream().filter(o -> isManifest(o.key())).toList();
    List<Delivery> deliveries = new ArrayList<>();
    List<Delivery> unchanged = new ArrayList<>();
    List<S3Uri> toStage = new ArrayList<>();
    if (manifests.isEmpty()) {
      objects.stream().filter(o -> !hidden(root, o.key())).forEach(o -> toStage.add(new S3Uri(root.bucket(), o.key())));
    } else {
      for (Delivery delivery : latestDeliveries(root, manifests)) {
        if (delivery.sha256().equals(lastChecksums.get(delivery.period()))) {
          unchanged.add(delivery);
          continue;
        }
        deliveries.add(delivery);
        delivery.files().forEach(f -> toStage.add(S3Uri.parse(f)));
      }
    }
    String token = "s3-" + UUID.randomUUID();
    Path dir = stagingRoot.resolve(token);
    staged.add(dir);
    try {
      Files.createDirectories(dir);
      for (S3Uri object : toStage) {
        Path target = dir.resolve(object.bucket()).resolve(object.key()).normalize();
        if (!target.startsWith(dir)) {
          throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE, object + ": key escapes the staging directory");
        }
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        client().getObject(GetObjectRequest.builder().bucket(object.bucket()).key(object.key()).build(),
            ResponseTransformer.toFile(target));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage " + spec.path() + " in " + dir, e);
    } catch (SdkException e) {
      throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE, spec.path() + ": cannot read from S3: " + e.getMessage(), e);
    }
    // the readers see the staged copy of the user's path: the whole bucket/prefix directory
    Path local = dir.resolve(root.bucket()).resolve(root.key());
    if (!Files.exists(local)) {
      local = dir.resolve(root.bucket());
    }
    SourceSpec localSpec = new SourceSpec(spec.kind(), local.toString(), spec.options());
    return new Staged(localSpec, token, deliveries, unchanged, toStage.size());
  }

  /**
   * Per billing period the manifest of the latest delivery: the shallowest one (legacy CUR writes the period's
   * current manifest beside the assembly folders, which hold their own), the newest among equals.
   */
  private List<Delivery> latestDeliveries(S3Uri root, List<S3Object> manifests) {
    Map<String, S3Object> chosen = new TreeMap<>();
    Map<String, JsonNode> documents = new LinkedHashMap<>();
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    Comparator<S3Object> latest = Comparator.comparingLong((S3Object o) -> -depth(o.key()))
        .thenComparing(o -> Optional.ofNullable(o.lastModified()).orElse(Instant.EPOCH));
    for (S3Object manifest : manifests) {
      byte[] content = client().getObjectAsBytes(
          GetObjectRequest.builder().bucket(root.bucket()).key(manifest.key()).build()).asByteArray();
      JsonNode doc;
      try {
        doc = JSON.readTree(content);
      } catch (IOException e) {
        throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE,
            new S3Uri(root.bucket(), manifest.key()) + ": manifest is not valid JSON: " + e.getMessage(), e);
      }
      String period = period(doc, manifest.key()).orElseThrow(() -> new PipelineException(
          PipelineErrorCode.UNREADABLE_FILE,
          new S3Uri(root.bucket(), manifest.key()) + ": manifest names no billing period (billingPeriod.start)"));
      documents.put(manifest.key(), doc);
      bytes.put(manifest.key(), content);
      chosen.merge(period, manifest, (a, b) -> latest.compare(a, b) >= 0 ? a : b);
    }
    List<Delivery> out = new ArrayList<>();
    for (Map.Entry<String, S3Object> e : chosen.entrySet()) {
      String key = e.getValue().key();
      String uri = new S3Uri(root.bucket(), key).toString();
      List<String> files = dataFiles(root.bucket(), documents.get(key));
      if (files.isEmpty()) {
        throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE,
            uri + ": manifest lists no data files (reportKeys or dataFiles)");
      }
      out.add(new Delivery(e.getKey(), uri, sha256(bytes.get(key)), files));
    }
    return out;
  }

  /** The data files of a manifest: legacy CUR {@code reportKeys} (keys) or Data Exports {@code dataFiles}. */
  private static List<String> dataFiles(String bucket, JsonNode doc) {
    List<String> files = new ArrayList<>();
    for (String field : List.of("reportKeys", "dataFiles")) {
      for (JsonNode f : doc.path(field)) {
        String value = f.isTextual() ? f.asText() : f.path("key").asText(f.path("s3Uri").asText(""));
        if (!value.isBlank()) {
          files.add(isS3(value) ? value : new S3Uri(bucket, value).toString());
        }
      }
    }
    return files;
  }

  /** The billing period {@code YYYY-MM} of a manifest: its billingPeriod.start, else the key's folder names. */
  static Optional<String> period(JsonNode doc, String key) {
    String start = doc.path("billingPeriod").path("start").asText("");
    if (!start.isBlank()) {
      for (DateTimeFormatter format : List.of(CUR_MANIFEST_TIME, DateTimeFormatter.ISO_DATE_TIME, DateTimeFormatter.ISO_DATE)) {
        try {
          return Optional.of(YearMonth.from(format.parse(start)).toString());
        } catch (DateTimeParseException ignored) {
          // next format
        }
      }
    }
    Matcher m = BILLING_PERIOD_PATH.matcher(key);
    if (m.find()) {
      return Optional.of(m.group(1));
    }
    m = CUR_PERIOD_PATH.matcher(key);
    if (m.find()) {
      return Optional.of(YearMonth.from(LocalDate.parse(m.group(1), DateTimeFormatter.BASIC_ISO_DATE)).toString());
    }
    return Optional.empty();
  }

  static boolean isManifest(String key) {
    return key.toLowerCase(Locale.ROOT).endsWith("manifest.json");
  }

  /** Hidden or bookkeeping objects below the prefix ({@code _x}, {@code .x} segments), as for local inputs. */
  private static boolean hidden(S3Uri root, String key) {
    String relative = key.startsWith(root.key()) ? key.substring(root.key().length()) : key;
    return Stream.of(relative.split("/")).anyMatch(s -> s.startsWith("_") || s.startsWith("."));
  }

  private static int depth(String key) {
    return (int) key.chars().filter(c -> c == '/').count();
  }

  private List<S3Object> list(S3Uri root) {
    List<S3Object> out = new ArrayList<>();
    try {
      client().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(root.bucket()).prefix(root.key()).build())
          .contents()
          .forEach(o -> {
            String key = o.key();
            boolean under = root.key().isEmpty() || root.key().endsWith("/") || key.equals(root.key())
                || key.startsWith(root.key() + "/");
            if (under && !key.endsWith("/")) {
              out.add(o);
            }
          });
    } catch (SdkException e) {
      throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE, root + ": cannot list S3 objects: " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(S3Object::key));
    return out;
  }

  private S3Client client() {
    if (client == null) {
      S3ClientBuilder builder = S3Client.builder()
          .httpClient(UrlConnectionHttpClient.create())
          .forcePathStyle(settings.pathStyleAccess())
          .region(Region.of(settings.region().orElseGet(S3Inputs::chainRegion)));
      settings.endpoint().ifPresent(endpoint -> builder
          .endpointOverride(endpoint)
          // S3-compatible servers often lack the SDK's default flexible checksums: only where the API needs them
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
      client = builder.build();
    }
    return client;
  }

  private static String chainRegion() {
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
    } catch (SdkException e) {
      return S3Settings.FALLBACK_REGION;
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Closes the client and deletes what was staged. */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    for (Path dir : staged) {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // best effort: a leftover staging directory holds copies of input files only
        }
      }
    }
  }
}
