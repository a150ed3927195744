package io.aifocus.api.fs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system with the two calls that start a process done in Java instead.
 *
 * <p>Without Hadoop's native library (the usual case for a Spark local-mode install), {@link RawLocalFileSystem} sets
 * the permissions of every file and directory it creates by running {@code chmod}, and resolves links by running
 * {@code readlink}. From a JVM with a large heap each such process costs about 16 ms on the machine of
 * docs/benchmarks.md; a Delta write of 36 partitions starts about 250 of them. Here {@link #setPermission} uses
 * {@link Files#setPosixFilePermissions} and {@link #getFileLinkStatus} asks {@link Files#isSymbolicLink} first; a
 * file system without POSIX permissions, a sticky bit and an actual link keep Hadoop's own route.
 */
final class ShellFreeRawLocalFileSystem extends RawLocalFileSystem {
  @Override
  public void setPermission(Path path, FsPermission permission) throws IOException {
    File file = pathToFile(path);
    if (permission.getStickyBit()) {
      super.setPermission(path, permission);
      return;
    }
    try {
      Files.setPosixFilePermissions(file.toPath(), posix(permission));
    } catch (UnsupportedOperationException e) {
      super.setPermission(path, permission); // no POSIX permissions here (Windows): Hadoop's route
    }
  }

  @Override
  public FileStatus getFileLinkStatus(Path path) throws IOException {
    if (Files.isSymbolicLink(pathToFile(path).toPath())) {
      return super.getFileLinkStatus(path);
    }
    // what Hadoop returns for a path that is not a link: its status (FileNotFoundException when it is absent)
    return getFileStatus(path);
  }

  /** The permission's nine {@code rwx} flags (the sticky bit never gets here). */
  private static Set<PosixFilePermission> posix(FsPermission permission) {
    return PosixFilePermissions.fromString(permission.getUserAction().SYMBOL + permission.getGroupAction().SYMBOL
        + permission.getOtherAction().SYMBOL);
  }
}
