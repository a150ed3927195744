package io.aifocus.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/** ISO 4217 national currency codes (the value set of BillingCurrency). */
public final class CurrencyCodes {
  private static final Set<String> CODES = load();

  private CurrencyCodes() {}

  public static Set<String> iso4217() {
    return CODES;
  }

  private static Set<String> load() {
    String resource = "focus/iso4217-currency-codes.txt";
    try (InputStream in = FocusSchema.openResource(resource);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      Set<String> codes = new TreeSet<>();
      reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(codes::add);
      return Set.copyOf(codes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }
}
