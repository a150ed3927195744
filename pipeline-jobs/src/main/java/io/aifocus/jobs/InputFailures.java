package io.aifocus.jobs;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.SparkThrowable;

/**
 * Turns Spark's failure to read an input file into AIF-1006 naming the file. Spark finds a corrupt gzip
 * stream or a truncated Parquet file only while a job scans it (or reads the footer), deep inside the run;
 * it reports the file through its {@code FAILED_READ_FILE.*} error condition, which this reads.
 */
final class InputFailures {
  private static final String FAILED_READ_FILE = "FAILED_READ_FILE";

  private InputFailures() {}

  /** {@code e} as an AIF-1006 job error when it is (caused by) a file Spark could not read. */
  static Optional<PipelineException> unreadableFile(Throwable e) {
    if (e instanceof PipelineException) {
      return Optional.empty();
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable spark && spark.getCondition() != null
          && spark.getCondition().startsWith(FAILED_READ_FILE)) {
        Map<String, String> parameters = spark.getMessageParameters();
        String path = parameters == null ? null : parameters.get("path");
        if (path == null) {
          continue;
        }
        return Optional.of(new PipelineException(PipelineErrorCode.UNREADABLE_FILE,
            displayPath(path) + ": cannot read the file (" + reason(spark.getCondition(), t) + ")", e));
      }
    }
    return Optional.empty();
  }

  /** Local paths as users wrote them (Spark reports {@code file:/...} URIs). */
  private static String displayPath(String path) {
    return path.startsWith("file:") ? path.replaceFirst("^file:(//)?", "") : path;
  }

  /** The innermost cause (e.g. "java.io.EOFException: Unexpected end of input stream"), else the condition. */
  private static String reason(String condition, Throwable readFailure) {
    Throwable root = readFailure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root == readFailure) {
      return condition;
    }
    return condition + ": " + root.getClass().getSimpleName() + ": " + Objects.toString(root.getMessage(), "");
  }
}
