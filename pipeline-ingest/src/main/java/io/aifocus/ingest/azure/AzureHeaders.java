package io.aifocus.ingest.azure;

import io.aifocus.api.PipelineErrorCode;
import io.aifocus.api.PipelineException;
import io.aifocus.schema.source.AzureCostColumns;
import io.aifocus.schema.source.RawColumn;
import io.aifocus.schema.source.RawSchema;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Header names of Azure cost details exports → canonical names of {@code sources/azure-cost.yaml}. Plain Java.
 *
 * <p>Matching ignores case (EA writes {@code CostInBillingCurrency}, MCA {@code costInBillingCurrency}), takes the
 * English name out of a localized header ({@code Abonnement-GUID (SubscriptionGuid)} → {@code SubscriptionGuid}) and
 * maps the other spellings Microsoft has used for the same field. Headers that are neither canonical nor another known
 * Azure column are checked for two names run together (a missing comma), which would shift every value by one column.
 */
final class AzureHeaders {
  private static final Pattern LOCALIZED = Pattern.compile("^.*\\S\\s*\\(([A-Za-z][A-Za-z0-9_]*)\\)$");

  /** Other spellings (lower case) of canonical columns. */
  private static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("cost", AzureCostColumns.COST_IN_BILLING_CURRENCY), // c360 exports
          Map.entry("pretaxcost", AzureCostColumns.COST_IN_BILLING_CURRENCY), // pay-as-you-go
          Map.entry("billingcurrencycode", AzureCostColumns.BILLING_CURRENCY), // EA
          Map.entry("currency", AzureCostColumns.BILLING_CURRENCY), // pay-as-you-go
          Map.entry("product", AzureCostColumns.PRODUCT_NAME), // c360
          Map.entry("invoicesection", AzureCostColumns.INVOICE_SECTION_NAME), // c360
          Map.entry("resourcegroupname", AzureCostColumns.RESOURCE_GROUP), // MCA
          Map.entry("subscriptionguid", AzureCostColumns.SUBSCRIPTION_ID), // pay-as-you-go
          Map.entry("usagedatetime", AzureCostColumns.DATE), // pay-as-you-go
          Map.entry("usagequantity", AzureCostColumns.QUANTITY), // pay-as-you-go
          Map.entry("resourcerate", AzureCostColumns.EFFECTIVE_PRICE), // pay-as-you-go
          Map.entry("instanceid", AzureCostColumns.RESOURCE_ID)); // pay-as-you-go

  /** Azure cost details columns aifocus does not read (lower case): known, so never taken for a header typo. */
  private static final Set<String> IGNORED =
      Set.of("accountname", "accountownerid", "accountid", "costcenter", "offerid", "serviceinfo1", "serviceinfo2",
          "productorderid", "productordername", "term", "isazurecrediteligible", "planname", "costallocationrulename",
          "resourcelocationnormalized", "previousinvoiceid", "resellername", "resellermpnid", "serviceperiodenddate",
          "serviceperiodstartdate", "publisherid", "location", "costinusd", "paygcostinusd", "exchangeratedate",
          "provider", "partnertenantid", "partnerid", "customertenantid", "customername", "meterresourceid",
          "servicename", "servicetier", "consumedunit", "billingmonth", "departmentname",
          "chargeid", "unitofmeasureid");

  private final Map<String, String> canonicalByLower = new LinkedHashMap<>();

  AzureHeaders(RawSchema schema) {
    for (RawColumn column : schema.columns()) {
      canonicalByLower.put(column.name().toLowerCase(Locale.ROOT), column.name());
    }
    ALIASES.forEach(canonicalByLower::putIfAbsent);
  }

  /** The English name of a header: {@code Label (EnglishName)} → {@code EnglishName}, others stripped as they are. */
  static String englishName(String header) {
    String name = header.strip();
    Matcher m = LOCALIZED.matcher(name);
    return m.matches() ? m.group(1) : name;
  }

  /** The canonical column a header holds, if aifocus reads it. */
  Optional<String> canonical(String header) {
    return Optional.ofNullable(canonicalByLower.get(englishName(header).toLowerCase(Locale.ROOT)));
  }

  /**
   * Whether a header is in the Azure cost details dictionary: a column aifocus reads (any spelling) or one it knows and
   * does not read. Any other header is schema drift (x_SourceExtras).
   */
  boolean known(String header) {
    return canonical(header).isPresent() || IGNORED.contains(englishName(header).toLowerCase(Locale.ROOT));
  }

  /**
   * Maps every header of {@code file} to its canonical column (position → name, in header order).
   *
   * @throws PipelineException AIF-1003 when two headers hold the same column or a header is two known names run
   *     together; AIF-1002 when a required column is missing
   */
  Map<Integer, String> map(String file, List<String> headers, List<String> required) {
    Map<Integer, String> out = new LinkedHashMap<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (int i = 0; i < headers.size(); i++) {
      String header = headers.get(i);
      Optional<String> canonical = canonical(header);
      if (canonical.isPresent()) {
        String previous = seen.putIfAbsent(canonical.get(), header);
        if (previous != null) {
          throw new PipelineException(
              PipelineErrorCode.MALFORMED_HEADER,
              file + ":1:" + (i + 1) + ": headers '" + previous + "' and '" + header + "' both hold column '"
                  + canonical.get() + "' (source kind azure-cost)");
        }
        out.put(i, canonical.get());
        continue;
      }
      Optional<String> joined = joinedPair(englishName(header));
      if (joined.isPresent()) {
        throw new PipelineException(
            PipelineErrorCode.MALFORMED_HEADER,
            file + ":1:" + (i + 1) + ": header column '" + header + "' looks like " + joined.get()
                + " without the comma between them; every value after it would shift by one column (source kind"
                + " azure-cost)");
      }
    }
    for (String column : required) {
      if (!seen.containsKey(column)) {
        throw new PipelineException(
            PipelineErrorCode.MISSING_REQUIRED_COLUMN,
            file + ": missing required column '" + column + "' (source kind azure-cost)" + spellings(column));
      }
    }
    return out;
  }

  /** {@code 'A' and 'B'} when {@code name} is two known column names run together (case ignored). */
  Optional<String> joinedPair(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (IGNORED.contains(lower)) {
      return Optional.empty();
    }
    Set<String> known = new LinkedHashSet<>(canonicalByLower.keySet());
    known.addAll(IGNORED);
    for (String first : known) {
      if (lower.length() > first.length() && lower.startsWith(first)) {
        String rest = lower.substring(first.length()).strip();
        if (known.contains(rest)) {
          return Optional.of("'" + first + "' and '" + rest + "'");
        }
      }
    }
    return Optional.empty();
  }

  private String spellings(String column) {
    StringBuilder other = new StringBuilder();
    new java.util.TreeMap<>(ALIASES).forEach((alias, canonical) -> {
      if (canonical.equals(column)) {
        other.append(other.length() == 0 ? "" : ", ").append(alias);
      }
    });
    return other.length() == 0 ? "" : "; also accepted, ignoring case: " + other;
  }
}
