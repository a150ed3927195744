package io.aifocus.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifocus.api.CsvRecords;
import io.aifocus.api.SparkTestSession;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark generator: same seed → same bytes, exact row counts, totals that an independent reader finds. */
class BenchDataTest {
  @TempDir Path dir;

  @Test
  void curCsvIsDeterministicAndItsTotalIsTheSumOfItsCells() throws Exception {
    BenchData.Generated a = BenchData.curCsv(dir.resolve("a.csv"), 2_000, 7);
    BenchData.Generated b = BenchData.curCsv(dir.resolve("b.csv"), 2_000, 7);
    BenchData.Generated other = BenchData.curCsv(dir.resolve("c.csv"), 2_000, 8);
    assertThat(a.sha256()).isEqualTo(b.sha256()).isEqualTo(BenchData.sha256(a.file())).isNotEqualTo(other.sha256());
    assertThat(Files.readAllBytes(a.file())).isEqualTo(Files.readAllBytes(b.file()));

    List<Map<String, String>> records = CsvRecords.read(a.file());
    assertThat(records).hasSize(2_000);
    assertThat(a.rows()).isEqualTo(2_000);
    assertThat(CsvRecords.header(a.file())).isEqualTo(BenchData.LEGACY_HEADER);
    BigDecimal sum = records.stream().map(r -> new BigDecimal(r.get("lineItem/UnblendedCost")))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(a.billedTotal()).isEqualByComparingTo(sum);
    assertThat(a.billedTotal().scale()).isEqualTo(12);
    // realistic mix: several accounts, Bedrock token rows with a model tag, GPU instances, untagged rows, credits
    assertThat(records.stream().map(r -> r.get("lineItem/UsageAccountId")).distinct().count()).isEqualTo(6);
    assertThat(records).anySatisfy(r -> assertThat(r.get("lineItem/UsageType")).isEqualTo("USE1-BoxUsage:p5.48xlarge"));
    assertThat(records).anySatisfy(r -> {
      assertThat(r.get("lineItem/ProductCode")).isEqualTo("AmazonBedrock");
      assertThat(r.get("resourceTags/user:model")).isEqualTo("claude3.5sonnet");
    });
    assertThat(records).anySatisfy(r -> assertThat(r.get("resourceTags/user:team")).isEmpty());
    assertThat(records).anySatisfy(r -> assertThat(r.get("lineItem/LineItemType")).isEqualTo("Credit"));
  }

  @Test
  void curParquetHoldsTheSameRowsAsTheCsv() throws Exception {
    BenchData.Generated csv = BenchData.curCsv(dir.resolve("cur.csv"), 1_500, 11);
    BenchData.Generated parquet = BenchData.curParquet(dir.resolve("cur2.parquet"), 1_500, 11);
    BenchData.Generated again = BenchData.curParquet(dir.resolve("again.parquet"), 1_500, 11);
    assertThat(parquet.sha256()).isEqualTo(again.sha256());
    assertThat(parquet.billedTotal()).isEqualTo(csv.billedTotal());
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".crc"));

    Row totals = SparkTestSession.get().read().parquet(parquet.file().toString())
        .selectExpr("count(*)", "sum(line_item_unblended_cost)", "count(distinct identity_line_item_id)").first();
    assertThat(totals.getLong(0)).isEqualTo(1_500);
    assertThat(totals.getDecimal(1)).isEqualByComparingTo(csv.billedTotal());
    assertThat(totals.getLong(2)).isEqualTo(1_500);
    Map<String, Long> parquetTeams = new TreeMap<>();
    for (Row r : SparkTestSession.get().read().parquet(parquet.file().toString())
        .selectExpr("coalesce(resource_tags['user:team'], '') AS t").groupBy("t").count().collectAsList()) {
      parquetTeams.put(r.getString(0), r.getLong(1));
    }
    Map<String, Long> csvTeams = CsvRecords.read(csv.file()).stream()
        .collect(Collectors.groupingBy(r -> r.get("resourceTags/user:team"), TreeMap::new, Collectors.counting()));
    assertThat(parquetTeams).isEqualTo(csvTeams);
  }

  @Test
  void gatewayLogAndDcgmHaveExactlyTheAskedRecords() throws Exception {
    BenchData.Generated log = BenchData.gatewayLog(dir.resolve("g.jsonl"), 1_000, 3);
    assertThat(BenchData.gatewayLog(dir.resolve("g2.jsonl"), 1_000, 3).sha256()).isEqualTo(log.sha256());
    List<String> lines = Files.readAllLines(log.file(), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1_000);
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.has("timestamp") && n.has("gen_ai.provider.name") && n.has("gen_ai.request.model")
          && n.has("gen_ai.usage.input_tokens") && n.has("gen_ai.usage.output_tokens")).as(line).isTrue();
    }

    BenchData.Generated dcgm = BenchData.dcgm(dir.resolve("d.prom"), 3, 1, 5);
    assertThat(dcgm.rows()).isEqualTo(3 * 2_880);
    List<String> samples = Files.readAllLines(dcgm.file(), StandardCharsets.UTF_8);
    assertThat(samples).hasSize(3 * 2_880 + 2);
    assertThat(samples.get(2)).startsWith("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"").endsWith(" 1793491200000");
    assertThat(samples.get(samples.size() - 1)).endsWith(" " + (1793491200000L + 2_879 * 30_000L));
  }

  @Test
  void decimalsArePlainWithoutTrailingZeros() {
    StringBuilder out = new StringBuilder();
    BenchData.decimal(out, 98_320_000_000L, 10);
    out.append(' ');
    BenchData.decimal(out, -25L, 10);
    out.append(' ');
    BenchData.decimal(out, 10_000L, 4);
    assertThat(out).hasToString("9.832 -0.0000000025 1");
  }
}
