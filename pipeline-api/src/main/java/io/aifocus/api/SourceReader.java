package io.aifocus.api;

import org.apache.spark.sql.SparkSession;

/**
 * Reads the files of one source kind. Implementations live in pipeline-ingest.
 *
 * <p>Requirements and guarantees of {@link #load}: reads every file the spec names (a directory is read
 * recursively); fails with a {@link PipelineException} naming the file and column when a file cannot be
 * read, has a malformed header or lacks a required column; never drops a row: a record Spark cannot parse
 * is kept with {@link RawColumns#CORRUPT_RECORD} set; every row carries {@link RawColumns#SOURCE_FILE}.
 */
public interface SourceReader {
  SourceKind kind();

  RawInput load(SparkSession spark, SourceSpec spec);
}
