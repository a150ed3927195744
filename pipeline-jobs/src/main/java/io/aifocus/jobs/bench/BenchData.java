package io.aifocus.jobs.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Deterministic benchmark inputs, written streaming to disk (one row in memory at a time): a legacy CUR CSV and the
 * same rows as a CUR 2.0 Parquet file ({@code aws-cur}), LLM gateway request logs ({@code gateway-log} JSONL) with a
 * matching price book, and DCGM exporter samples (Prometheus text). The same seed and size give the same bytes
 * (Parquet: the same data pages; parquet-mr orders the footer's encoding lists by a hash set, which can differ
 * between JVMs).
 */
public final class BenchData {
  /** One generated file: its rows (records), the exact Σ of its billed amount (null where none), its SHA-256. */
  public record Generated(Path file, long rows, BigDecimal billedTotal, String sha256) {}

  /** The billing period of every generated row: November 2026 (UTC, end exclusive). */
  static final Instant PERIOD_START = Instant.parse("2026-11-01T00:00:00Z");
  static final int PERIOD_HOURS = 30 * 24;
  static final String PAYER = "111122223333";
  static final List<String> ACCOUNTS =
      List.of("444455556666", "555566667777", "666677778888", "777788889999", "888899990000", "999900001111");
  static final List<String> TEAMS =
      List.of("search", "ml-platform", "research", "support-bot", "data-eng", "finance-ai", "growth", "infra");
  static final List<String> ENVS = List.of("prod", "staging", "dev");

  /** The legacy CUR CSV header, in file order; {@link #CUR2_NAMES} are the CUR 2.0 names of the same columns. */
  static final List<String> LEGACY_HEADER = List.of(
      "identity/LineItemId", "identity/TimeInterval", "bill/InvoicingEntity", "bill/BillingEntity", "bill/BillType",
      "bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageAccountId",
      "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
      "lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone", "lineItem/ResourceId",
      "lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
      "lineItem/LineItemDescription", "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/term",
      "pricing/unit", "product/ProductName", "product/regionCode", "resourceTags/user:team", "resourceTags/user:model",
      "resourceTags/user:env");
  /** CSV columns the floor and DuckDB partition by (the raw team and model tags). */
  public static final String CSV_TEAM_TAG = "resourceTags/user:team";
  public static final String CSV_MODEL_TAG = "resourceTags/user:model";
  public static final String TAG_TEAM = "user:team";
  public static final String TAG_MODEL = "user:model";

  private static final MessageType CUR2_SCHEMA = MessageTypeParser.parseMessageType("""
      message cur2 {
        optional binary identity_line_item_id (STRING);
        optional binary identity_time_interval (STRING);
        optional binary bill_invoicing_entity (STRING);
        optional binary bill_billing_entity (STRING);
        optional binary bill_bill_type (STRING);
        optional binary bill_payer_account_id (STRING);
        optional int64 bill_billing_period_start_date (TIMESTAMP(MILLIS,true));
        optional int64 bill_billing_period_end_date (TIMESTAMP(MILLIS,true));
        optional binary line_item_usage_account_id (STRING);
        optional binary line_item_line_item_type (STRING);
        optional int64 line_item_usage_start_date (TIMESTAMP(MILLIS,true));
        optional int64 line_item_usage_end_date (TIMESTAMP(MILLIS,true));
        optional binary line_item_product_code (STRING);
        optional binary line_item_usage_type (STRING);
        optional binary line_item_operation (STRING);
        optional binary line_item_availability_zone (STRING);
        optional binary line_item_resource_id (STRING);
        optional int64 line_item_usage_amount (DECIMAL(18,4));
        optional binary line_item_currency_code (STRING);
        optional int64 line_item_unblended_rate (DECIMAL(18,10));
        optional int64 line_item_unblended_cost (DECIMAL(18,10));
        optional binary line_item_line_item_description (STRING);
        optional int64 pricing_public_on_demand_cost (DECIMAL(18,10));
        optional int64 pricing_public_on_demand_rate (DECIMAL(18,10));
        optional binary pricing_term (STRING);
        optional binary pricing_unit (STRING);
        optional binary product_region_code (STRING);
        optional group product (MAP) {
          repeated group key_value { required binary key (STRING); optional binary value (STRING); }
        }
        optional group resource_tags (MAP) {
          repeated group key_value { required binary key (STRING); optional binary value (STRING); }
        }
      }
      """);

