package io.aifocus.jobs.validate;

import java.util.regex.Pattern;

/**
 * The FOCUS UnitFormat attribute as a pattern: plural units ({@code GB}, {@code Requests}, {@code API Requests}),
 * a unit and a plural time unit joined by {@code -} ({@code GB-Hours}), or units per singular time unit joined by
 * {@code /} ({@code GB/Hour}, {@code Units/3 Months}); optionally led by a whole-number quantity ({@code 1000
 * Tokens}). Each word carries a capital letter; "per" and spelled-out data sizes ({@code Gigabyte}) are not
 * allowed.
 */
final class UnitFormat {
  private static final String WORD = "[A-Za-z0-9]*[A-Z][A-Za-z0-9]*";
  private static final String UNITS = WORD + "(?: " + WORD + ")*";
  private static final String PLURAL_TIME = "(?:Years|Months|Days|Hours|Minutes|Seconds)";
  private static final String SINGULAR_TIME = "(?:Year|Month|Day|Hour|Minute|Second)";
  static final String REGEX = "^(?:[0-9]+ )?" + UNITS + "(?:-" + PLURAL_TIME + "|/(?:" + SINGULAR_TIME + "|[0-9]+ "
      + PLURAL_TIME + "))?$";
  /** Words UnitFormat rules out even though they match the shape. */
  static final String FORBIDDEN = "(?i).*\\b(?:per|(?:kilo|mega|giga|tera|peta|exa)?bytes?)\\b.*";
  private static final Pattern SHAPE = Pattern.compile(REGEX);
  private static final Pattern BAD = Pattern.compile(FORBIDDEN);

  private UnitFormat() {}

  static boolean matches(String unit) {
    return SHAPE.matcher(unit).matches() && !BAD.matcher(unit).matches();
  }
}
