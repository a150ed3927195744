package io.aifocus.jobs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The analyst views (docs/analytics.md), each a plain Spark SQL file in {@code docs/sql/}, which the build
 * packages as the resource {@code aifocus/sql/<view>.sql} (one copy of the text). A file declares the
 * relations it reads in its header: {@code -- requires: a, b} (the view is skipped with a note when one is
 * missing) and {@code -- optional: name (col TYPE, ...)} (an empty relation of that shape stands in when missing).
 */
final class AnalystViews {
  /**
   * The view names, in the order they are registered and listed; the first six are a contract (issue 7), later views
   * are appended.
   */
  static final List<String> VIEWS = List.of(
      "v_cost_per_token", "v_daily_spend", "v_gpu_utilization", "v_spend_concentration", "v_cost_per_task",
      "v_savings_opportunities", "v_self_hosted_cost_per_token");

  private static final String RESOURCE_DIR = "aifocus/sql/";
  private static final String REQUIRES = "-- requires:";
  private static final String OPTIONAL = "-- optional:";
  private static final String CREATE = "CREATE OR REPLACE VIEW";

  /** One view file: its SQL text, the relations it needs, and the optional ones with their shape (DDL). */
  record ViewFile(String name, String sql, List<String> requires, Map<String, String> optional) {
    ViewFile {
      requireNonNull(name, "name is null");
      requireNonNull(sql, "sql is null");
      requires = List.copyOf(requires);
      optional = Map.copyOf(optional);
    }

    /** The statement as a session-scoped (temporary) view, so registering needs no catalog. */
    String temporaryViewSql() {
      int at = sql.indexOf(CREATE);
      return sql.substring(0, at) + "CREATE OR REPLACE TEMPORARY VIEW" + sql.substring(at + CREATE.length());
    }
  }

  /** What registering did: the views created and, for each skipped view, why. */
  record Registration(List<String> registered, List<String> notes) {
    Registration {
      registered = List.copyOf(registered);
      notes = List.copyOf(notes);
    }
  }

  private AnalystViews() {}

  static ViewFile load(String view) {
    String text;
    try (InputStream in = AnalystViews.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + view + ".sql")) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE_DIR + view + ".sql");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(view, text);
  }

  static ViewFile parse(String view, String text) {
    List<String> requires = new ArrayList<>();
    Map<String, String> optional = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith(REQUIRES)) {
        for (String name : line.substring(REQUIRES.length()).split(",")) {
          requires.add(name.strip());
        }
      } else if (line.startsWith(OPTIONAL)) {
        String rest = line.substring(OPTIONAL.length()).strip();
        int open = rest.indexOf('(');
        optional.put(rest.substring(0, open).strip(), rest.substring(open + 1, rest.lastIndexOf(')')).strip());
      }
    }
    if (!text.contains(CREATE + " " + view + " ")) {
      throw new IllegalStateException(view + ".sql must contain '" + CREATE + " " + view + " AS'");
    }
    return new ViewFile(view, text, requires, optional);
  }

  /**
   * Registers every analyst view whose required relations exist in the session (tables or temporary views,
   * e.g. those of {@link Warehouse#registerViews()}); a view with a missing relation is skipped with a note.
   */
  static Registration register(SparkSession spark) {
    List<String> registered = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String view : VIEWS) {
      ViewFile file = load(view);
      List<String> missing = file.requires().stream().filter(t -> !spark.catalog().tableExists(t)).toList();
      if (!missing.isEmpty()) {
        spark.catalog().dropTempView(view);
        notes.add(String.format(Locale.ROOT, "%s skipped: table %s does not exist in the warehouse yet", view,
            String.join(", ", missing)));
        continue;
      }
      file.optional().forEach((table, ddl) -> {
        if (!spark.catalog().tableExists(table)) {
          spark.createDataFrame(List.<org.apache.spark.sql.Row>of(), StructType.fromDDL(ddl)).createOrReplaceTempView(table);
        }
      });
      spark.sql(file.temporaryViewSql());
      registered.add(view);
    }
    return new Registration(registered, notes);
  }
}
