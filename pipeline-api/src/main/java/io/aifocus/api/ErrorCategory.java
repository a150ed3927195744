package io.aifocus.api;

/** Who has to act on an error. */
public enum ErrorCategory {
  /** The user's data is wrong (a row or a file). */
  INPUT_DATA,
  /** The user's setup is wrong (config, arguments). */
  CONFIGURATION,
  /** Storage or another system failed. */
  EXTERNAL,
  /** A bug in aifocus. */
  INTERNAL
}
