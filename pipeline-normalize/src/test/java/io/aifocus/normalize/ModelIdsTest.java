package io.aifocus.normalize;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.api.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ModelIdsTest {
  private static final List<String[]> CASES = List.of(
      new String[] {"USE1-Claude3.5Sonnet-input-tokens", "claude3.5sonnet"},
      new String[] {"USW2-Claude3Haiku-output-tokens", "claude3haiku"},
      new String[] {"EU-TitanEmbeddingsG2-Text-input-tokens", "titanembeddingsg2-text"},
      new String[] {"USE1-Llama3-70B-cache-read-input-tokens", "llama3-70b"},
      new String[] {"anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307-v1-0"},
      new String[] {"gpt-4o-mini", "gpt-4o-mini"});

  @Test
  void javaAndSparkFormsAgree() {
    List<String> raw = CASES.stream().map(c -> c[0]).toList();
    List<Row> rows = SparkTestSession.get().createDataset(raw, Encoders.STRING()).toDF("u")
        .select(col("u"), ModelIds.fromUsageType(col("u"))).collectAsList();
    for (String[] c : CASES) {
      assertThat(ModelIds.normalize(c[0])).as(c[0]).isEqualTo(c[1]);
      Row row = rows.stream().filter(r -> r.getString(0).equals(c[0])).findFirst().orElseThrow();
      assertThat(row.getString(1)).as("Spark form of " + c[0]).isEqualTo(c[1]);
    }
  }
}
