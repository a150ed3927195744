package io.aifocus.api.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifocus.api.SparkTestSession;
import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.AbstractFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellFreeLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  private static RawLocalFileSystem initialized(RawLocalFileSystem fs) throws java.io.IOException {
    fs.initialize(URI.create("file:///"), new Configuration(false));
    return fs;
  }

  @Test
  void setsThePermissionsHadoopsChmodSets() throws Exception {
    RawLocalFileSystem hadoop = initialized(new RawLocalFileSystem());
    RawLocalFileSystem shellFree = initialized(new ShellFreeRawLocalFileSystem());
    // what Hadoop and Spark ask for (0644 files, 0755 directories, 0700 staging, with and without the umask 022)
    for (String octal : List.of("644", "755", "700", "600", "777", "640", "750", "444", "000")) {
      FsPermission permission = new FsPermission(Short.parseShort(octal, 8));
      java.nio.file.Path byHadoop = Files.createFile(dir.resolve("hadoop-" + octal));
      java.nio.file.Path byShellFree = Files.createFile(dir.resolve("shell-free-" + octal));
      hadoop.setPermission(new Path(byHadoop.toUri()), permission);
      shellFree.setPermission(new Path(byShellFree.toUri()), permission);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(byShellFree))).as(octal)
          .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(byHadoop)))
          .isEqualTo(permission.toString().substring(0, 9));
    }
  }

  @Test
  void linkStatusIsHadoopsForAFileALinkAndAnAbsentPath() throws Exception {
    RawLocalFileSystem hadoop = initialized(new RawLocalFileSystem());
    RawLocalFileSystem shellFree = initialized(new ShellFreeRawLocalFileSystem());
    java.nio.file.Path file = Files.writeString(dir.resolve("part-0.parquet"), "12345");
    java.nio.file.Path link = Files.createSymbolicLink(dir.resolve("latest"), file);
    for (java.nio.file.Path path : List.of(file, link, dir)) {
      FileStatus expected = hadoop.getFileLinkStatus(new Path(path.toUri()));
      FileStatus actual = shellFree.getFileLinkStatus(new Path(path.toUri()));
      assertThat(actual.getPath()).as(path.toString()).isEqualTo(expected.getPath());
      assertThat(actual.isFile()).as(path.toString()).isEqualTo(expected.isFile());
      assertThat(actual.isDirectory()).as(path.toString()).isEqualTo(expected.isDirectory());
      assertThat(actual.isSymlink()).as(path.toString()).isEqualTo(expected.isSymlink());
      assertThat(actual.getLen()).as(path.toString()).isEqualTo(expected.getLen());
      assertThat(actual.getModificationTime()).as(path.toString()).isEqualTo(expected.getModificationTime());
    }
    assertThat(shellFree.getFileLinkStatus(new Path(file.toUri())).getLen()).isEqualTo(5);
    Path absent = new Path(dir.resolve("absent").toUri());
    assertThatThrownBy(() -> hadoop.getFileLinkStatus(absent)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> shellFree.getFileLinkStatus(absent)).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void theSessionsFileSystemsAreTheShellFreeOnesAndWriteTables() throws Exception {
    var spark = SparkTestSession.get();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    assertThat(FileSystem.get(URI.create("file:///"), conf)).isInstanceOf(ShellFreeLocalFileSystem.class);
    assertThat(AbstractFileSystem.get(URI.create("file:///"), conf)).isInstanceOf(ShellFreeLocalFs.class);

    // a partitioned Delta table written and read back through them: the log through FileContext, the data files
    // and partition directories through FileSystem, each with Hadoop's default permissions
    String table = dir.resolve("table").toString();
    spark.sql("SELECT id, CAST(id % 2 AS STRING) AS team FROM range(10)").write().format("delta")
        .partitionBy("team").save(table);
    spark.sql("SELECT id, CAST(id % 2 AS STRING) AS team FROM range(10, 12)").write().format("delta")
        .mode("append").save(table);
    assertThat(spark.read().format("delta").load(table).selectExpr("sum(id)").first().getLong(0)).isEqualTo(66L);
    java.nio.file.Path partition = dir.resolve("table/team=1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(partition))).isEqualTo("rwxr-xr-x");
    try (var files = Files.list(partition)) {
      java.nio.file.Path dataFile = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataFile))).isEqualTo("rw-r--r--");
    }
    assertThat(dir.resolve("table/_delta_log/00000000000000000001.json")).exists();
  }
}
