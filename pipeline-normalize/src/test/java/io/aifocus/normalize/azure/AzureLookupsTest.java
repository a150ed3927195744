package io.aifocus.normalize.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The FinOps toolkit tables as aifocus reads them (quoted cells with commas, exact unit spellings). */
class AzureLookupsTest {
  @Test
  void pricingUnitsKeepQuotedCellsWhole() {
    Map<String, String> units = AzureLookups.pricingUnits();
    // "1 Hour","MCA, EA",1,Hours: the quoted account types hold a comma and must not shift the columns
    assertThat(AzureLookups.pricingUnit(units, "1 Hour")).isEqualTo("1" + AzureLookups.SEPARATOR + "Hours");
    assertThat(AzureLookups.pricingUnit(units, " 1 Hour ")).isEqualTo("1" + AzureLookups.SEPARATOR + "Hours");
    assertThat(AzureLookups.pricingUnit(units, "10K")).isEqualTo("10000" + AzureLookups.SEPARATOR + "Units");
    assertThat(AzureLookups.pricingUnit(units, "100 Hours")).isEqualTo("100" + AzureLookups.SEPARATOR + "Hours");
    assertThat(AzureLookups.pricingUnit(units, "no such unit")).isNull();
    assertThat(AzureLookups.split("\"a, b\",\"say \"\"hi\"\"\",c\r")).containsExactly("a, b", "say \"hi\"", "c");
  }
}
