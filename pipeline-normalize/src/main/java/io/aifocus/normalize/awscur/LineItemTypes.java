package io.aifocus.normalize.awscur;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.aifocus.schema.source.AwsCurColumns;
import java.util.List;
import org.apache.spark.sql.Column;

/** Classification of CUR {@code line_item_line_item_type} values into FOCUS charge attributes. */
final class LineItemTypes {
  static final List<String> USAGE =
      List.of("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation");
  static final List<String> PURCHASE =
      List.of("SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "RIFee", "Fee");
  static final List<String> CREDIT =
      List.of("Credit", "Refund", "BundledDiscount", "Discount", "PrivateRateDiscount", "SppDiscount",
          "DistributorDiscount", "EdpDiscount");
  /** Discount line items: they carry a discount as their own (negative) cost. */
  static final List<String> DISCOUNT = AwsCurColumns.DISCOUNT_LINE_ITEM_TYPES;
  static final List<String> KNOWN = concat(USAGE, PURCHASE, CREDIT, List.of("Tax"));

  private final Column type;

  LineItemTypes(Column type) {
    this.type = type;
  }

  Column is(String value) {
    return type.equalTo(lit(value));
  }

  Column isTax() {
    return type.equalTo(lit("Tax"));
  }

  Column isDiscount() {
    return type.isin(DISCOUNT.toArray());
  }

  Column coveredByReservation() {
    return is("DiscountedUsage");
  }

  Column coveredBySavingsPlan() {
    return is("SavingsPlanCoveredUsage");
  }

  /** Rows that belong to a commitment discount: covered usage, negations and the commitment's fees. */
  Column commitmentRelated() {
    return type.isin("DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "RIFee",
        "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "Fee");
  }

  /** A commitment's own fee rows (recurring or upfront), not other fees. */
  Column commitmentFee() {
    return type.isin("RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee");
  }

  /** FOCUS ChargeCategory, or null for an unknown type (the row is then quarantined). */
  Column chargeCategory() {
    return when(type.isin(USAGE.toArray()), lit("Usage"))
        .when(type.isin(PURCHASE.toArray()), lit("Purchase"))
        .when(isTax(), lit("Tax"))
        .when(type.isin(CREDIT.toArray()), lit("Credit"));
  }

  Column chargeFrequency() {
    return when(type.isin(USAGE.toArray()), lit("Usage-Based"))
        .when(type.isin("RIFee", "SavingsPlanRecurringFee"), lit("Recurring"))
        .when(isDiscount(), lit("Usage-Based"))
        .otherwise(lit("One-Time"));
  }

  /** FOCUS PricingCategory from the line type and CUR pricing term. */
  Column pricingCategory(Column term) {
    // a commitment's own purchase is bought at its standard price; only usage it covers is Committed
    return when(type.isin(PURCHASE.toArray()), lit("Standard"))
        .when(type.isin("DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation"), lit("Committed"))
        .when(term.equalTo(lit("Spot")), lit("Dynamic"))
        .when(term.equalTo(lit("OnDemand")).or(term.isNull()), lit("Standard"))
        .when(term.equalTo(lit("Reserved")), lit("Committed"))
        .otherwise(lit("Other"));
  }

  private static List<String> concat(List<String> a, List<String> b, List<String> c, List<String> d) {
    return java.util.stream.Stream.of(a, b, c, d).flatMap(List::stream).toList();
  }
}
