package io.aifocus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.RawColumns;
import io.aifocus.api.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** JSON Lines with line numbers: fields, corrupt lines kept whole, blank lines skipped, one parse per line. */
class JsonLinesTest {
  private static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("gen_ai.usage.input_tokens", DataTypes.StringType, true),
      DataTypes.createStructField("tags", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)));

  @Test
  void fieldsCorruptLinesAndLineNumbers() throws IOException {
    Path file = SparkTestSession.newDirectory("jsonl").resolve("log.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"gen_ai.usage.input_tokens\":12,\"tags\":{\"team\":\"search\"}}\n"
        + "\n"
        + "[1,2]\n"
        + "{\"id\":\"b\",\"tags\":\"not a map\"}\n"
        + "{\"id\":\"c\"\n"
        + "  {\"id\":\"d\"}\n");
    Dataset<Row> rows = JsonLines.read(SparkTestSession.get(), file.toString(), SCHEMA);
    assertThat(rows.columns()).containsExactly("id", "gen_ai.usage.input_tokens", "tags",
        RawColumns.CORRUPT_RECORD, RawColumns.SOURCE_FILE, RawColumns.SOURCE_LINE);
    List<Row> all = rows.orderBy(RawColumns.SOURCE_LINE).collectAsList();
    assertThat(all).extracting(r -> r.<Long>getAs(RawColumns.SOURCE_LINE)).containsExactly(1L, 3L, 4L, 5L, 6L);
    Row a = all.get(0);
    assertThat(a.<String>getAs("id")).isEqualTo("a");
    assertThat(a.<String>getAs("gen_ai.usage.input_tokens")).isEqualTo("12");
    assertThat(a.<scala.collection.Map<String, String>>getAs("tags").get("team").get()).isEqualTo("search");
    assertThat(a.<String>getAs(RawColumns.CORRUPT_RECORD)).isNull();
    assertThat(a.<String>getAs(RawColumns.SOURCE_FILE)).isEqualTo(file.toString());
    // not an object, a field of the wrong type, a cut-off object: the line is the corrupt record, fields null
    assertThat(all.get(1).<String>getAs(RawColumns.CORRUPT_RECORD)).isEqualTo("[1,2]");
    assertThat(all.get(1).<String>getAs("id")).isNull();
    assertThat(all.get(2).<String>getAs(RawColumns.CORRUPT_RECORD)).isEqualTo("{\"id\":\"b\",\"tags\":\"not a map\"}");
    assertThat(all.get(3).<String>getAs(RawColumns.CORRUPT_RECORD)).isEqualTo("{\"id\":\"c\"");
    // leading blanks before the object are fine
    assertThat(all.get(4).<String>getAs("id")).isEqualTo("d");
    assertThat(all.get(4).<String>getAs(RawColumns.CORRUPT_RECORD)).isNull();
  }

  @Test
  void eachLineIsParsedOnceWhateverTheNumberOfFields() throws IOException {
    Path file = SparkTestSession.newDirectory("jsonl-plan").resolve("log.jsonl");
    Files.writeString(file, "{\"id\":\"a\"}\n");
    Dataset<Row> rows = JsonLines.read(SparkTestSession.get(), file.toString(), SCHEMA);
    // one from_json in the plan Spark runs, not one per field read from it
    String plan = rows.queryExecution().optimizedPlan().toString();
    int parses = plan.split("from_json\\(", -1).length - 1;
    assertThat(parses).isEqualTo(1);
  }
}
