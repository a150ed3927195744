package io.aifocus.api.fs;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * The {@code file:} file system of aifocus sessions ({@code fs.file.impl}): Hadoop's checksummed local file system
 * over {@link ShellFreeRawLocalFileSystem}, so that creating files and directories starts no {@code chmod} process.
 */
public final class ShellFreeLocalFileSystem extends LocalFileSystem {
  public ShellFreeLocalFileSystem() {
    super(new ShellFreeRawLocalFileSystem());
  }
}
