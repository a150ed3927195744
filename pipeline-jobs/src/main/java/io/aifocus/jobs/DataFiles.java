package io.aifocus.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The data files of a table and how they spread over its partition directories: the small-file picture that
 * {@code aifocus bench} reports and {@code aifocus compact} changes.
 *
 * @param files data files
 * @param partitions directories holding them (1 for an unpartitioned table with files)
 * @param maxPerPartition the most files in one directory
 */
record DataFiles(int files, int partitions, int maxPerPartition) {
  /** The files of the Delta table's current snapshot at {@code table} (a path). */
  static DataFiles ofDelta(SparkSession spark, String table) {
    return of(Stream.of(spark.read().format("delta").load(table).inputFiles()).map(f -> f.replaceFirst("^file:", "")));
  }

  /** The {@code .parquet} files under {@code dir}. */
  static DataFiles ofDirectory(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return of(walk.filter(p -> p.toString().endsWith(".parquet")).map(Path::toString).toList().stream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DataFiles of(Stream<String> paths) {
    Map<String, Integer> perDir = new TreeMap<>();
    paths.forEach(p -> perDir.merge(p.substring(0, Math.max(0, p.lastIndexOf('/'))), 1, Integer::sum));
    int files = perDir.values().stream().mapToInt(Integer::intValue).sum();
    return new DataFiles(files, perDir.size(), perDir.values().stream().mapToInt(Integer::intValue).max().orElse(0));
  }
}
