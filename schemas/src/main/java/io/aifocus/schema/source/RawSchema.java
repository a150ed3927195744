package io.aifocus.schema.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The raw (input) schema of one source kind, loaded from {@code sources/<kind>.yaml}. */
public record RawSchema(String source, List<RawColumn> columns) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).registerModule(new Jdk8Module());

  public RawSchema {
    columns = List.copyOf(columns);
  }

  public static RawSchema load(String sourceKindId) {
    String resource = "sources/" + sourceKindId + ".yaml";
    try (InputStream in = RawSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Raw schema missing from the classpath: " + resource);
      }
      return YAML.readValue(in, RawSchema.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read raw schema " + resource, e);
    }
  }

  public List<String> requiredColumns() {
    return columns.stream().filter(RawColumn::required).map(RawColumn::name).toList();
  }

  public List<RawColumn> scalarColumns() {
    return columns.stream().filter(c -> !c.isMap()).toList();
  }

  public List<RawColumn> mapColumns() {
    return columns.stream().filter(RawColumn::isMap).toList();
  }
}
