package io.aifocus.normalize.focus;

import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifocus.api.CsvRecords;
import io.aifocus.api.NormalizeContext;
import io.aifocus.api.NormalizeResult;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.QuarantineTable;
import io.aifocus.api.RawInput;
import io.aifocus.api.SourceKind;
import io.aifocus.api.SparkTestSession;
import io.aifocus.schema.CostAndUsageTable;
import io.aifocus.schema.ExtensionColumns;
import io.aifocus.schema.FeatureLevel;
import io.aifocus.schema.FocusColumn;
import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusDataType;
import io.aifocus.schema.FocusSchema;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class FocusUpgradeNormalizerTest {
  private static final Path SAMPLES = SparkTestSession.projectRoot().resolve("sample-data/focus");
  private static final Instant INGESTED_AT = Instant.parse("2026-02-03T04:05:06Z");
  private static final String RUN_ID = "run-focus-upgrade-test";
  private static final NormalizeContext CONTEXT =
      new NormalizeContext(RUN_ID, INGESTED_AT, NormalizeContext.DEFAULT_TEAM_TAG_KEYS);
  /** The 1.3 columns the upgrade fills when a file lacks them. */
  private static final Set<String> FILLED =
      Set.of(
          FocusColumns.SERVICE_PROVIDER_NAME,
          FocusColumns.HOST_PROVIDER_NAME,
          FocusColumns.PRICING_CURRENCY,
          FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST,
          FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE,
          FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE,
          FocusColumns.SERVICE_SUBCATEGORY);

  private final FocusUpgradeNormalizer normalizer = new FocusUpgradeNormalizer();

  @Test
  void upgradesTheFocus10SampleKeepingEveryRowAndEveryCent() {
    Path file = SAMPLES.resolve("focus-1.0-sample.csv");
    List<Map<String, String>> input = CsvRecords.read(file);
    NormalizeContext byBusinessUnit = new NormalizeContext(RUN_ID, INGESTED_AT, List.of("business_unit"));

    NormalizeResult result = normalizer.normalize(FocusInputs.csv(file, "1.0"), byBusinessUnit);
    List<Row> focus = result.focus().collectAsList();
    List<Row> quarantine = result.quarantine().collectAsList();

    // rows and money: every row is valid FOCUS 1.0, so all of it arrives; input = output + quarantined
    assertThat(focus.size() + quarantine.size()).isEqualTo(input.size());
    assertThat(quarantine).isEmpty();
    BigDecimal inputTotal =
        input.stream().map(r -> new BigDecimal(r.get(FocusColumns.BILLED_COST))).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(sum(focus, FocusColumns.BILLED_COST).add(sumBilledAmount(quarantine))).isEqualByComparingTo(inputTotal);

    // the exact focus_cost_and_usage layout
    assertThat(result.focus().schema().fieldNames()).containsExactly(CostAndUsageTable.schema().fieldNames());
    for (StructField field : CostAndUsageTable.schema().fields()) {
      assertThat(result.focus().schema().apply(field.name()).dataType()).as(field.name()).isEqualTo(field.dataType());
    }

    // every FOCUS column of the file: same values, literal NULL and empty cells became real nulls
    Set<String> header = input.get(0).keySet();
    for (FocusColumn column : FocusSchema.costAndUsage().columns()) {
      if (header.contains(column.id())) {
        assertThat(values(focus, column)).as(column.id()).isEqualTo(expectedValues(input, column));
      } else if (!FILLED.contains(column.id())) {
        assertThat(focus).as(column.id() + " is not in FOCUS 1.0").allMatch(r -> r.getAs(column.id()) == null);
      }
    }
    long nullZones = input.stream().filter(r -> CsvRecords.isNull(r.get(FocusColumns.AVAILABILITY_ZONE))).count();
    assertThat(nullZones).isGreaterThan(800); // the sample's literal NULLs really are exercised
    assertThat(focus.stream().filter(r -> r.getAs(FocusColumns.AVAILABILITY_ZONE) == null).count()).isEqualTo(nullZones);
    assertThat(focus).noneMatch(r -> "NULL".equals(r.getAs(FocusColumns.TAGS)));

    // 1.3 columns filled from their 1.0 equivalents
    for (Row row : focus) {
      String provider = row.getAs(FocusColumns.PROVIDER_NAME);
      assertThat(provider).isNotNull();
      assertThat((String) row.getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo(provider);
      assertThat((String) row.getAs(FocusColumns.HOST_PROVIDER_NAME)).isEqualTo(provider);
      assertThat((String) row.getAs(FocusColumns.PRICING_CURRENCY))
          .isEqualTo(row.getAs(FocusColumns.BILLING_CURRENCY));
      assertSameDecimal(row, FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST, FocusColumns.EFFECTIVE_COST);
      assertSameDecimal(row, FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE, FocusColumns.LIST_UNIT_PRICE);
      assertSameDecimal(row, FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE, FocusColumns.CONTRACTED_UNIT_PRICE);
      // FOCUS 1.0 has no ServiceSubcategory: the catch-all of the row's category, an allowed 1.3 value
      String subcategory = "Other (" + row.getAs(FocusColumns.SERVICE_CATEGORY) + ")";
      assertThat((String) row.getAs(FocusColumns.SERVICE_SUBCATEGORY)).isEqualTo(subcategory);
      assertThat(FocusSchema.costAndUsage().column(FocusColumns.SERVICE_SUBCATEGORY).allowedValuesByParent()
          .get((String) row.getAs(FocusColumns.SERVICE_CATEGORY))).contains(subcategory);
    }
    // the sample's one negative unit price (a credit) is really exercised: dropped, its costs kept
    List<Map<String, String>> negativePrices = input.stream()
        .filter(r -> !CsvRecords.isNull(r.get(FocusColumns.CONTRACTED_UNIT_PRICE))
            && new BigDecimal(r.get(FocusColumns.CONTRACTED_UNIT_PRICE)).signum() < 0)
        .toList();
    assertThat(negativePrices).extracting(r -> r.get(FocusColumns.CHARGE_CATEGORY)).containsExactly("Credit");
    assertThat(focus).noneMatch(r -> r.getAs(FocusColumns.CONTRACTED_UNIT_PRICE) != null
        && ((BigDecimal) r.getAs(FocusColumns.CONTRACTED_UNIT_PRICE)).signum() < 0);
    assertThat(focus.stream().map(r -> (String) r.getAs(FocusColumns.SERVICE_PROVIDER_NAME)).collect(Collectors.toSet()))
        .isEqualTo(input.stream().map(r -> r.get(FocusColumns.PROVIDER_NAME)).collect(Collectors.toSet()));

    // x_Team from the Tags JSON with the configured key; the x_ bookkeeping columns
    assertThat(counts(focus, r -> (String) r.getAs(ExtensionColumns.TEAM)))
        .isEqualTo(counts(input, r -> expectedTeam(r.get(FocusColumns.TAGS), "business_unit")));
    assertThat(counts(focus, r -> (String) r.getAs(ExtensionColumns.TEAM))).hasSizeGreaterThan(2);
    for (Row row : focus) {
      assertThat((String) row.getAs(ExtensionColumns.MODEL)).isEqualTo(CostAndUsageTable.NO_MODEL);
      assertThat((String) row.getAs(ExtensionColumns.SOURCE_KIND)).isEqualTo(SourceKind.FOCUS.id());
      assertThat((String) row.getAs(ExtensionColumns.SOURCE_FILE)).endsWith("/focus-1.0-sample.csv");
      assertThat((String) row.getAs(ExtensionColumns.RUN_ID)).isEqualTo(RUN_ID);
      assertThat(instant(row.getAs(ExtensionColumns.INGESTED_AT))).isEqualTo(INGESTED_AT);
    }
  }

  @Test
  void upgradesFocus12KeepingPricingCurrencyAmountsAndFillingWhatIsMissing() {
    Path file = SAMPLES.resolve("focus-1.2-tiny.csv");
    List<Map<String, String>> input = CsvRecords.read(file);

    NormalizeResult result = normalizer.normalize(FocusInputs.csv(file, "1.2"), CONTEXT);
    Map<String, Row> rows = byDescription(result.focus().collectAsList());

    assertThat(result.quarantine().count()).isZero();
    assertThat(rows).hasSize(input.size());
    Row bedrock = rows.get("Claude input tokens");
    assertThat((String) bedrock.getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo("AWS");
    assertThat((String) bedrock.getAs(FocusColumns.HOST_PROVIDER_NAME)).isEqualTo("AWS");
    assertThat((String) bedrock.getAs(FocusColumns.INVOICE_ID)).isEqualTo("INV-2025-06-001");
    assertThat((String) bedrock.getAs(FocusColumns.BILLING_ACCOUNT_TYPE)).isEqualTo("Payer Account");
    assertThat((String) bedrock.getAs(FocusColumns.SKU_PRICE_DETAILS))
        .isEqualTo("{\"x_ModelId\": \"anthropic.claude-3-5-sonnet\"}");
    assertThat((BigDecimal) bedrock.getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("12.6");
    assertThat(instant(bedrock.getAs(FocusColumns.CHARGE_PERIOD_START)))
        .isEqualTo(Instant.parse("2025-06-10T00:00:00Z"));
    assertThat((String) bedrock.getAs(ExtensionColumns.TEAM)).isEqualTo("ml-platform");
    assertThat((String) bedrock.getAs(FocusColumns.ALLOCATED_METHOD_ID)).isNull();
    assertThat((String) bedrock.getAs(FocusColumns.CONTRACT_APPLIED)).isNull();

    // priced in USD, billed in EUR: the file's pricing-currency amounts stay, nothing is copied over them
    Row pricedInUsd = rows.get("GPT-4o input tokens");
    assertThat((String) pricedInUsd.getAs(FocusColumns.BILLING_CURRENCY)).isEqualTo("EUR");
    assertThat((String) pricedInUsd.getAs(FocusColumns.PRICING_CURRENCY)).isEqualTo("USD");
    assertThat((BigDecimal) pricedInUsd.getAs(FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST)).isEqualByComparingTo("10.00");
    assertThat((BigDecimal) pricedInUsd.getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("9.20");
    assertThat((BigDecimal) pricedInUsd.getAs(FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE)).isEqualByComparingTo("0.01");
    assertThat((String) pricedInUsd.getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo("Microsoft");
    assertThat((String) pricedInUsd.getAs(ExtensionColumns.TEAM)).isEqualTo("search");

    // PricingCurrency NULL: the billing currency, and the billing-currency amounts
    Row noPricingCurrency = rows.get("GPT-4o output tokens");
    assertThat((String) noPricingCurrency.getAs(FocusColumns.PRICING_CURRENCY)).isEqualTo("EUR");
    assertThat((BigDecimal) noPricingCurrency.getAs(FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST))
        .isEqualByComparingTo("3.10");
    assertThat((BigDecimal) noPricingCurrency.getAs(FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE))
        .isEqualByComparingTo("0.0034");
    assertThat((BigDecimal) noPricingCurrency.getAs(FocusColumns.PRICING_CURRENCY_CONTRACTED_UNIT_PRICE))
        .isEqualByComparingTo("0.0034");
    assertThat((String) noPricingCurrency.getAs(FocusColumns.TAGS)).isNull();
    assertThat((String) noPricingCurrency.getAs(ExtensionColumns.TEAM)).isEqualTo(CostAndUsageTable.UNATTRIBUTED_TEAM);

    Row tax = rows.get("Sales tax");
    assertThat((String) tax.getAs(FocusColumns.CHARGE_CATEGORY)).isEqualTo("Tax");
    assertThat((String) tax.getAs(FocusColumns.SKU_PRICE_ID)).isNull();
    assertThat((BigDecimal) tax.getAs(FocusColumns.PRICING_CURRENCY_LIST_UNIT_PRICE)).isNull();
    assertThat((String) tax.getAs(FocusColumns.HOST_PROVIDER_NAME)).isEqualTo("AWS");
  }

  @Test
  void keepsFocus13ValuesAsTheyAre() {
    Path file = SAMPLES.resolve("focus-1.3-tiny.csv");

    NormalizeResult result = normalizer.normalize(FocusInputs.csv(file, "1.3"), CONTEXT);
    Map<String, Row> rows = byDescription(result.focus().collectAsList());

    assertThat(result.quarantine().count()).isZero();
    assertThat(rows).hasSize(4);
    Row marketplace = rows.get("Claude output tokens");
    assertThat((String) marketplace.getAs(FocusColumns.PROVIDER_NAME)).isEqualTo("AWS");
    assertThat((String) marketplace.getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo("Anthropic");
    assertThat((String) marketplace.getAs(FocusColumns.HOST_PROVIDER_NAME)).isEqualTo("AWS");
    assertThat((String) marketplace.getAs(ExtensionColumns.TEAM)).isEqualTo("search");

    Row tax = rows.get("Sales tax");
    assertThat((String) tax.getAs(FocusColumns.HOST_PROVIDER_NAME)).as("a 1.3 null is not filled").isNull();
    assertThat((String) tax.getAs(FocusColumns.SERVICE_PROVIDER_NAME)).isEqualTo("AWS");

    Row usage = rows.get("Llama input tokens");
    String contractApplied =
        CsvRecords.read(file).stream()
            .filter(r -> r.get(FocusColumns.CHARGE_DESCRIPTION).equals("Llama input tokens"))
            .findFirst()
            .orElseThrow()
            .get(FocusColumns.CONTRACT_APPLIED);
    assertThat(contractApplied).startsWith("{\"Elements\": [{");
    assertThat((String) usage.getAs(FocusColumns.CONTRACT_APPLIED)).isEqualTo(contractApplied);
    assertThat(instant(usage.getAs(FocusColumns.BILLING_PERIOD_END)))
        .isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));

    Row allocated = rows.get("p4d.24xlarge On Demand");
    assertThat((String) allocated.getAs(FocusColumns.ALLOCATED_METHOD_ID)).isEqualTo("aws-eks-split-cost");
    assertThat((String) allocated.getAs(FocusColumns.ALLOCATED_RESOURCE_ID)).isEqualTo("ns/training");
    assertThat((String) allocated.getAs(FocusColumns.ALLOCATED_RESOURCE_NAME)).isEqualTo("training");
    assertThat((String) allocated.getAs(FocusColumns.ALLOCATED_TAGS)).isEqualTo("{\"team\": \"research\"}");
    assertThat((String) allocated.getAs(FocusColumns.ALLOCATED_METHOD_DETAILS)).contains("\"AllocatedRatio\": 0.25");
    assertThat((BigDecimal) allocated.getAs(FocusColumns.LIST_UNIT_PRICE)).isEqualByComparingTo("32.7712");
    assertThat((String) allocated.getAs(ExtensionColumns.TEAM)).as("team from the tags, not the allocated tags").isEqualTo("infra");
  }

  @Test
  void withoutAVersionColumnTheColumnsPresentDecideAboutHostProviderName() {
    Map<String, Row> v12 =
        byDescription(normalizer.normalize(FocusInputs.csv(SAMPLES.resolve("focus-1.2-tiny.csv"), null), CONTEXT)
            .focus()
            .collectAsList());
    Map<String, Row> v13 =
        byDescription(normalizer.normalize(FocusInputs.csv(SAMPLES.resolve("focus-1.3-tiny.csv"), null), CONTEXT)
            .focus()
            .collectAsList());

    assertThat((String) v12.get("Sales tax").getAs(FocusColumns.HOST_PROVIDER_NAME)).isEqualTo("AWS");
    assertThat((String) v13.get("Sales tax").getAs(FocusColumns.HOST_PROVIDER_NAME)).isNull();
    assertThat((String) v13.get("Claude output tokens").getAs(FocusColumns.HOST_PROVIDER_NAME)).isEqualTo("AWS");
  }

  @Test
  void quarantinesUnparsableNumbersAndDatesAndMissingRequiredValues() {
    Path file = SAMPLES.resolve("focus-1.1-bad-values.csv");
    List<Map<String, String>> input = CsvRecords.read(file);

    NormalizeResult result = normalizer.normalize(FocusInputs.csv(file, "1.1"), CONTEXT);
    List<Row> focus = result.focus().collectAsList();
    Map<String, Row> quarantined =
        result.quarantine().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs(QuarantineTable.SOURCE_FIELD), Function.identity()));

    assertThat(focus).hasSize(1);
    assertThat(quarantined).hasSize(input.size() - 1);

    Row notANumber = quarantined.get(FocusColumns.BILLED_COST);
    assertThat((String) notANumber.getAs(QuarantineTable.ERROR_CODE))
        .isEqualTo(PipelineErrorCode.UNPARSABLE_NUMBER.label())
        .isEqualTo("AIF-2001 UNPARSABLE_NUMBER");
    assertThat((String) notANumber.getAs(QuarantineTable.ERROR_MESSAGE))
        .isEqualTo(FocusColumns.BILLED_COST + ": not a number: 'abc'");
    assertThat((BigDecimal) notANumber.getAs(QuarantineTable.BILLED_AMOUNT)).isNull();
    assertThat(instant(notANumber.getAs(QuarantineTable.BILLING_PERIOD_START)))
        .isEqualTo(Instant.parse("2025-06-01T00:00:00Z"));
    assertThat((String) notANumber.getAs(QuarantineTable.SOURCE_KIND)).isEqualTo(SourceKind.FOCUS.id());
    assertThat((String) notANumber.getAs(QuarantineTable.SOURCE_FILE)).endsWith("/focus-1.1-bad-values.csv");
    assertThat((String) notANumber.getAs(QuarantineTable.RAW_RECORD)).contains("\"" + FocusColumns.BILLED_COST + "\":\"abc\"");

    Row badDate = quarantined.get(FocusColumns.CHARGE_PERIOD_START);
    assertThat((String) badDate.getAs(QuarantineTable.ERROR_CODE)).isEqualTo(PipelineErrorCode.UNPARSABLE_TIMESTAMP.label());
    assertThat((String) badDate.getAs(QuarantineTable.ERROR_MESSAGE)).contains("'yesterday'");
    assertThat((BigDecimal) badDate.getAs(QuarantineTable.BILLED_AMOUNT)).isEqualByComparingTo("2.5");

    Row noAccount = quarantined.get(FocusColumns.BILLING_ACCOUNT_ID);
    assertThat((String) noAccount.getAs(QuarantineTable.ERROR_CODE))
        .isEqualTo(PipelineErrorCode.MISSING_REQUIRED_VALUE.label());
    assertThat((BigDecimal) noAccount.getAs(QuarantineTable.BILLED_AMOUNT)).isEqualByComparingTo("4.75");

    Row commaPrice = quarantined.get(FocusColumns.LIST_UNIT_PRICE);
    assertThat((String) commaPrice.getAs(QuarantineTable.ERROR_CODE)).isEqualTo(PipelineErrorCode.UNPARSABLE_NUMBER.label());
    assertThat((String) commaPrice.getAs(QuarantineTable.ERROR_MESSAGE))
        .isEqualTo(FocusColumns.LIST_UNIT_PRICE + ": not a number: '0,001'");

    // reconciliation: every parsable input amount is either in the output or in quarantine
    BigDecimal parsableInput = BigDecimal.ZERO;
    for (Map<String, String> record : input) {
      try {
        parsableInput = parsableInput.add(new BigDecimal(record.get(FocusColumns.BILLED_COST)));
      } catch (NumberFormatException e) {
        // 'abc': no amount on either side
      }
    }
    assertThat(sum(focus, FocusColumns.BILLED_COST).add(sumBilledAmount(List.copyOf(quarantined.values()))))
        .isEqualByComparingTo(parsableInput)
        .isEqualByComparingTo("8.500000000001");
    assertThat((BigDecimal) focus.get(0).getAs(FocusColumns.BILLED_COST)).isEqualByComparingTo("1.000000000001");
  }

  @Test
  void aMalformedCsvRecordLandsOnExactlyOneSide() throws IOException {
    Path dir = SparkTestSession.newDirectory("focus-malformed");
    List<String> lines = Files.readAllLines(SAMPLES.resolve("focus-1.2-tiny.csv"), StandardCharsets.UTF_8);
    Path file = dir.resolve("malformed.csv");
    // a good line, a line with three fields, a good line with one field too many
    Files.write(file, List.of(lines.get(0), lines.get(1), "only,three,fields", lines.get(2) + ",extra"));
    RawInput input = FocusInputs.csv(file, "1.2");

    NormalizeResult result = normalizer.normalize(input, CONTEXT);

    // counts (which let Spark prune columns) and collected rows must tell the same story
    assertThat(result.focus().count()).isEqualTo(1);
    assertThat(result.quarantine().count()).isEqualTo(2);
    List<Row> focus = result.focus().collectAsList();
    List<Row> quarantine = result.quarantine().collectAsList();
    assertThat(focus).extracting(r -> (String) r.getAs(FocusColumns.CHARGE_DESCRIPTION)).containsExactly("Claude input tokens");
    assertThat(quarantine)
        .extracting(r -> (String) r.getAs(QuarantineTable.ERROR_CODE))
        .containsOnly(PipelineErrorCode.MALFORMED_RECORD.label());
    assertThat(quarantine)
        .extracting(r -> (String) r.getAs(QuarantineTable.RAW_RECORD))
        .containsExactlyInAnyOrder("only,three,fields", lines.get(2) + ",extra");
    BigDecimal inputTotal =
        input.rows().select(input.billedAmount()).collectAsList().stream()
            .map(r -> r.getDecimal(0))
            .filter(Objects::nonNull)
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(sum(focus, FocusColumns.BILLED_COST).add(sumBilledAmount(quarantine))).isEqualByComparingTo(inputTotal);
  }

  @Test
  void enumerationsGetTheirCanonicalSpellingAndMandatoryCostsTheBilledCost() {
    Map<String, String> sql = new LinkedHashMap<>();
    sql.put(FocusColumns.BILLED_COST, "'-3.25'");
    sql.put(FocusColumns.BILLING_ACCOUNT_ID, "'ba-1'");
    sql.put(FocusColumns.BILLING_CURRENCY, "'USD'");
    sql.put(FocusColumns.BILLING_PERIOD_START, "'2024-09-01 00:00:00'");
    sql.put(FocusColumns.BILLING_PERIOD_END, "'2024-10-01 00:00:00'");
    sql.put(FocusColumns.CHARGE_PERIOD_START, "'2024-09-01 00:00:00'");
    sql.put(FocusColumns.CHARGE_PERIOD_END, "'2024-09-02 00:00:00'");
    sql.put(FocusColumns.CHARGE_CATEGORY, "'credit'");
    sql.put(FocusColumns.CHARGE_FREQUENCY, "'Usage-based'");
    sql.put(FocusColumns.CONTRACTED_COST, "'NULL'");
    sql.put(FocusColumns.EFFECTIVE_COST, "'-3.00'");
    NormalizeResult good = normalizer.normalize(FocusInputs.of(oneRow(sql), "a.csv"), CONTEXT);
    Row row = good.focus().first();
    assertThat((String) row.getAs(FocusColumns.CHARGE_CATEGORY)).isEqualTo("Credit");
    assertThat((String) row.getAs(FocusColumns.CHARGE_FREQUENCY)).isEqualTo("Usage-Based");
    assertThat((BigDecimal) row.getAs(FocusColumns.CONTRACTED_COST)).isEqualByComparingTo("-3.25");
    assertThat((BigDecimal) row.getAs(FocusColumns.LIST_COST)).isEqualByComparingTo("-3.25");
    assertThat((BigDecimal) row.getAs(FocusColumns.EFFECTIVE_COST)).isEqualByComparingTo("-3.00");

    sql.put(FocusColumns.CHARGE_FREQUENCY, "'Sometimes'");
    NormalizeResult bad = normalizer.normalize(FocusInputs.of(oneRow(sql), "a.csv"), CONTEXT);
    assertThat(bad.focus().count()).isZero();
    Row q = bad.quarantine().first();
    assertThat((String) q.getAs(QuarantineTable.ERROR_CODE)).isEqualTo("AIF-2005 INVALID_VALUE");
    assertThat((String) q.getAs(QuarantineTable.ERROR_MESSAGE))
        .isEqualTo("ChargeFrequency: 'Sometimes' is not one of One-Time, Recurring, Usage-Based");
    assertThat((BigDecimal) q.getAs(QuarantineTable.BILLED_AMOUNT)).isEqualByComparingTo("-3.25");
  }

  @Test
  void nativeMapsBecomeJsonAndOlderNamesFillTheirColumns() {
    Map<String, String> sql = new LinkedHashMap<>();
    sql.put(FocusColumns.BILLED_COST, "'0.5'");
    sql.put(FocusColumns.BILLING_ACCOUNT_ID, "'ba-9'");
    sql.put(FocusColumns.BILLING_CURRENCY, "'USD'");
    sql.put(FocusColumns.BILLING_PERIOD_START, "TIMESTAMP'2025-03-01 00:00:00'");
    sql.put(FocusColumns.BILLING_PERIOD_END, "TIMESTAMP'2025-04-01 00:00:00'");
    sql.put(FocusColumns.CHARGE_PERIOD_START, "TIMESTAMP'2025-03-02 00:00:00'");
    sql.put(FocusColumns.CHARGE_PERIOD_END, "TIMESTAMP'2025-03-03 00:00:00'");
    sql.put(FocusColumns.CHARGE_CATEGORY, "'Usage'");
    sql.put(FocusColumns.PROVIDER_NAME, "'AWS'");
    sql.put(FocusColumns.EFFECTIVE_COST, "'0.5'");
    sql.put(FocusColumns.TAGS, "map('zeta', 'z', 'team', 'gpu-infra', 'blank', ' ')");
    sql.put(FocusColumns.SKU_PRICE_DETAILS, "map('InstanceType', 'p5.48xlarge', 'GpuCount', '8')");
    sql.put("UsageQuantity", "'42.5'"); // 1.0-preview name of ConsumedQuantity
    sql.put("Region", "'us-west-2'"); // 0.5 / 1.0-preview name of RegionId
    sql.put("x_PricingCurrency", "'EUR'"); // Microsoft FocusCost 1.0
    sql.put(ExtensionColumns.SERVICE_CODE, "'AmazonEC2'");
    sql.put(ExtensionColumns.USAGE_TYPE, "'USW2-BoxUsage:p5.48xlarge'");
    sql.put(ExtensionColumns.OPERATION, "'RunInstances'");
    sql.put("x_Unknown", "'ignored'");
    Dataset<Row> rows = oneRow(sql);

    NormalizeResult result = normalizer.normalize(FocusInputs.of(rows, "s3a://bucket/focus/part-0.parquet"), CONTEXT);
    Row row = result.focus().collectAsList().get(0);

    assertThat(result.quarantine().count()).isZero();
    assertThat((String) row.getAs(FocusColumns.TAGS)).isEqualTo("{\"team\":\"gpu-infra\",\"zeta\":\"z\"}");
    assertThat((String) row.getAs(ExtensionColumns.TEAM)).isEqualTo("gpu-infra");
    assertThat((String) row.getAs(FocusColumns.SKU_PRICE_DETAILS))
        .isEqualTo("{\"GpuCount\":\"8\",\"InstanceType\":\"p5.48xlarge\"}");
    assertThat((BigDecimal) row.getAs(FocusColumns.CONSUMED_QUANTITY)).isEqualByComparingTo("42.5");
    assertThat((String) row.getAs(FocusColumns.REGION_ID)).isEqualTo("us-west-2");
    assertThat((String) row.getAs(FocusColumns.PRICING_CURRENCY)).isEqualTo("EUR");
    assertThat((BigDecimal) row.getAs(FocusColumns.PRICING_CURRENCY_EFFECTIVE_COST))
        .as("no conversion between currencies")
        .isNull();
    assertThat(instant(row.getAs(FocusColumns.CHARGE_PERIOD_START)))
        .isEqualTo(Instant.parse("2025-03-02T00:00:00Z"));
    assertThat((String) row.getAs(ExtensionColumns.SERVICE_CODE)).isEqualTo("AmazonEC2");
    assertThat((String) row.getAs(ExtensionColumns.USAGE_TYPE)).isEqualTo("USW2-BoxUsage:p5.48xlarge");
    assertThat((String) row.getAs(ExtensionColumns.OPERATION)).isEqualTo("RunInstances");
    assertThat((String) row.getAs(ExtensionColumns.SOURCE_FILE)).isEqualTo("s3a://bucket/focus/part-0.parquet");
  }

  @Test
  void rawSchemaRequiresOnlyColumnsEveryVersionSince10MustFill() {
    RawSchema schema = RawSchema.load(SourceKind.FOCUS.id());

    assertThat(schema.source()).isEqualTo(SourceKind.FOCUS.id());
    assertThat(schema.requiredColumns())
        .containsExactlyInAnyOrder(
            FocusColumns.BILLED_COST,
            FocusColumns.BILLING_ACCOUNT_ID,
            FocusColumns.BILLING_CURRENCY,
            FocusColumns.BILLING_PERIOD_END,
            FocusColumns.BILLING_PERIOD_START,
            FocusColumns.CHARGE_CATEGORY,
            FocusColumns.CHARGE_PERIOD_END,
            FocusColumns.CHARGE_PERIOD_START);
    for (RawColumn raw : schema.columns()) {
      FocusColumn column = FocusSchema.costAndUsage().column(raw.name());
      if (raw.required()) {
        assertThat(column.featureLevel()).as(raw.name()).isEqualTo(FeatureLevel.Mandatory);
        assertThat(column.nullable()).as(raw.name()).isFalse();
        assertThat(column.introducedIn()).as(raw.name()).isIn("0.5", "1.0-preview", "1.0");
      }
    }
    for (String older : FocusUpgradeNormalizer.OLDER_NAMES.values().stream().flatMap(List::stream).toList()) {
      assertThat(FocusSchema.costAndUsage().find(older)).as(older + " is not a FOCUS 1.3 column").isEmpty();
    }
  }

  // ---- helpers ----

  /** One row with a column per entry: name → Spark SQL expression. */
  private static Dataset<Row> oneRow(Map<String, String> sqlByColumn) {
    List<Column> columns = new ArrayList<>();
    sqlByColumn.forEach((name, sql) -> columns.add(expr(sql).as(name)));
    return SparkTestSession.get().range(1).select(columns.toArray(Column[]::new));
  }

  private static Map<String, Row> byDescription(List<Row> rows) {
    return rows.stream().collect(Collectors.toMap(r -> r.getAs(FocusColumns.CHARGE_DESCRIPTION), Function.identity()));
  }

  private static BigDecimal sum(List<Row> rows, String column) {
    return rows.stream()
        .map(r -> (BigDecimal) r.getAs(column))
        .filter(Objects::nonNull)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal sumBilledAmount(List<Row> quarantine) {
    return sum(quarantine, QuarantineTable.BILLED_AMOUNT);
  }

  private static void assertSameDecimal(Row row, String actual, String expected) {
    BigDecimal a = row.getAs(actual);
    BigDecimal e = row.getAs(expected);
    if (e == null) {
      assertThat(a).as(actual).isNull();
    } else {
      assertThat(a).as(actual).isEqualByComparingTo(e);
    }
  }

  /** Output values of a column as sorted comparable strings (nulls counted separately by position). */
  private static List<String> values(List<Row> rows, FocusColumn column) {
    List<String> out = new ArrayList<>();
    for (Row row : rows) {
      Object value = row.getAs(column.id());
      if (value == null) {
        out.add(null);
      } else if (value instanceof BigDecimal decimal) {
        out.add(decimal.setScale(12, RoundingMode.UNNECESSARY).toPlainString());
      } else if (value instanceof Timestamp || value instanceof Instant) {
        out.add(instant(value).toString());
      } else {
        out.add(value.toString());
      }
    }
    out.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
    return out;
  }

  /** The same, computed in plain Java from the CSV cells. */
  private static List<String> expectedValues(List<Map<String, String>> input, FocusColumn column) {
    List<String> out = new ArrayList<>();
    List<String> billedCostFilled =
        List.of(FocusColumns.LIST_COST, FocusColumns.CONTRACTED_COST, FocusColumns.EFFECTIVE_COST);
    for (Map<String, String> record : input) {
      String cell = record.get(column.id());
      if (CsvRecords.isNull(cell) && billedCostFilled.contains(column.id())) {
        cell = record.get(FocusColumns.BILLED_COST); // mandatory costs without a value carry the billed cost
      }
      if (!column.allowedValues().isEmpty() && cell != null) {
        String value = cell;
        cell = column.allowedValues().stream().filter(v -> v.equalsIgnoreCase(value)).findFirst().orElse(cell);
      }
      String category = record.get(FocusColumns.CHARGE_CATEGORY);
      if (FocusUpgradeNormalizer.NON_NEGATIVE_PRICES.contains(column.id()) && !CsvRecords.isNull(cell)
          && new BigDecimal(cell.strip()).signum() < 0 && !List.of("Usage", "Purchase").contains(category)) {
        cell = null; // FOCUS 1.2+: no negative unit prices; dropped where the charge category allows null
      }
      if (CsvRecords.isNull(cell)) {
        out.add(null);
      } else if (column.dataType() == FocusDataType.Decimal) {
        out.add(new BigDecimal(cell.strip()).setScale(12, RoundingMode.HALF_UP).toPlainString());
      } else if (column.dataType() == FocusDataType.DateTime) {
        out.add(LocalDateTime.parse(cell.strip().replace(' ', 'T')).toInstant(ZoneOffset.UTC).toString());
      } else {
        out.add(cell);
      }
    }
    out.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
    return out;
  }

  /** A TIMESTAMP value as collected: Instant with Spark's java8 datetime API, else java.sql.Timestamp. */
  private static Instant instant(Object value) {
    return value instanceof Timestamp timestamp ? timestamp.toInstant() : (Instant) value;
  }

  private static <T> Map<String, Long> counts(List<T> rows, Function<T, String> key) {
    return rows.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  private static String expectedTeam(String tags, String key) {
    if (CsvRecords.isNull(tags)) {
      return CostAndUsageTable.UNATTRIBUTED_TEAM;
    }
    try {
      JsonNode value = new ObjectMapper().readTree(tags).get(key);
      return value == null || value.asText().isBlank() ? CostAndUsageTable.UNATTRIBUTED_TEAM : value.asText().strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
