package io.aifocus.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SourceSpec;
import io.aifocus.api.credits.Commitment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one run does: where the warehouse is, which sources to read, how to attribute teams.
 *
 * <p>Precedence: command-line options override the YAML file, which overrides the defaults. YAML keys are
 * kebab-case (see docs/config.md):
 *
 * <pre>
 * warehouse: ./warehouse
 * team-tag-keys: [team, Team, user:team, user_team, owner]
 * price-book: ./llm/price-book.csv
 * s3:                      # optional overrides for s3:// paths (credentials: the AWS default chain)
 *   endpoint: http://127.0.0.1:9000
 *   region: eu-west-1
 *   path-style-access: true
 * commitments: ./credits/grants.csv   # or a YAML list of grants (docs/credits.md)
 * sources:
 *   - kind: aws-cur
 *     path: s3://billing/cur/
 * gpu-clusters:
 *   - name: gpu-prod
 *     kube-state-metrics: /data/metrics/ksm/
 *     dcgm: /data/metrics/dcgm/
 *     node-prices: ./opencost-pricing.csv
 *     method: gpu-request-time
 *     idle: separate
 * </pre>
 */
public record JobConfig(
    String warehouse,
    List<SourceSpec> sources,
    List<String> teamTagKeys,
    Optional<String> priceBook,
    RunScope scope,
    S3Settings s3,
    List<GpuClusterConfig> gpuClusters,
    List<Commitment> commitments,
    FxRates fx) {
  public static final String DEFAULT_WAREHOUSE = "warehouse";
  /** Source option (and top-level key) naming the LLM price book file; see docs/pricing.md. */
  public static final String PRICE_BOOK_OPTION = "price-book";

  public JobConfig {
    requireNonNull(warehouse, "warehouse is null");
    sources = List.copyOf(sources);
    teamTagKeys = List.copyOf(teamTagKeys);
    requireNonNull(priceBook, "priceBook is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(s3, "s3 is null");
    gpuClusters = List.copyOf(gpuClusters);
    commitments = List.copyOf(commitments);
    requireNonNull(fx, "fx is null");
  }

  /** A run without an FX table (no reporting-currency conversion). */
  public JobConfig(String warehouse, List<SourceSpec> sources, List<String> teamTagKeys, Optional<String> priceBook,
      RunScope scope, S3Settings s3, List<GpuClusterConfig> gpuClusters, List<Commitment> commitments) {
    this(warehouse, sources, teamTagKeys, priceBook, scope, s3, gpuClusters, commitments, FxRates.NONE);
  }

  /** The same run converting to a reporting currency with {@code rates}. */
  JobConfig withFx(FxRates rates) {
    return new JobConfig(warehouse, sources, teamTagKeys, priceBook, scope, s3, gpuClusters, commitments, rates);
  }

  /** A run over every billing period of its inputs, with the SDK's S3 defaults, no GPU clusters, no grants. */
  public JobConfig(String warehouse, List<SourceSpec> sources, List<String> teamTagKeys, Optional<String> priceBook) {
    this(warehouse, sources, teamTagKeys, priceBook, RunScope.ALL, S3Settings.DEFAULT, List.of(), List.of());
  }

  /** A run limited to {@code scope}, with the SDK's S3 defaults, no GPU clusters, no grants. */
  public JobConfig(
      String warehouse, List<SourceSpec> sources, List<String> teamTagKeys, Optional<String> priceBook, RunScope scope) {
    this(warehouse, sources, teamTagKeys, priceBook, scope, S3Settings.DEFAULT, List.of(), List.of());
  }

  /** A run over every billing period with these GPU clusters. */
  public JobConfig(String warehouse, List<SourceSpec> sources, List<String> teamTagKeys, Optional<String> priceBook,
      List<GpuClusterConfig> gpuClusters) {
    this(warehouse, sources, teamTagKeys, priceBook, RunScope.ALL, S3Settings.DEFAULT, gpuClusters, List.of());
  }

  /** A run without prepaid grants. */
  public JobConfig(String warehouse, List<SourceSpec> sources, List<String> teamTagKeys, Optional<String> priceBook,
      RunScope scope, S3Settings s3, List<GpuClusterConfig> gpuClusters) {
    this(warehouse, sources, teamTagKeys, priceBook, scope, s3, gpuClusters, List.of());
  }

  /** The same run writing into another warehouse. */
  public JobConfig withWarehouse(String otherWarehouse) {
    return new JobConfig(otherWarehouse, sources, teamTagKeys, priceBook, scope, s3, gpuClusters, commitments, fx);
  }

  public JobConfig(String warehouse, List<SourceSpec> sources, List<String> teamTagKeys) {
    this(warehouse, sources, teamTagKeys, Optional.empty());
  }

  /** The same run limited to the billing periods of {@code runScope} (--period, --since). */
  public JobConfig withScope(RunScope runScope) {
    return new JobConfig(warehouse, sources, teamTagKeys, priceBook, runScope, s3, gpuClusters, commitments, fx);
  }

  /** The prepaid grants among the commitments (credits, token packs). */
  public List<io.aifocus.api.credits.Grant> grants() {
    return commitments.stream().filter(io.aifocus.api.credits.Grant.class::isInstance)
        .map(io.aifocus.api.credits.Grant.class::cast).toList();
  }

  /** The price book of one source: its own {@code price-book} option, else the run's. */
  public Optional<String> priceBookOf(SourceSpec spec) {
    return Optional.ofNullable(spec.options().get(PRICE_BOOK_OPTION)).or(() -> priceBook);
  }

  /**
   * The YAML file's shape; unknown keys are errors, so a typo never goes unnoticed. The {@code analytics}
   * section is read by {@link AnalyticsConfig#fromYaml}.
   */
  record File(String warehouse, List<SourceEntry> sources, List<String> teamTagKeys, String priceBook,
      S3Settings.File s3, JsonNode analytics, List<GpuClusterConfig.Entry> gpuClusters, JsonNode commitments,
      String fxRates, String reportingCurrency) {}

  record SourceEntry(String kind, String path, Map<String, String> options) {}

  /** Reads a local YAML config file; relative source paths resolve against the file's directory. */
  public static JobConfig fromYaml(Path file) {
    return parse(file.toString(), file.toAbsolutePath().getParent().toString(), () -> Files.newInputStream(file));
  }

  /**
   * Reads a YAML config file from a local path or any Hadoop file system URI ({@code s3a://bucket/aifocus.yaml},
   * {@code file:///etc/aifocus.yaml}); relative paths in it resolve against the file's directory.
   */
  public static JobConfig fromYaml(String location, org.apache.hadoop.conf.Configuration hadoop) {
    if (!isUri(location)) {
      return fromYaml(Path.of(location));
    }
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(location);
    return parse(location, file.getParent().toString(), () -> file.getFileSystem(hadoop).open(file));
  }

  /** Whether a location names its file system ({@code s3a://...}, {@code file:/...}) rather than a local path. */
  static boolean isUri(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*") && !Path.of(location).isAbsolute();
  }

  private interface Opener {
    InputStream open() throws IOException;
  }

  private static JobConfig parse(String file, String base, Opener opener) {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true); // amounts never pass through double
    File parsed;
    try (InputStream in = opener.open()) {
      parsed = yaml.readValue(in, File.class);
    } catch (JsonMappingException e) {
      throw new PipelineException(
          PipelineErrorCode.INVALID_CONFIG, file + ": " + e.getOriginalMessage() + " at " + location(e));
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": cannot read config: " + e.getMessage(), e);
    }
    if (parsed == null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": config file is empty");
    }
    List<SourceSpec> specs = new ArrayList<>();
    if (parsed.sources() != null) {
      for (int i = 0; i < parsed.sources().size(); i++) {
        SourceEntry entry = parsed.sources().get(i);
        if (entry.kind() == null || entry.path() == null) {
          throw new PipelineException(
              PipelineErrorCode.INVALID_CONFIG, file + ": sources[" + i + "] needs both 'kind' and 'path'");
        }
        Map<String, String> options = entry.options() == null ? new java.util.HashMap<>() : new java.util.HashMap<>(entry.options());
        options.computeIfPresent(PRICE_BOOK_OPTION, (k, v) -> resolve(base, v));
        specs.add(new SourceSpec(SourceKind.fromId(entry.kind()), resolve(base, entry.path()), options));
      }
    }
    String warehouse = parsed.warehouse() == null ? DEFAULT_WAREHOUSE : resolve(base, parsed.warehouse());
    List<String> keys = parsed.teamTagKeys() == null ? NormalizeContext.DEFAULT_TEAM_TAG_KEYS : parsed.teamTagKeys();
    Optional<String> priceBook = Optional.ofNullable(parsed.priceBook()).map(p -> resolve(base, p));
    S3Settings s3 = parsed.s3() == null ? S3Settings.DEFAULT : parsed.s3().toSettings();
    List<GpuClusterConfig> gpu = new ArrayList<>();
    if (parsed.gpuClusters() != null) {
      for (int i = 0; i < parsed.gpuClusters().size(); i++) {
        gpu.add(GpuClusterConfig.of(file, i, parsed.gpuClusters().get(i), base));
      }
    }
    if (parsed.reportingCurrency() != null && parsed.fxRates() == null) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG,
          file + ": reporting-currency needs an fx-rates table (month,from,to,rate CSV)");
    }
    FxRates fx = parsed.fxRates() == null ? FxRates.NONE : FxRates.load(Path.of(resolve(base, parsed.fxRates())),
        parsed.reportingCurrency() == null ? FxRates.DEFAULT_REPORTING_CURRENCY : parsed.reportingCurrency());
    return new JobConfig(warehouse, specs, keys, priceBook, RunScope.ALL, s3, gpu,
        Commitments.parse(parsed.commitments(), file, base), fx);
  }

  /** {@code KIND[OPTIONS]=PATH}: a kebab-case kind, optional {@code [key=value,...]}, {@code =}, the path. */
  private static final java.util.regex.Pattern SOURCE_ARGUMENT =
      java.util.regex.Pattern.compile("^([A-Za-z0-9-]+)(?:\\[([^\\]]*)\\])?=(.+)$");

  /**
   * Parses {@code KIND=PATH} or {@code KIND[key=value,key=value]=PATH} from the command line: the options in brackets
   * are the source's options, as {@code sources[].options} of the YAML file (e.g. {@code
   * aws-cur[source-extras=ignore]=./cur/}); a value cannot hold a comma or a closing bracket.
   */
  public static SourceSpec parseSource(String value) {
    java.util.regex.Matcher m = SOURCE_ARGUMENT.matcher(value);
    if (!m.matches()) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--source expects KIND=PATH or KIND[OPTION=VALUE,...]=PATH"
          + " (kinds: " + SourceKind.knownIds() + "), got '" + value + "'");
    }
    SourceKind kind = SourceKind.fromId(m.group(1));
    Map<String, String> options = new java.util.LinkedHashMap<>();
    if (m.group(2) != null) {
      for (String option : m.group(2).split(",", -1)) {
        int eq = option.indexOf('=');
        String key = eq < 0 ? "" : option.substring(0, eq).strip();
        if (key.isEmpty() || options.containsKey(key)) {
          throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, "--source " + value + ": option '" + option
              + "' is not KEY=VALUE or repeats a key; write KIND[KEY=VALUE,KEY=VALUE]=PATH");
        }
        options.put(key, option.substring(eq + 1).strip());
      }
    }
    return new SourceSpec(kind, m.group(3), options);
  }

  static String resolve(String base, String path) {
    if (isUri(path) || Path.of(path).isAbsolute()) {
      return path;
    }
    if (isUri(base)) {
      return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(base), path.replaceFirst("^(\\./)+", "")).toString();
    }
    return Path.of(base).resolve(path).normalize().toString();
  }

  private static String location(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.length() == 0 ? "top level" : "'" + out + "'";
  }
}
