package io.aifocus.api.pricing;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The effective-dated LLM price book (format: docs/pricing.md). Plain Java for the arithmetic, and the same
 * prices as Spark Column expressions for the readers and normalizers of token-based sources, so a row is
 * priced identically wherever it is priced.
 *
 * <p>Lookup rule: the <em>first</em> row in file order whose provider equals, whose model glob matches the
 * lower-case model id and whose [effective-from, effective-to) contains the charge time. Put specific
 * patterns before general ones. The price in effect at the charge time is used, never today's price.
 */
public final class PriceBook {
  /** Header of the CSV form, in this order. */
  public static final List<String> HEADER = List.of(
      "version", "provider", "model_pattern", "effective_from", "effective_to", "currency",
      "input_per_1m", "output_per_1m", "cache_read_per_1m", "cache_write_5m_per_1m", "cache_write_1h_per_1m",
      "batch_discount", "long_context_threshold", "long_context_input_per_1m", "long_context_output_per_1m");
  /**
   * Optional last column (CSV) or key (YAML): the service tier a row prices ({@code priority}, {@code flex}, ...);
   * empty = any tier. A book without it is read as before.
   */
  public static final String SERVICE_TIER = "service_tier";
  private static final List<String> HEADER_WITH_TIER =
      java.util.stream.Stream.concat(HEADER.stream(), java.util.stream.Stream.of(SERVICE_TIER)).toList();

  private static final DecimalType TOKENS = DataTypes.createDecimalType(15, 0);
  private static final DecimalType PER_TOKEN = DataTypes.createDecimalType(22, 16);
  private static final DecimalType MONEY = DataTypes.createDecimalType(38, 12);
  private static final int MAX_PRICE_SCALE = 6;
  private static final int MAX_DISCOUNT_SCALE = 4;

  private final String source;
  private final List<Price> prices;

  public PriceBook(String source, List<Price> prices) {
    this.source = source;
    this.prices = List.copyOf(prices);
  }

  /** A book with no prices: every token row needing a price is quarantined (AIF-2006). */
  public static PriceBook empty() {
    return new PriceBook("(no price book configured)", List.of());
  }

