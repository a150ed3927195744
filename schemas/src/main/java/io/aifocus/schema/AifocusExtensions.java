package io.aifocus.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The aifocus custom ({@code x_}) columns of focus_cost_and_usage, loaded from aifocus-extensions.yaml. */
public final class AifocusExtensions {
  private static final List<ExtensionColumn> COLUMNS = load();

  private AifocusExtensions() {}

  public static List<ExtensionColumn> columns() {
    return COLUMNS;
  }

  private static List<ExtensionColumn> load() {
    String resource = "focus/aifocus-extensions.yaml";
    try (InputStream in = FocusSchema.openResource(resource)) {
      JsonNode root = FocusSchema.yaml().readTree(in);
      List<ExtensionColumn> out = new ArrayList<>();
      for (JsonNode node : root.get("columns")) {
        out.add(FocusSchema.yaml().treeToValue(node, ExtensionColumn.class));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }
}