  private BenchData() {}

  // ---------------------------------------------------------------- CUR rows

  /** One service offering: product code, usage type, operation, unit, rate (10⁻¹⁰ units), Bedrock model id or null. */
  private record Offer(String product, String productName, String usageType, String operation, String unit,
      long rate, String model, boolean zonal, boolean hourly) {}

  private static final List<Offer> OFFERS = List.of(
      new Offer("AmazonEC2", "Amazon Elastic Compute Cloud", "USE1-BoxUsage:p5.48xlarge", "RunInstances", "Hrs",
          983_200_000_000L, null, true, true),
      new Offer("AmazonEC2", "Amazon Elastic Compute Cloud", "USE1-BoxUsage:g5.12xlarge", "RunInstances", "Hrs",
          56_720_000_000L, null, true, true),
      new Offer("AmazonEC2", "Amazon Elastic Compute Cloud", "USE1-BoxUsage:p4d.24xlarge", "RunInstances", "Hrs",
          327_726_000_000L, null, true, true),
      new Offer("AmazonEC2", "Amazon Elastic Compute Cloud", "USE1-BoxUsage:m7i.xlarge", "RunInstances", "Hrs",
          2_016_000_000L, null, true, true),
      new Offer("AmazonEC2", "Amazon Elastic Compute Cloud", "USE1-BoxUsage:c7g.2xlarge", "RunInstances", "Hrs",
          2_890_000_000L, null, true, true),
      new Offer("AmazonBedrock", "Amazon Bedrock", "USE1-Claude3Haiku-input-tokens", "InvokeModel", "Tokens",
          2_500L, "claude3haiku", false, false),
      new Offer("AmazonBedrock", "Amazon Bedrock", "USE1-Claude3Haiku-output-tokens", "InvokeModel", "Tokens",
          12_500L, "claude3haiku", false, false),
      new Offer("AmazonBedrock", "Amazon Bedrock", "USE1-Claude3.5Sonnet-input-tokens", "InvokeModel", "Tokens",
          30_000L, "claude3.5sonnet", false, false),
      new Offer("AmazonBedrock", "Amazon Bedrock", "USE1-Claude3.5Sonnet-output-tokens", "InvokeModel", "Tokens",
          150_000L, "claude3.5sonnet", false, false),
      new Offer("AmazonBedrock", "Amazon Bedrock", "USE1-Llama3-70B-input-tokens", "InvokeModel", "Tokens",
          9_900L, "llama3-70b", false, false),
      new Offer("AmazonS3", "Amazon Simple Storage Service", "USE1-TimedStorage-ByteHrs", "StandardStorage", "GB-Mo",
          230_000_000L, null, false, false),
      new Offer("AmazonS3", "Amazon Simple Storage Service", "USE1-Requests-Tier1", "PutObject", "Requests",
          50_000L, null, false, false),
      new Offer("AmazonSageMaker", "Amazon SageMaker", "USE1-Host:ml.g5.2xlarge", "RunInstance", "Hrs",
          15_150_000_000L, null, false, true),
      new Offer("AWSDataTransfer", "AWS Data Transfer", "USE1-DataTransfer-Out-Bytes", "", "GB",
          900_000_000L, null, false, false));

  /** A mutable CUR row: the generator fills one and writes it, so nothing grows with the row count. */
  private static final class CurRow {
    String id;
    int hour;
    String account;
    String type;
    Offer offer;
    String resourceId;
    String zone;
    long amount; // 10⁻⁴ units; -1 = absent
    long rate; // 10⁻¹⁰; -1 = absent
    long cost; // 10⁻¹⁰
    String team; // null = untagged
    String model; // null = no model tag
    String env;
  }