  /** Reads the CSV form, or the YAML form when the file name ends in {@code .yaml} / {@code .yml}. */
  public static PriceBook load(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return lower.endsWith(".yaml") || lower.endsWith(".yml") ? parseYaml(file.toString(), text) : parse(file.toString(), text);
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, file + ": cannot read price book: " + e.getMessage(), e);
    }
  }

  /** Parses the CSV form; fails with AIF-9001 naming the file, line and column of the first bad value. */
  public static PriceBook parse(String name, String csv) {
    List<Price> out = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new StringReader(csv))) {
      String header = reader.readLine();
      List<String> columns = header == null ? List.of() : split(header.replace("\uFEFF", ""));
      if (!columns.equals(HEADER) && !columns.equals(HEADER_WITH_TIER)) {
        throw bad(name, "1", "header", "expected header " + String.join(",", HEADER) + " (optionally followed by ,"
            + SERVICE_TIER + ")");
      }
      String line;
      int number = 1;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        List<String> cells = split(line);
        if (cells.size() != columns.size()) {
          throw bad(name, String.valueOf(number), "line", "expected " + columns.size() + " fields, got " + cells.size());
        }
        Map<String, String> row = new LinkedHashMap<>();
        row.put(SERVICE_TIER, "");
        for (int i = 0; i < columns.size(); i++) {
          row.put(columns.get(i), cells.get(i).strip());
        }
        out.add(price(name, String.valueOf(number), row));
      }
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, name + ": cannot read price book", e);
    }
    return new PriceBook(name, out);
  }

  /**
   * Parses the YAML form: a top-level {@code prices} list of mappings whose keys are the CSV columns
   * ({@link #HEADER}; absent keys = empty cells). Fails with AIF-9001 naming the file, the entry
   * ({@code prices[i]}) and the key.
   */
  public static PriceBook parseYaml(String name, String yaml) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(yaml);
    } catch (IOException e) {
      throw new PipelineException(PipelineErrorCode.INVALID_CONFIG, name + ": not a YAML price book: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("prices").isArray() || root.size() != 1) {
      throw bad(name, "top level", "prices", "expected a mapping with one key 'prices' holding a list of prices");
    }
    List<Price> out = new ArrayList<>();
    for (int i = 0; i < root.get("prices").size(); i++) {
      String location = "prices[" + i + "]";
      JsonNode entry = root.get("prices").get(i);
      if (!entry.isObject()) {
        throw bad(name, location, "entry", "expected a mapping of price book columns");
      }
      Map<String, String> row = new LinkedHashMap<>();
      HEADER_WITH_TIER.forEach(column -> row.put(column, ""));
      for (Map.Entry<String, JsonNode> field : entry.properties()) {
        if (!HEADER_WITH_TIER.contains(field.getKey())) {
          throw bad(name, location, field.getKey(), "unknown key (expected one of " + String.join(", ", HEADER_WITH_TIER) + ")");
        }
        JsonNode value = field.getValue();
        if (value.isContainerNode()) {
          throw bad(name, location, field.getKey(), "expected a single value");
        }
        row.put(field.getKey(), value.isNull() ? "" : value.isNumber() ? value.decimalValue().toPlainString() : value.asText().strip());
      }
      out.add(price(name, location, row));
    }
    return new PriceBook(name, out);
  }

  private static Price price(String name, String line, Map<String, String> row) {
    Map<TokenType, BigDecimal> regular = new EnumMap<>(TokenType.class);
    putPrice(name, line, row, "input_per_1m", TokenType.INPUT, regular);
    putPrice(name, line, row, "output_per_1m", TokenType.OUTPUT, regular);
    putPrice(name, line, row, "cache_read_per_1m", TokenType.CACHE_READ, regular);
    putPrice(name, line, row, "cache_write_5m_per_1m", TokenType.CACHE_WRITE_5M, regular);
    putPrice(name, line, row, "cache_write_1h_per_1m", TokenType.CACHE_WRITE_1H, regular);
    Map<TokenType, BigDecimal> longContext = new EnumMap<>(TokenType.class);
    putPrice(name, line, row, "long_context_input_per_1m", TokenType.INPUT, longContext);
    putPrice(name, line, row, "long_context_output_per_1m", TokenType.OUTPUT, longContext);
    String threshold = row.get("long_context_threshold");
    Optional<Long> lcThreshold;
    try {
      lcThreshold = threshold.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(threshold));
    } catch (NumberFormatException e) {
      throw bad(name, line, "long_context_threshold", "not a whole number: '" + threshold + "'");
    }
    for (String required : List.of("version", "provider", "model_pattern", "effective_from", "currency")) {
      if (row.get(required).isEmpty()) {
        throw bad(name, line, required, "required value is missing");
      }
    }
    String discount = row.get("batch_discount");
    BigDecimal batch = discount.isEmpty() ? BigDecimal.ZERO : decimal(name, line, "batch_discount", discount);
    if (batch.stripTrailingZeros().scale() > MAX_DISCOUNT_SCALE) {
      throw bad(name, line, "batch_discount", "at most " + MAX_DISCOUNT_SCALE + " decimal places: '" + discount + "'");
    }
    try {
      return new Price(row.get("version"), row.get("provider"), row.get("model_pattern"),
          instant(name, line, "effective_from", row.get("effective_from")),
          row.get("effective_to").isEmpty() ? Optional.empty()
              : Optional.of(instant(name, line, "effective_to", row.get("effective_to"))),
          row.get("currency").toUpperCase(Locale.ROOT), regular, batch, lcThreshold, longContext,
          Optional.of(row.get(SERVICE_TIER)));
    } catch (IllegalArgumentException e) {
      throw bad(name, line, "line", e.getMessage());
    }
  }

  private static void putPrice(String name, String line, Map<String, String> row, String column, TokenType type,
      Map<TokenType, BigDecimal> into) {
    String value = row.get(column);
    if (value.isEmpty()) {
      return;
    }
    BigDecimal price = decimal(name, line, column, value);
    if (price.signum() < 0 || price.scale() > MAX_PRICE_SCALE || price.compareTo(Price.MILLION) >= 0) {
      throw bad(name, line, column, "price must be >= 0, < 1000000 and have at most " + MAX_PRICE_SCALE
          + " decimal places: '" + value + "'");
    }
    into.put(type, price);
  }

  private static BigDecimal decimal(String name, String line, String column, String value) {
    try {
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw bad(name, line, column, "not a number: '" + value + "'");
    }
  }

  /** {@code 2026-11-15} (midnight UTC) or an ISO-8601 instant. */
  private static Instant instant(String name, String line, String column, String value) {
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw bad(name, line, column, "not a date (YYYY-MM-DD) or UTC instant: '" + value + "'");
    }
  }

  private static PipelineException bad(String name, String line, String column, String message) {
    return new PipelineException(PipelineErrorCode.INVALID_CONFIG, name + ":" + line + ": price book column " + column
        + ": " + message);
  }

  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    for (String cell : line.split(",", -1)) {
      out.add(cell.strip());
    }
    return out;
  }

  public String source() {
    return source;
  }

  /** The file name of {@link #source()} (no directories), for messages that must not depend on the checkout. */
  public String name() {
    int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
    return source.substring(slash + 1);
  }

  public List<Price> prices() {
    return prices;
  }

  /** The price row in effect for a charge at {@code at}: the first matching row in file order. */
  public Optional<Price> find(String provider, String model, Instant at) {
    return find(provider, model, at, null);
  }

  /** The price row in effect for a charge of service tier {@code tier} (null: the source names none). */
  public Optional<Price> find(String provider, String model, Instant at, String tier) {
    return prices.stream().filter(p -> p.matches(provider, model, at, tier)).findFirst();
  }

  // ---- Spark forms ------------------------------------------------------------------------------------

  /** Index of the price row in effect (first match in file order), or null. */
  public Column index(Column provider, Column model, Column at) {
    return index(provider, model, at, lit(null).cast(DataTypes.StringType));
  }

  /**
   * Index of the price row in effect for a charge of service tier {@code tier} (a string column, null when the
   * source names no tier): rows with a {@value #SERVICE_TIER} match only that tier, rows without one any tier.
   */
  public Column index(Column provider, Column model, Column at, Column tier) {
    Column p = lower(trim(provider));
    Column m = lower(trim(model));
    Column t = lower(trim(tier));
    Column out = lit(null).cast(DataTypes.IntegerType);
    for (int i = prices.size() - 1; i >= 0; i--) {
      Price price = prices.get(i);
      Column matches = p.equalTo(lit(price.provider()))
          .and(m.rlike(price.modelRegex()))
          .and(at.geq(lit(Timestamp.from(price.effectiveFrom()))));
      if (price.serviceTier().isPresent()) {
        matches = matches.and(coalesce(t.equalTo(lit(price.serviceTier().get())), lit(false)));
      }
      if (price.effectiveTo().isPresent()) {
        matches = matches.and(at.lt(lit(Timestamp.from(price.effectiveTo().get()))));
      }
      out = when(matches, lit(i)).otherwise(out);
    }
    return out;
  }

  public Column version(Column index) {
    return byIndex(index, Price::version);
  }

  public Column currency(Column index) {
    return byIndex(index, Price::currency);
  }

  private Column byIndex(Column index, Function<Price, String> value) {
    Column out = lit(null).cast(DataTypes.StringType);
    for (int i = 0; i < prices.size(); i++) {
      out = when(index.equalTo(lit(i)), lit(value.apply(prices.get(i)))).otherwise(out);
    }
    return out;
  }

  /** Price per 1M tokens after batch discount and long-context tier, DECIMAL(38,12); null when unpriced. */
  public Column unitPricePerMillion(Column index, Column tokenType, Column batch, Column requestInputTokens) {
    return priceExpression(index, tokenType, batch, requestInputTokens, p -> p, MONEY);
  }

  /**
   * tokens × the unit price, exactly, as DECIMAL(38,12). Zero tokens of a token type the price row does not
   * sell cost 0; otherwise null when unpriced (no price row, or no price for the token type) or when the
   * token count is negative (an invalid record has no priced usage).
   *
   * <p>Pass {@code index} as a column reference (materialize {@link #index} with {@code withColumn} first):
   * the price expressions repeat it many times and would otherwise outgrow Spark's generated code.
   */
  public Column cost(Column index, Column tokenType, Column batch, Column requestInputTokens, Column tokens) {
    Column perToken = priceExpression(index, tokenType, batch, requestInputTokens,
        p -> p.divide(Price.MILLION, 16, RoundingMode.UNNECESSARY), PER_TOKEN);
    Column count = tokens.cast(TOKENS);
    return when(perToken.isNull().and(index.isNotNull()).and(count.equalTo(lit(0))), lit(BigDecimal.ZERO).cast(MONEY))
        .when(count.lt(lit(0)), lit(null).cast(MONEY))
        .otherwise(count.multiply(perToken.cast(PER_TOKEN)).cast(MONEY));
  }

  /**
   * The price of the row's token type under price row {@code index}: one array of prices per token type, batch
   * and context tier, indexed by the price row, so the expression stays the same size however many rows the book
   * has (a nested CASE over every row and token type made the normalization plans tens of thousands of nodes
   * large, and Spark's analysis and optimization of them the largest cost of a small run).
   */
  private Column priceExpression(Column index, Column tokenType, Column batch, Column requestInputTokens,
      Function<BigDecimal, BigDecimal> scale, DecimalType type) {
    if (prices.isEmpty()) {
      return lit(null).cast(type);
    }
    Column position = index.plus(lit(1));
    Long[] thresholds = prices.stream().map(p -> p.longContextThreshold().orElse(null)).toArray(Long[]::new);
    // null (no threshold, or no request input count) is not long context: the regular price applies
    Column longContext = requestInputTokens.gt(element_at(lit(thresholds), position));
    Column out = lit(null).cast(type);
    for (TokenType each : TokenType.values()) {
      Column regular = when(batch, priceAt(position, each, true, false, scale, type))
          .otherwise(priceAt(position, each, false, false, scale, type));
      Column tier = when(batch, priceAt(position, each, true, true, scale, type))
          .otherwise(priceAt(position, each, false, true, scale, type));
      out = when(tokenType.equalTo(lit(each.id())), when(longContext, tier).otherwise(regular)).otherwise(out);
    }
    return out;
  }

  /** Element {@code position} (1-based price row) of the array of one token type's prices, null where unpriced. */
  private Column priceAt(Column position, TokenType tokenType, boolean batch, boolean longContext,
      Function<BigDecimal, BigDecimal> scale, DecimalType type) {
    BigDecimal[] values = new BigDecimal[prices.size()];
    for (int i = 0; i < values.length; i++) {
      Price price = prices.get(i);
      // above the row's threshold when it has one; a row without one has a single (regular) price
      long requestInput = longContext ? price.longContextThreshold().map(t -> t + 1).orElse(0L) : 0L;
      values[i] = price.unitPrice(tokenType, batch, requestInput).map(scale).orElse(null);
    }
    return element_at(lit(values), position).cast(type);
  }

}
