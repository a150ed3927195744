package io.aifocus.jobs;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach S3 for {@code s3://} source paths: overrides of the AWS SDK defaults. Credentials are never
 * configured here: they come from the SDK's default provider chain (environment, system properties, profile,
 * container or instance role), so they never appear in config files, logs or tables.
 *
 * @param endpoint an S3-compatible endpoint (MinIO, s3proxy, a VPC endpoint); empty = AWS' own
 * @param region the signing region; empty = the SDK's region chain ({@code AWS_REGION}, profile), else us-east-1
 * @param pathStyleAccess path-style addressing ({@code http://host/bucket/key}), needed by most S3-compatible servers
 */
public record S3Settings(Optional<URI> endpoint, Optional<String> region, boolean pathStyleAccess) {
  public static final S3Settings DEFAULT = new S3Settings(Optional.empty(), Optional.empty(), false);

  /** The region used when neither the config nor the SDK's chain gives one. */
  static final String FALLBACK_REGION = "us-east-1";

  /** The YAML shape of the {@code s3:} block (kebab-case keys). */
  record File(String endpoint, String region, Boolean pathStyleAccess) {
    S3Settings toSettings() {
      return new S3Settings(
          Optional.ofNullable(endpoint).filter(e -> !e.isBlank()).map(URI::create),
          Optional.ofNullable(region).filter(r -> !r.isBlank()),
          pathStyleAccess != null && pathStyleAccess);
    }
  }
}
