package io.aifocus.schema.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The raw (input) schema of one source kind, loaded from {@code sources/<kind>.yaml}.
 *
 * @param columns the raw columns the reader produces and the normalizer reads
 * @param known further names of the source's data dictionary that are not raw columns (a column the source documents
 *     but aifocus does not read, or an older spelling a normalizer falls back to): such a column is not schema drift,
 *     so it never goes into x_SourceExtras. In the reader's naming (e.g. canonical snake_case for aws-cur)
 * @param knownPrefixes name prefixes of open-ended families of the dictionary (e.g. CUR's {@code product_}
 *     attributes), known like {@code known}
 */
public record RawSchema(String source, List<RawColumn> columns, List<String> known, List<String> knownPrefixes) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).registerModule(new Jdk8Module());

  public RawSchema {
    columns = List.copyOf(columns);
    known = known == null ? List.of() : List.copyOf(known);
    knownPrefixes = knownPrefixes == null ? List.of() : List.copyOf(knownPrefixes);
  }

  /**
   * Whether {@code name} is in the source's dictionary: a raw column, a {@code known} name or in a {@code
   * knownPrefixes} family. Exact spelling; readers that match names up to case pass the name in the schema's case.
   */
  public boolean isKnown(String name) {
    return columns.stream().anyMatch(c -> c.name().equals(name))
        || known.contains(name)
        || knownPrefixes.stream().anyMatch(name::startsWith);
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
