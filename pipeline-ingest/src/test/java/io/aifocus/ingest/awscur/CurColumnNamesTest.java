package io.aifocus.ingest.awscur;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CurColumnNamesTest {
  private static final Set<String> TOP_LEVEL = Set.of("product_sku", "product_region_code", "product_product_family");

  @Test
  void legacyNamesBecomeCur2Names() {
    assertThat(CurColumnNames.target("lineItem/UnblendedCost", TOP_LEVEL::contains).column())
        .isEqualTo("line_item_unblended_cost");
    assertThat(CurColumnNames.target("identity/LineItemId", TOP_LEVEL::contains).column())
        .isEqualTo("identity_line_item_id");
    assertThat(CurColumnNames.target("bill/BillingPeriodStartDate", TOP_LEVEL::contains).column())
        .isEqualTo("bill_billing_period_start_date");
    // AWS's own acronym quirk
    assertThat(CurColumnNames.target("reservation/ReservationARN", TOP_LEVEL::contains).column())
        .isEqualTo("reservation_reservation_a_r_n");
    assertThat(CurColumnNames.target("savingsPlan/SavingsPlanARN", TOP_LEVEL::contains).column())
        .isEqualTo("savings_plan_savings_plan_a_r_n");
    assertThat(CurColumnNames.target("pricing/publicOnDemandCost", TOP_LEVEL::contains).column())
        .isEqualTo("pricing_public_on_demand_cost");
  }

  @Test
  void productAttributesStayTopLevelOnlyWhereCur2KeepsThem() {
    assertThat(CurColumnNames.target("product/sku", TOP_LEVEL::contains))
        .isEqualTo(CurColumnNames.Target.column("product_sku"));
    assertThat(CurColumnNames.target("product/regionCode", TOP_LEVEL::contains))
        .isEqualTo(CurColumnNames.Target.column("product_region_code"));
    assertThat(CurColumnNames.target("product/ProductName", TOP_LEVEL::contains))
        .isEqualTo(CurColumnNames.Target.entry("product", "product_name"));
    assertThat(CurColumnNames.target("product/region", TOP_LEVEL::contains))
        .isEqualTo(CurColumnNames.Target.entry("product", "region"));
  }

  @Test
  void tagAndCostCategoryColumnsFoldIntoMapsWithTheirKeys() {
    assertThat(CurColumnNames.target("resourceTags/user:team", TOP_LEVEL::contains))
        .isEqualTo(new CurColumnNames.Target("resource_tags", Optional.of("user:team")));
    assertThat(CurColumnNames.target("costCategory/Team", TOP_LEVEL::contains))
        .isEqualTo(new CurColumnNames.Target("cost_category", Optional.of("Team")));
    assertThat(CurColumnNames.target("resource_tags_user_team", TOP_LEVEL::contains))
        .isEqualTo(new CurColumnNames.Target("resource_tags", Optional.of("user_team")));
    assertThat(CurColumnNames.target("line_item_unblended_cost", TOP_LEVEL::contains))
        .isEqualTo(CurColumnNames.Target.column("line_item_unblended_cost"));
  }
}
