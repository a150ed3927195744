package io.aifocus.schema;

/** How strongly the FOCUS specification requires a column to be present. */
public enum FeatureLevel {
  Mandatory,
  Conditional,
  Recommended,
  Optional
}
