package io.aifocus.ingest.k8s;

import static org.apache.spark.sql.functions.col;

import io.aifocus.api.RawColumns;
import io.aifocus.ingest.InputFiles;
import io.aifocus.schema.source.PrometheusColumns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads Prometheus-format files (text exposition scrapes or HTTP API query responses, told apart per file by
 * their first character) into the long raw layout of sources/prometheus.yaml, one row per sample. Scale: each
 * file is read whole by Spark's text source and parsed inside one task (files are per scrape or per query
 * window, so they stay small); many files parse in parallel. A line that is not valid exposition syntax becomes
 * a row with null sample columns and its text in {@link RawColumns#CORRUPT_RECORD}; so does a sample without a
 * timestamp when no scrape time is given. Timestamps are {@link Instant}s (aifocus sessions enable the Java 8 time API).
 */
public final class PrometheusReader {
  private PrometheusReader() {}

  /** Columns of the raw layout: the sample columns, then corrupt record, file and line. */
  public static StructType schema() {
    List<StructField> fields = new ArrayList<>(PrometheusColumns.fields());
    fields.add(DataTypes.createStructField(RawColumns.CORRUPT_RECORD, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_FILE, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(RawColumns.SOURCE_LINE, DataTypes.LongType, true));
    return DataTypes.createStructType(fields);
  }

  /** The raw rows of every file under {@code path} and the list of files read. */
  public record Result(Dataset<Row> rows, List<String> files) {}

  /**
   * @param scrapeTime the time of samples whose line carries no timestamp (a single scrape saved to a file)
   */
  public static Result read(SparkSession spark, String path, Optional<Instant> scrapeTime) {
    List<String> files = InputFiles.list(spark, path);
    Dataset<Row> all = null;
    for (String file : files) {
      Dataset<Row> rows = spark.read().option("wholetext", "true").text(file).select(col("value"))
          .flatMap(new ParseFile(file, scrapeTime.orElse(null)), Encoders.row(schema()));
      all = all == null ? rows : all.unionAll(rows);
    }
    return new Result(all, files);
  }

  /** Parses one whole file (runs in a task). */
  private static final class ParseFile implements FlatMapFunction<Row, Row> {
    private final String file;
    private final Instant scrapeTime;

    ParseFile(String file, Instant scrapeTime) {
      this.file = file;
      this.scrapeTime = scrapeTime;
    }

    @Override
    public Iterator<Row> call(Row whole) {
      List<Row> out = new ArrayList<>();
      String content = whole.getString(0);
      if (content.startsWith("\uFEFF")) {
        content = content.substring(1);
      }
      PrometheusFormat.parse(content, new PrometheusFormat.Sink() {
        @Override
        public void sample(PrometheusFormat.Sample s) {
          Optional<Instant> time = s.time().or(() -> Optional.ofNullable(scrapeTime));
          if (time.isEmpty()) {
            out.add(RowFactory.create(null, null, null, null,
                s.metric() + " (line without timestamp; set the scrape-time option for a scrape file)", file, s.line()));
            return;
          }
          out.add(RowFactory.create(s.metric(), scala.jdk.javaapi.CollectionConverters.asScala(new LinkedHashMap<>(s.labels())),
              time.get(), s.value(), null, file, s.line()));
        }

        @Override
        public void problem(PrometheusFormat.Problem p) {
          out.add(RowFactory.create(null, null, null, null, p.message() + ": " + p.text(), file, p.line()));
        }
      });
      return out.iterator();
    }
  }
}
