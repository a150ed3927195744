package io.aifocus.api.fs;

import java.util.Map;

/** The Spark settings that give a session the shell-free local file system (docs/architecture.md, "Local files"). */
public final class LocalFileSystems {
  private LocalFileSystems() {}

  /**
   * {@code spark.hadoop.*} settings for {@code file:} paths: {@link ShellFreeLocalFileSystem} for Hadoop's
   * {@code FileSystem} API and {@link ShellFreeLocalFs} for its {@code FileContext} API.
   */
  public static Map<String, String> sparkSettings() {
    return Map.of(
        "spark.hadoop.fs.file.impl", ShellFreeLocalFileSystem.class.getName(),
        "spark.hadoop.fs.AbstractFileSystem.file.impl", ShellFreeLocalFs.class.getName());
  }
}
