package io.aifocus.api;

/**
 * Maps the raw rows of one source kind to FOCUS 1.3. Implementations live in pipeline-normalize and are
 * pure: no reads, no writes, no actions.
 *
 * <p>Guarantees: every raw row ends up either in {@code focus} or in {@code quarantine} (exactly once for
 * row-wise sources); {@code focus} conforms to {@code CostAndUsageTable.schema()}.
 */
public interface Normalizer {
  SourceKind kind();

  NormalizeResult normalize(RawInput input, NormalizeContext context);
}
