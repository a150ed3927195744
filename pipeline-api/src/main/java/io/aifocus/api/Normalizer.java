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

  /**
   * True when {@code normalize} gives a tally with exactly one row per raw input row (no raw row made into
   * several, none dropped, before its split into accepted and rejected rows), so that the raw rows'
   * {@link RawColumns#INPUT_PERIOD} and {@link RawColumns#INPUT_AMOUNT}, when present, are carried into the tally
   * ({@link NormalizeResult#INPUT_PERIOD}) and summed there once per raw row. False by default.
   */
  default boolean oneTallyRowPerRawRow() {
    return false;
  }
}
