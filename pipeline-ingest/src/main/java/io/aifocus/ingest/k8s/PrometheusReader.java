package io.aifocus.ingest.k8s;

import static org.apache.spark.sql.functions.col;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.api.RawColumns;
import io.aifocus.ingest.InputFiles;
import io.aifocus.schema.source.PrometheusColumns;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads Prometheus-format files (text exposition scrapes or HTTP API query responses, told apart per file by
 * their first non-blank character) into the long raw layout of sources/prometheus.yaml, one row per sample.
 *
 * <p>Scale: all files are one Spark scan (Spark's binary file source, without the content column: it lists the
 * files, packs them into tasks by size and tells the planner their size), so a month of per-scrape or per-day
 * files plans as one scan, not a union per file. A task opens each of its files through the Hadoop file system
 * (compressed files by their codec, e.g. {@code .gz}) and parses a text exposition line by line as it streams it:
 * a task holds one line, not the file, so a file of any size parses in bounded memory. A JSON API response is one
 * document and is read whole. A line that is not valid exposition syntax becomes a row
 * with null sample columns and its text in {@link RawColumns#CORRUPT_RECORD}; so does a sample without a timestamp
 * when no scrape time is given. A file that cannot be read fails the job naming it. Timestamps are
 * {@link Instant}s (aifocus sessions enable the Java 8 time API).
 */
public final class PrometheusReader {
  /** Bytes looked at to tell a JSON document from a text exposition (leading blanks, then '{' or not). */
  private static final int SNIFF_BYTES = 1 << 20;

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
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    // Spark's binary file source lists, sizes and packs the files into tasks, and gives the plan their sizes
    // (so joins with these rows are planned by size); without its content column it opens no file itself
    Map<String, String> asListed = new HashMap<>();
    for (String file : files) {
      Path p = new Path(file);
      try {
        asListed.put(p.getFileSystem(hadoop).makeQualified(p).toString(), file);
      } catch (IOException e) {
        throw unreadable(file, e);
      }
    }
    Broadcast<SerializableConfiguration> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(hadoop));
    Dataset<Row> rows = spark.read().format("binaryFile").load(files.toArray(String[]::new))
        .select(col("path"))
        .flatMap(new ParseFile(conf, asListed, scrapeTime.orElse(null)), Encoders.row(schema()));
    return new Result(rows, files);
  }

  /** Parses the files of a task, one after the other, streaming each (runs in a task). */
  private static final class ParseFile implements FlatMapFunction<Row, Row> {
    private final Broadcast<SerializableConfiguration> conf;
    private final Map<String, String> asListed;
    private final Instant scrapeTime;

    ParseFile(Broadcast<SerializableConfiguration> conf, Map<String, String> asListed, Instant scrapeTime) {
      this.conf = conf;
      this.asListed = asListed;
      this.scrapeTime = scrapeTime;
    }

    @Override
    public Iterator<Row> call(Row row) {
      String qualified = row.getString(0);
      String file = asListed.getOrDefault(qualified, qualified);
      BufferedInputStream in = open(qualified, file, conf.value().value());
      TaskContext task = TaskContext.get();
      if (task != null) {
        // closes a file the task stopped reading early (a limit, a failure); closing twice is harmless
        task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> closeQuietly(in));
      }
      try {
        if (isJson(in)) {
          String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          closeQuietly(in);
          List<Row> out = new ArrayList<>();
          PrometheusFormat.parseQueryResponse(withoutBom(content), new RowSink(file, scrapeTime, out::add));
          return out.iterator();
        }
        return new TextRows(file, scrapeTime, new InputStreamReader(in, StandardCharsets.UTF_8), in);
      } catch (IOException e) {
        closeQuietly(in);
        throw unreadable(file, e);
      }
    }
  }

  private static BufferedInputStream open(String qualified, String file, Configuration conf) {
    try {
      return new BufferedInputStream(InputFiles.open(conf, qualified), 1 << 16);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static PipelineException unreadable(String file, IOException e) {
    return new PipelineException(PipelineErrorCode.UNREADABLE_FILE,
        file + ": cannot read the file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
  }

  /** True when the first non-blank character (after a byte order mark) is '{': an API response. */
  private static boolean isJson(BufferedInputStream in) throws IOException {
    in.mark(SNIFF_BYTES);
    try {
      int b = in.read();
      if (b == 0xEF && in.read() == 0xBB && in.read() == 0xBF) {
        b = in.read();
      }
      for (int n = 0; b != -1 && n < SNIFF_BYTES - 4; n++, b = in.read()) {
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x0B) {
          return b == '{';
        }
      }
      return false;
    } finally {
      in.reset();
    }
  }

  private static String withoutBom(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the rows are read; a failing close loses nothing
    }
  }

  /** Turns samples and problems into raw rows. */
  private record RowSink(String file, Instant scrapeTime, java.util.function.Consumer<Row> out)
      implements PrometheusFormat.Sink {
    @Override
    public void sample(PrometheusFormat.Sample s) {
      Optional<Instant> time = s.time().or(() -> Optional.ofNullable(scrapeTime));
      if (time.isEmpty()) {
        out.accept(RowFactory.create(null, null, null, null,
            s.metric() + " (line without timestamp; set the scrape-time option for a scrape file)", file, s.line()));
        return;
      }
      out.accept(RowFactory.create(s.metric(), scala.jdk.javaapi.CollectionConverters.asScala(new LinkedHashMap<>(s.labels())),
          time.get(), s.value(), null, file, s.line()));
    }

    @Override
    public void problem(PrometheusFormat.Problem p) {
      out.accept(RowFactory.create(null, null, null, null, p.message() + ": " + p.text(), file, p.line()));
    }
  }

  /**
   * The rows of a text exposition, parsed as the lines are read. Lines end at {@code \n} only, as in
   * {@link PrometheusFormat#parseText} (a {@code \r} before it is dropped there).
   */
  private static final class TextRows implements Iterator<Row> {
    private final String file;
    private final Reader reader;
    private final InputStream in;
    private final ArrayDeque<Row> ready = new ArrayDeque<>(2);
    private final RowSink sink;
    private final char[] buffer = new char[1 << 14];
    private final StringBuilder line = new StringBuilder();
    private int pos;
    private int limit;
    private long lineNo;
    private boolean done;

    TextRows(String file, Instant scrapeTime, Reader reader, InputStream in) {
      this.file = file;
      this.reader = reader;
      this.in = in;
      this.sink = new RowSink(file, scrapeTime, ready::add);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !done) {
        String next = readLine();
        if (next == null) {
          done = true;
          closeQuietly(in);
          break;
        }
        lineNo++;
        PrometheusFormat.parseTextLine(lineNo == 1 ? withoutBom(next) : next, lineNo, sink);
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    /** The next line without its {@code \n}; null at the end (text after the last {@code \n} is a line). */
    private String readLine() {
      line.setLength(0);
      boolean any = false;
      while (true) {
        if (pos == limit) {
          try {
            limit = reader.read(buffer);
          } catch (IOException e) {
            throw unreadable(file, e);
          }
          pos = 0;
          if (limit <= 0) {
            limit = 0;
            // a file ending in \n (or empty) has no line after it that could hold a sample
            return any ? line.toString() : null;
          }
        }
        any = true;
        int start = pos;
        while (pos < limit && buffer[pos] != '\n') {
          pos++;
        }
        line.append(buffer, start, pos - start);
        if (pos < limit) {
          pos++; // the \n
          return line.toString();
        }
      }
    }
  }
}
