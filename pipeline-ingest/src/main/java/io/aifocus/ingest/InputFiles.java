package io.aifocus.ingest;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.SparkSession;

/** Lists the data files behind a user path (file, directory or glob; any Hadoop file system). */
public final class InputFiles {
  private InputFiles() {}

  /** Supported file formats, decided by file name. */
  public enum Format {
    CSV,
    PARQUET,
    JSON
  }

  /**
   * Every data file under {@code path}, sorted by name; hidden files ({@code _x}, {@code .x}) and
   * manifests are skipped. Fails when nothing matches.
   */
  public static List<String> list(SparkSession spark, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(path);
    List<String> files = new ArrayList<>();
    // paths come back in the form the user gave: scheme-less local paths stay scheme-less
    boolean qualified = root.toUri().getScheme() != null;
    try {
      FileSystem fs = root.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(root);
      if (matches == null || matches.length == 0) {
        throw new PipelineException(PipelineErrorCode.INPUT_NOT_FOUND, path + ": no such file or directory");
      }
      for (FileStatus match : matches) {
        if (match.isFile()) {
          files.add(display(match.getPath(), qualified));
          continue;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(match.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus status = it.next();
          if (isDataFile(match.getPath(), status.getPath())) {
            files.add(display(status.getPath(), qualified));
          }
        }
      }
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.UNREADABLE_FILE, path + ": cannot list input: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new PipelineException(PipelineErrorCode.INPUT_NOT_FOUND, path + ": directory contains no data files");
    }
    files.sort(Comparator.naturalOrder());
    return List.copyOf(files);
  }

  private static String display(Path path, boolean qualified) {
    return qualified ? path.toString() : Path.getPathWithoutSchemeAndAuthority(path).toString();
  }

  private static boolean isDataFile(Path root, Path file) {
    // skip hidden files and directories below the root (Spark/Hadoop markers, checksums, manifests)
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return false;
      }
    }
    String name = file.getName().toLowerCase(Locale.ROOT);
    return !name.endsWith("manifest.json") && !name.endsWith(".crc");
  }

  /** The format of a file by its name; fails for anything else. */
  public static Format formatOf(String file) {
    String name = file.toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    } else if (name.endsWith(".snappy.parquet")) {
      return Format.PARQUET;
    }
    if (name.endsWith(".csv") || name.endsWith(".txt")) {
      return Format.CSV;
    }
    if (name.endsWith(".parquet") || name.endsWith(".pq")) {
      return Format.PARQUET;
    }
    if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return Format.JSON;
    }
    throw new PipelineException(
        PipelineErrorCode.UNSUPPORTED_FILE_FORMAT,
        file + ": unsupported file type (expected .csv, .csv.gz, .parquet, .json or .jsonl)");
  }

  /**
   * Opens a file through its Hadoop file system, decompressed by the codec its name gives ({@code .gz}, ...) when it
   * has one. Closing the stream closes the file.
   */
  public static InputStream open(Configuration conf, String file) throws IOException {
    Path path = new Path(file);
    InputStream raw = path.getFileSystem(conf).open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    if (codec == null) {
      return raw;
    }
    try {
      return codec.createInputStream(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
