package io.aifocus.normalize;

/** Column-name helpers. */
public final class Names {
  private Names() {}

  /** Back-quotes a column name so Spark never parses dots or slashes in it. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
