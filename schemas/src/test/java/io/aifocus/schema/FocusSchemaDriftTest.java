package io.aifocus.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * The schema files are the single source of truth; this test fails when they drift from the FOCUS 1.3
 * column reference in ../shared/focus or from the Java constants.
 */
class FocusSchemaDriftTest {
  @Test
  void costAndUsageMatchesTheReferenceCsv() throws IOException {
    assertMatchesReference(FocusSchema.costAndUsage(), "focus-1.3-columns.csv", 65);
  }

  @Test
  void contractCommitmentMatchesTheReferenceCsv() throws IOException {
    assertMatchesReference(FocusSchema.contractCommitment(), "focus-1.3-contract-commitment-columns.csv", 13);
  }

  private static void assertMatchesReference(FocusSchema schema, String csv, int expectedColumns) throws IOException {
    List<Map<String, String>> reference = readCsv(sharedFocus().resolve(csv));
    assertThat(schema.columnIds()).hasSize(expectedColumns)
        .containsExactlyElementsOf(reference.stream().map(r -> r.get("column_id")).toList());
    for (Map<String, String> row : reference) {
      FocusColumn column = schema.column(row.get("column_id"));
      String type = row.get("data_type");
      FocusDataType expectedType = type.startsWith("JSON") ? FocusDataType.JSON : FocusDataType.valueOf(type);
      assertThat(column.dataType()).as("type of %s", column.id()).isEqualTo(expectedType);
      assertThat(column.nullable()).as("nullable of %s (%s)", column.id(), row.get("nullable"))
          .isEqualTo(!row.get("nullable").startsWith("No"));
      assertThat(row.get("requirement")).as("feature level of %s", column.id())
          .startsWith(column.featureLevel().name());
      String allowed = row.get("allowed_values");
      if (!column.allowedValues().isEmpty()) {
        assertThat(column.allowedValues()).as("allowed values of %s", column.id())
            .containsExactlyElementsOf(Arrays.stream(allowed.split(";")).map(String::strip).toList());
      } else if (column.allowedValuesByParent().isEmpty()) {
        assertThat(looksLikeEnumeration(allowed)).as("%s is an enumeration in the CSV (%s) but not in the schema file",
            column.id(), allowed).isFalse();
      }
    }
  }

  /** A list of capitalized words separated by '; ' with no format keywords, like 'Used; Unused'. */
  private static boolean looksLikeEnumeration(String allowed) {
    if (allowed.matches(".*(Format|Free text|SHOULD|MUST|ISO|decimal|Provider|Unique|Flat|Object|Fixed|UTC).*")) {
      return false;
    }
    return Arrays.stream(allowed.split(";")).map(String::strip)
        .allMatch(v -> v.matches("[A-Z][A-Za-z]*([ -]([A-Z][A-Za-z]*|and))*"));
  }

  @Test
  void serviceSubcategoriesHaveExactlyOneKnownParent() {
    FocusColumn category = FocusSchema.costAndUsage().column(FocusColumns.SERVICE_CATEGORY);
    FocusColumn subcategory = FocusSchema.costAndUsage().column(FocusColumns.SERVICE_SUBCATEGORY);
    assertThat(subcategory.allowedValuesByParent().keySet()).containsExactlyInAnyOrderElementsOf(category.allowedValues());
    List<String> all = subcategory.allowedValuesByParent().values().stream().flatMap(List::stream).toList();
    assertThat(all).doesNotHaveDuplicates().contains("Generative AI", "Virtual Machines", "Other (Other)");
    subcategory.allowedValuesByParent().forEach((parent, values) ->
        assertThat(values).as("catch-all of %s", parent).contains("Other (" + parent + ")"));
  }

  @Test
  void constantsMatchTheSchemaFilesInBothDirections() throws IllegalAccessException {
    assertThat(constants(FocusColumns.class)).containsExactlyInAnyOrderElementsOf(FocusSchema.costAndUsage().columnIds());
    assertThat(constants(ContractCommitmentColumns.class))
        .containsExactlyInAnyOrderElementsOf(FocusSchema.contractCommitment().columnIds());
    assertThat(constants(ExtensionColumns.class))
        .containsExactlyInAnyOrderElementsOf(AifocusExtensions.columns().stream().map(ExtensionColumn::id).toList());
  }

  @Test
  void sparkSchemaStoresMoneyAsExactDecimals() {
    StructField[] fields = CostAndUsageTable.schema().fields();
    assertThat(fields).hasSize(65 + AifocusExtensions.columns().size());
    for (FocusColumn column : FocusSchema.costAndUsage().columns()) {
      StructField field = CostAndUsageTable.schema().apply(column.id());
      switch (column.dataType()) {
        case Decimal -> assertThat(field.dataType()).isEqualTo(new DecimalType(38, 12));
        case DateTime -> assertThat(field.dataType()).isEqualTo(DataTypes.TimestampType);
        case String, JSON -> assertThat(field.dataType()).isEqualTo(DataTypes.StringType);
      }
      assertThat(field.metadata().getString("focus.featureLevel")).isEqualTo(column.featureLevel().name());
    }
    assertThat(Arrays.stream(fields).skip(65).map(StructField::name)).allMatch(n -> n.startsWith("x_"));
    assertThat(CostAndUsageTable.PARTITION_COLUMNS).containsExactly("x_Team", "x_Model");
  }

  @Test
  void currencyCodesAreTheValidatorsIsoList() throws IOException {
    Set<String> reference = readCsv(sharedFocus().resolve("currency_codes.csv")).stream()
        .map(r -> r.get("currency_codes")).collect(Collectors.toCollection(TreeSet::new));
    assertThat(CurrencyCodes.iso4217()).hasSize(180).containsExactlyInAnyOrderElementsOf(reference)
        .contains("USD", "EUR", "NOK", "CAD").doesNotContain("Tokens");
  }

  private static List<String> constants(Class<?> type) throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        out.add((String) field.get(null));
      }
    }
    return out;
  }

  static Path sharedFocus() {
    String root = System.getProperty("aifocus.project.root", "..");
    Path shared = Path.of(root).toAbsolutePath().normalize().resolveSibling("shared").resolve("focus");
    assertThat(shared).as("FOCUS reference material beside the project").isDirectory();
    return shared;
  }

  /** Minimal RFC 4180 reader for the reference CSVs (quoted fields may hold commas). */
  static List<Map<String, String>> readCsv(Path file) throws IOException {
    List<List<String>> records = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> record = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      int c;
      while ((c = reader.read()) != -1) {
        char ch = (char) c;
        if (quoted) {
          if (ch == '"') {
            reader.mark(1);
            int next = reader.read();
            if (next == '"') {
              cell.append('"');
            } else {
              quoted = false;
              if (next != -1) {
                reader.reset();
              }
            }
          } else {
            cell.append(ch);
          }
        } else if (ch == '"') {
          quoted = true;
        } else if (ch == ',') {
          record.add(cell.toString());
          cell.setLength(0);
        } else if (ch == '\n') {
          record.add(cell.toString());
          cell.setLength(0);
          records.add(record);
          record = new ArrayList<>();
        } else if (ch != '\r') {
          cell.append(ch);
        }
      }
      if (cell.length() > 0 || !record.isEmpty()) {
        record.add(cell.toString());
        records.add(record);
      }
    }
    List<String> header = records.get(0);
    List<Map<String, String>> rows = new ArrayList<>();
    for (List<String> rec : records.subList(1, records.size())) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), i < rec.size() ? rec.get(i) : "");
      }
      rows.add(row);
    }
    return rows;
  }
}