  /** Fills {@code row} with row {@code i} of the sequence of {@code random}. */
  private static void nextCur(SplittableRandom random, long i, CurRow row) {
    row.id = "bn" + Long.toString(i, 36);
    row.hour = random.nextInt(PERIOD_HOURS);
    row.account = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
    int kind = random.nextInt(100);
    row.offer = OFFERS.get(random.nextInt(OFFERS.size()));
    row.team = random.nextInt(100) < 5 ? null : TEAMS.get(random.nextInt(TEAMS.size()));
    row.env = ENVS.get(random.nextInt(ENVS.size()));
    row.model = row.offer.model();
    row.zone = row.offer.zonal() ? (random.nextBoolean() ? "us-east-1a" : "us-east-1b") : null;
    row.resourceId = row.offer.zonal() ? "i-0" + Long.toString(random.nextLong(1L << 40), 16) : null;
    if (kind < 97) {
      row.type = "Usage";
      long amount = row.offer.hourly() ? (random.nextInt(4) == 0 ? 5_000 : 10_000)
          : row.offer.unit().equals("Tokens") ? (100 + random.nextInt(200_000)) * 10_000L
          : 1 + random.nextInt(5_000_000);
      row.amount = amount;
      row.rate = row.offer.rate();
      row.cost = roundDiv(amount * row.offer.rate(), 10_000);
    } else if (kind < 99) {
      row.type = "Credit";
      row.amount = -1;
      row.rate = -1;
      row.cost = -(1 + random.nextLong(500_000_000_000L));
      row.model = null;
    } else {
      row.type = "Tax";
      row.amount = -1;
      row.rate = -1;
      row.cost = 1 + random.nextLong(100_000_000_000L);
      row.model = null;
      row.resourceId = null;
      row.zone = null;
    }
  }

  private static long roundDiv(long value, long divisor) {
    return Math.floorDiv(value + divisor / 2, divisor);
  }

