package io.aifocus.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifocus.schema.FocusColumns;
import io.aifocus.schema.FocusSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped lookup tables only produce values FOCUS 1.3 allows, with consistent parents. */
class LookupsTest {
  @Test
  void awsCategoriesAndSubcategoriesAreValidFocusValues() {
    List<String> categories = FocusSchema.costAndUsage().column(FocusColumns.SERVICE_CATEGORY).allowedValues();
    Map<String, List<String>> byParent =
        FocusSchema.costAndUsage().column(FocusColumns.SERVICE_SUBCATEGORY).allowedValuesByParent();
    Map<String, String> category = Lookups.map("aifocus/normalize/aws-service-categories.csv", 0, 1);
    assertThat(category).hasSizeGreaterThan(150);
    assertThat(category.values()).allMatch(categories::contains);
    for (String[] row : Lookups.readCsv("aifocus/normalize/aws-service-subcategories.csv")) {
      assertThat(categories).as(row[0]).contains(row[1]);
      assertThat(byParent.get(row[1])).as("%s: %s under %s", row[0], row[2], row[1]).contains(row[2]);
    }
    assertThat(category).containsEntry("AmazonBedrock", "AI and Machine Learning").containsEntry("AmazonS3", "Storage");
  }

  @Test
  void gcpCategoriesAndSubcategoriesAreValidFocusValues() {
    List<String> categories = FocusSchema.costAndUsage().column(FocusColumns.SERVICE_CATEGORY).allowedValues();
    Map<String, List<String>> byParent =
        FocusSchema.costAndUsage().column(FocusColumns.SERVICE_SUBCATEGORY).allowedValuesByParent();
    List<String[]> rows = Lookups.readCsv("aifocus/normalize/gcp-service-subcategories.csv");
    assertThat(rows).hasSizeGreaterThan(30);
    for (String[] row : rows) {
      assertThat(categories).as(row[0]).contains(row[1]);
      assertThat(byParent.get(row[1])).as("%s: %s under %s", row[0], row[2], row[1]).contains(row[2]);
    }
    assertThat(Lookups.map("aifocus/normalize/gcp-service-subcategories.csv", 0, 2))
        .containsEntry("Vertex AI", "Generative AI").containsEntry("Cloud Storage", "Object Storage");
  }

  @Test
  void gcpSkuDescriptionsNameTheirModel() {
    assertThat(ModelIds.fromSkuDescription("Gemini 2.5 Flash Text Input Tokens")).isEqualTo("gemini-2.5-flash");
    assertThat(ModelIds.fromSkuDescription("Claude Sonnet 4.5 Output Tokens")).isEqualTo("claude-sonnet-4.5");
    assertThat(ModelIds.fromSkuDescription("Gemini 1.5 Pro - Cached Input")).isEqualTo("gemini-1.5-pro");
    assertThat(ModelIds.fromSkuDescription("Custom Training n1-standard-4")).isNull();
  }
}