  /** Legacy CUR CSV ({@code lineItem/UnblendedCost} headers, {@code resourceTags/user:*} columns). */
  public static Generated curCsv(Path file, long rows, long seed) throws IOException {
    String[] hours = hourStrings();
    String periodStart = hours[0];
    String periodEnd = hours[PERIOD_HOURS];
    SplittableRandom random = new SplittableRandom(seed);
    CurRow r = new CurRow();
    long total = 0;
    BigDecimal big = BigDecimal.ZERO;
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(String.join(",", LEGACY_HEADER));
      out.write('\n');
      StringBuilder line = new StringBuilder(512);
      for (long i = 0; i < rows; i++) {
        nextCur(random, i, r);
        line.setLength(0);
        line.append(r.id).append(',').append(hours[r.hour]).append('/').append(hours[r.hour + 1]).append(',')
            .append("\"Amazon Web Services, Inc.\",AWS,Anniversary,").append(PAYER).append(',')
            .append(periodStart).append(',').append(periodEnd).append(',').append(r.account).append(',')
            .append(r.type).append(',').append(hours[r.hour]).append(',').append(hours[r.hour + 1]).append(',')
            .append(r.offer.product()).append(',');
        boolean usage = r.type.equals("Usage");
        line.append(usage ? r.offer.usageType() : "").append(',').append(usage ? r.offer.operation() : "").append(',')
            .append(nz(r.zone)).append(',').append(nz(r.resourceId)).append(',');
        if (r.amount >= 0) {
          decimal(line, r.amount, 4);
        }
        line.append(",USD,");
        if (r.rate >= 0) {
          decimal(line, r.rate, 10);
        }
        line.append(',');
        decimal(line, r.cost, 10);
        line.append(',').append(description(r)).append(',');
        if (usage) {
          decimal(line, r.cost, 10);
          line.append(',');
          decimal(line, r.rate, 10);
          line.append(",OnDemand,").append(r.offer.unit());
        } else {
          line.append(",,,");
        }
        line.append(',').append(r.offer.productName()).append(",us-east-1,").append(nz(r.team)).append(',')
            .append(nz(r.model)).append(',').append(r.env).append('\n');
        out.append(line);
        total = addCost(total, r.cost);
        if (Math.abs(total) > (1L << 60)) {
          big = big.add(BigDecimal.valueOf(total, 10));
          total = 0;
        }
      }
    }
    return new Generated(file, rows, big.add(BigDecimal.valueOf(total, 10)).setScale(12), sha256(file));
  }

  /** The same rows as {@link #curCsv} (same seed), as a CUR 2.0 Parquet file: snake_case, decimals, maps. */
  public static Generated curParquet(Path file, long rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    CurRow r = new CurRow();
    long startMs = PERIOD_START.toEpochMilli();
    long hourMs = 3_600_000L;
    BigDecimal big = BigDecimal.ZERO;
    long total = 0;
    String[] hours = hourStrings();
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.deleteIfExists(file);
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem"); // no .crc side file
    conf.setBoolean("fs.file.impl.disable.cache", true);
    SimpleGroupFactory groups = new SimpleGroupFactory(CUR2_SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter
        .builder(new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri()))
        .withConf(conf)
        .withType(CUR2_SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build()) {
      for (long i = 0; i < rows; i++) {
        nextCur(random, i, r);
        boolean usage = r.type.equals("Usage");
        Group g = groups.newGroup()
            .append("identity_line_item_id", r.id)
            .append("identity_time_interval", hours[r.hour] + "/" + hours[r.hour + 1])
            .append("bill_invoicing_entity", "Amazon Web Services, Inc.")
            .append("bill_billing_entity", "AWS")
            .append("bill_bill_type", "Anniversary")
            .append("bill_payer_account_id", PAYER)
            .append("bill_billing_period_start_date", startMs)
            .append("bill_billing_period_end_date", startMs + PERIOD_HOURS * hourMs)
            .append("line_item_usage_account_id", r.account)
            .append("line_item_line_item_type", r.type)
            .append("line_item_usage_start_date", startMs + r.hour * hourMs)
            .append("line_item_usage_end_date", startMs + (r.hour + 1) * hourMs)
            .append("line_item_product_code", r.offer.product());
        if (usage) {
          g.append("line_item_usage_type", r.offer.usageType()).append("line_item_operation", r.offer.operation());
        }
        if (r.zone != null) {
          g.append("line_item_availability_zone", r.zone);
        }
        if (r.resourceId != null) {
          g.append("line_item_resource_id", r.resourceId);
        }
        if (r.amount >= 0) {
          g.append("line_item_usage_amount", r.amount);
        }
        g.append("line_item_currency_code", "USD");
        if (r.rate >= 0) {
          g.append("line_item_unblended_rate", r.rate);
        }
        g.append("line_item_unblended_cost", r.cost).append("line_item_line_item_description", description(r));
        if (usage) {
          g.append("pricing_public_on_demand_cost", r.cost).append("pricing_public_on_demand_rate", r.rate)
              .append("pricing_term", "OnDemand").append("pricing_unit", r.offer.unit());
        }
        g.append("product_region_code", "us-east-1");
        g.addGroup("product").addGroup("key_value").append("key", "product_name").append("value", r.offer.productName());
        Group tags = g.addGroup("resource_tags");
        if (r.team != null) {
          tags.addGroup("key_value").append("key", TAG_TEAM).append("value", r.team);
        }
        if (r.model != null) {
          tags.addGroup("key_value").append("key", TAG_MODEL).append("value", r.model);
        }
        tags.addGroup("key_value").append("key", "user:env").append("value", r.env);
        writer.write(g);
        total = addCost(total, r.cost);
        if (Math.abs(total) > (1L << 60)) {
          big = big.add(BigDecimal.valueOf(total, 10));
          total = 0;
        }
      }
    }
    return new Generated(file, rows, big.add(BigDecimal.valueOf(total, 10)).setScale(12), sha256(file));
  }

  private static long addCost(long total, long cost) {
    return Math.addExact(total, cost);
  }

  private static String description(CurRow r) {
    return switch (r.type) {
      case "Usage" -> r.offer.usageType() + " on demand";
      case "Credit" -> "AWS Credit " + r.offer.product();
      default -> "Tax for product code " + r.offer.product();
    };
  }

  /** "2026-11-01T00:00:00Z" … for every hour of the period and the period end. */
  private static String[] hourStrings() {
    String[] hours = new String[PERIOD_HOURS + 1];
    for (int h = 0; h <= PERIOD_HOURS; h++) {
      hours[h] = PERIOD_START.plusSeconds(h * 3600L).toString();
    }
    return hours;
  }

  // ---------------------------------------------------------------- gateway log

  private record LlmModel(String provider, String model, String response) {}

  private static final List<LlmModel> LLM_MODELS = List.of(
      new LlmModel("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
      new LlmModel("openai", "gpt-4o", null),
      new LlmModel("anthropic", "claude-sonnet-4-5-20250929", null),
      new LlmModel("anthropic", "claude-haiku-4-5", null));
  private static final List<String> FEATURES = List.of("answer", "triage", "summarize", "agent-step", "indexing");
  private static final List<String> CUSTOMERS = List.of("acme", "globex", "initech", "umbrella", "hooli");

  /** The price book the generated logs are priced from (docs/pricing.md format). */
  public static Path priceBook(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, String.join("\n",
        "version,provider,model_pattern,effective_from,effective_to,currency,input_per_1m,output_per_1m,"
            + "cache_read_per_1m,cache_write_5m_per_1m,cache_write_1h_per_1m,batch_discount,long_context_threshold,"
            + "long_context_input_per_1m,long_context_output_per_1m",
        "bench-gpt-4o-mini,openai,gpt-4o-mini*,2024-07-18,,USD,0.15,0.6,0.075,0.15,,0.5,,,",
        "bench-gpt-4o,openai,gpt-4o*,2024-10-01,,USD,2.5,10,1.25,2.5,,0.5,,,",
        "bench-claude-sonnet-4-5,anthropic,claude-sonnet-4-5*,2025-09-29,,USD,3,15,0.3,3.75,6,0.5,,,",
        "bench-claude-haiku-4-5,anthropic,claude-haiku-4-5*,2025-10-01,,USD,1,5,0.1,1.25,2,0.5,,,",
        ""), StandardCharsets.UTF_8);
    return file;
  }

  /**
   * {@code rows} gateway-log requests (JSON Lines). {@link Generated#billedTotal()} is null: a log carries tokens,
   * priced by the pipeline; {@link Generated#rows()} counts requests (the reader emits one row per token type).
   */
  public static Generated gatewayLog(Path file, long rows, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    Files.createDirectories(file.toAbsolutePath().getParent());
    long startSec = PERIOD_START.getEpochSecond();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(512);
      for (long i = 0; i < rows; i++) {
        LlmModel m = LLM_MODELS.get(random.nextInt(LLM_MODELS.size()));
        long input = 50 + random.nextInt(20_000);
        long output = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(4_000);
        long cached = random.nextInt(3) == 0 ? random.nextLong(input / 2 + 1) : -1;
        String team = random.nextInt(100) < 5 ? null : TEAMS.get(random.nextInt(TEAMS.size()));
        line.setLength(0);
        line.append("{\"timestamp\":\"").append(Instant.ofEpochSecond(startSec + random.nextInt(PERIOD_HOURS * 3600)))
            .append("\",\"request_id\":\"req-").append(Long.toString(i, 36))
            .append("\",\"gen_ai.provider.name\":\"").append(m.provider())
            .append("\",\"gen_ai.request.model\":\"").append(m.model()).append('"');
        if (m.response() != null) {
          line.append(",\"gen_ai.response.model\":\"").append(m.response()).append('"');
        }
        line.append(",\"gen_ai.usage.input_tokens\":").append(input)
            .append(",\"gen_ai.usage.output_tokens\":").append(output);
        if (cached >= 0) {
          line.append(",\"gen_ai.usage.cache_read.input_tokens\":").append(cached);
        }
        if (team != null) {
          line.append(",\"team\":\"").append(team).append('"');
        }
        line.append(",\"feature\":\"").append(FEATURES.get(random.nextInt(FEATURES.size())))
            .append("\",\"customer\":\"").append(CUSTOMERS.get(random.nextInt(CUSTOMERS.size())))
            .append("\",\"endpoint\":\"/v1/").append(FEATURES.get(random.nextInt(FEATURES.size())))
            .append("\",\"environment\":\"").append(ENVS.get(random.nextInt(ENVS.size()))).append("\"}\n");
        out.append(line);
      }
    }
    return new Generated(file, rows, null, sha256(file));
  }

  // ---------------------------------------------------------------- DCGM samples

  /**
   * DCGM exporter samples in Prometheus text exposition: {@code gpus} GPUs (8 per node) every 30 s for
   * {@code days} days from the period start, one {@code DCGM_FI_DEV_GPU_UTIL} sample each. Rows = samples.
   */
  public static Generated dcgm(Path file, int gpus, int days, long seed) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    long steps = days * 24L * 120L;
    long startMs = PERIOD_START.toEpochMilli();
    SplittableRandom random = new SplittableRandom(seed);
    List<String> teams = gpuTeams(gpus, random); // the first draws; the utilization values follow them
    String[] labels = new String[gpus];
    for (int g = 0; g < gpus; g++) {
      int node = g / GPUS_PER_NODE;
      int index = g % GPUS_PER_NODE;
      String team = teams.get(g);
      labels[g] = "DCGM_FI_DEV_GPU_UTIL{gpu=\"" + index + "\",UUID=\"GPU-" + String.format("%08x", node) + "-0000-4000-8000-"
          + String.format("%012x", g) + "\",device=\"nvidia" + index + "\",modelName=\"NVIDIA H100 80GB HBM3\","
          + "Hostname=\"" + gpuNode(node) + "\",container=\"main\",namespace=\"" + team + "\",pod=\"" + gpuPod(team, g)
          + "\"} ";
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).\n# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n");
      StringBuilder line = new StringBuilder(256);
      for (long s = 0; s < steps; s++) {
        long ts = startMs + s * 30_000L;
        for (int g = 0; g < gpus; g++) {
          line.setLength(0);
          line.append(labels[g]).append(random.nextInt(101)).append(' ').append(ts).append('\n');
          out.append(line);
        }
      }
    }
    return new Generated(file, steps * gpus, null, sha256(file));
  }

  /** GPUs per generated node; the last node holds the remainder. */
  static final int GPUS_PER_NODE = 8;
  /** The OpenCost price of one H100 GPU-hour in the generated pricing file (p5.48xlarge on demand ÷ 8 GPUs). */
  public static final BigDecimal GPU_HOUR_PRICE = new BigDecimal("12.29");
  static final String GPU_PRODUCT = "NVIDIA-H100-80GB-HBM3";
  static final List<String> SERVED_MODELS = List.of("llama-3.1-70b", "qwen2.5-72b", "mixtral-8x22b", "deepseek-v3");
  /** kube-state-metrics scrape interval of the generated cluster. */
  static final long KSM_INTERVAL_MS = 60_000L;

  /**
   * A generated GPU cluster for {@code aifocus run}'s {@code gpu-clusters}: the {@link #dcgm} samples, the
   * kube-state-metrics of the same nodes and pods (one pod per GPU for the whole period, scraped every minute), an
   * OpenCost pricing file and the config that names them. {@code expectedTotal}: GPUs × hours × {@link #GPU_HOUR_PRICE},
   * what the origin charges and so the allocated rows must sum to.
   */
  public record GpuCluster(Path config, Generated dcgm, Generated kubeStateMetrics, Path nodePrices, long nodeHours,
      BigDecimal expectedTotal) {}

  public static GpuCluster gpuCluster(Path dir, int gpus, int days, long seed) throws IOException {
    Files.createDirectories(dir);
    Generated dcgm = dcgm(dir.resolve("dcgm.prom"), gpus, days, seed);
    Generated ksm = kubeStateMetrics(dir.resolve("kube-state-metrics.prom"), gpus, days, seed);
    Path prices = dir.resolve("node-prices.csv");
    Files.writeString(prices, "EndTimestamp,InstanceID,Region,AssetClass,InstanceIDField,InstanceType,MarketPriceHourly,Version\n"
        + "2026-12-01 00:00:00 UTC," + GPU_PRODUCT + ",,gpu,nvidia.com/gpu.product,," + GPU_HOUR_PRICE.toPlainString() + ",\n",
        StandardCharsets.UTF_8);
    Path config = dir.resolve("gpu-cluster.yaml");
    Files.writeString(config, "# generated by aifocus bench: one GPU cluster, no other source\n"
        + "gpu-clusters:\n"
        + "  - name: bench-gpu\n"
        + "    kube-state-metrics: kube-state-metrics.prom\n"
        + "    dcgm: dcgm.prom\n"
        + "    node-prices: node-prices.csv\n"
        + "    method: gpu-utilization-weighted\n"
        + "    idle: separate\n", StandardCharsets.UTF_8);
    int nodes = (gpus + GPUS_PER_NODE - 1) / GPUS_PER_NODE;
    long hours = days * 24L;
    return new GpuCluster(config, dcgm, ksm, prices, nodes * hours,
        GPU_HOUR_PRICE.multiply(BigDecimal.valueOf(gpus * hours)));
  }

  /** kube-state-metrics text of the {@link #dcgm} cluster: node capacity, labels and info; pod labels and GPU requests. */
  static Generated kubeStateMetrics(Path file, int gpus, int days, long seed) throws IOException {
    List<String> teams = gpuTeams(gpus, new SplittableRandom(seed));
    int nodes = (gpus + GPUS_PER_NODE - 1) / GPUS_PER_NODE;
    List<String> series = new java.util.ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      int capacity = Math.min(GPUS_PER_NODE, gpus - n * GPUS_PER_NODE);
      String node = gpuNode(n);
      series.add("kube_node_info{node=\"" + node + "\",provider_id=\"aws:///us-east-1a/i-" + String.format("%017x", n)
          + "\",kernel_version=\"6.1\"} 1 ");
      series.add("kube_node_labels{node=\"" + node + "\",label_node_kubernetes_io_instance_type=\"p5.48xlarge\","
          + "label_nvidia_com_gpu_product=\"" + GPU_PRODUCT + "\",label_nvidia_com_gpu_count=\"" + capacity + "\"} 1 ");
      series.add("kube_node_status_capacity{node=\"" + node + "\",resource=\"nvidia_com_gpu\",unit=\"integer\"} "
          + capacity + " ");
    }
    for (int g = 0; g < gpus; g++) {
      String team = teams.get(g);
      String pod = gpuPod(team, g);
      String ids = "namespace=\"" + team + "\",pod=\"" + pod + "\",uid=\"uid-" + g + "\"";
      series.add("kube_pod_labels{" + ids + ",label_team=\"" + team + "\",label_model=\""
          + SERVED_MODELS.get(g % SERVED_MODELS.size()) + "\",label_app=\"inference\"} 1 ");
      series.add("kube_pod_container_resource_requests{" + ids + ",container=\"main\",node=\"" + gpuNode(g / GPUS_PER_NODE)
          + "\",resource=\"nvidia_com_gpu\",unit=\"integer\"} 1 ");
    }
    long scrapes = days * 24L * 3_600_000L / KSM_INTERVAL_MS;
    long startMs = PERIOD_START.toEpochMilli();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(256);
      for (long s = 0; s < scrapes; s++) {
        long ts = startMs + s * KSM_INTERVAL_MS;
        for (String head : series) {
          line.setLength(0);
          line.append(head).append(ts).append('\n');
          out.append(line);
        }
      }
    }
    return new Generated(file, scrapes * series.size(), null, sha256(file));
  }

  /** The team (namespace) of each generated GPU's pod: the next {@code gpus} draws of {@code random}. */
  private static List<String> gpuTeams(int gpus, SplittableRandom random) {
    List<String> teams = new java.util.ArrayList<>(gpus);
    for (int g = 0; g < gpus; g++) {
      teams.add(TEAMS.get(random.nextInt(TEAMS.size())));
    }
    return teams;
  }

  private static String gpuNode(int node) {
    return "gpu-node-" + node;
  }

  private static String gpuPod(String team, int gpu) {
    return team + "-worker-" + gpu;
  }

  // ---------------------------------------------------------------- helpers

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Appends {@code units × 10^-scale} in plain notation without trailing zeros. */
  static void decimal(StringBuilder out, long units, int scale) {
    if (units < 0) {
      out.append('-');
      units = -units;
    }
    long pow = 1;
    for (int i = 0; i < scale; i++) {
      pow *= 10;
    }
    out.append(units / pow);
    long frac = units % pow;
    if (frac != 0) {
      int digits = scale;
      while (frac % 10 == 0) {
        frac /= 10;
        digits--;
      }
      out.append('.');
      String f = Long.toString(frac);
      for (int i = f.length(); i < digits; i++) {
        out.append('0');
      }
      out.append(f);
    }
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
