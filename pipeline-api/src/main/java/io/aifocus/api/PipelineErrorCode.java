package io.aifocus.api;

/**
 * Stable error codes. Numbers never change and are never reused: 1xxx ingest, 2xxx normalize, 3xxx allocate,
 * 9xxx jobs. docs/errors.md lists every code (checked by a test).
 */
public enum PipelineErrorCode {
  // ingest: files and rows as read
  INPUT_NOT_FOUND(1001, ErrorCategory.INPUT_DATA),
  MISSING_REQUIRED_COLUMN(1002, ErrorCategory.INPUT_DATA),
  MALFORMED_HEADER(1003, ErrorCategory.INPUT_DATA),
  UNSUPPORTED_FILE_FORMAT(1004, ErrorCategory.INPUT_DATA),
  MALFORMED_RECORD(1005, ErrorCategory.INPUT_DATA),
  UNREADABLE_FILE(1006, ErrorCategory.INPUT_DATA),
  // normalize: values
  UNPARSABLE_NUMBER(2001, ErrorCategory.INPUT_DATA),
  UNPARSABLE_TIMESTAMP(2002, ErrorCategory.INPUT_DATA),
  MISSING_REQUIRED_VALUE(2003, ErrorCategory.INPUT_DATA),
  UNKNOWN_FOCUS_VERSION(2004, ErrorCategory.INPUT_DATA),
  INVALID_VALUE(2005, ErrorCategory.INPUT_DATA),
  PRICE_NOT_FOUND(2006, ErrorCategory.INPUT_DATA),
  // allocate
  NODE_PRICE_NOT_FOUND(3001, ErrorCategory.CONFIGURATION),
  // jobs
  INVALID_CONFIG(9001, ErrorCategory.CONFIGURATION),
  UNKNOWN_SOURCE_KIND(9002, ErrorCategory.CONFIGURATION),
  TABLE_NOT_FOUND(9003, ErrorCategory.CONFIGURATION),
  RECONCILIATION_FAILED(9004, ErrorCategory.INTERNAL),
  VALIDATION_FAILED(9005, ErrorCategory.INPUT_DATA),
  STORAGE_FAILURE(9006, ErrorCategory.EXTERNAL),
  CONCURRENT_WRITE_CONFLICT(9007, ErrorCategory.EXTERNAL),
  // jobs: analytics (91xx)
  SPEND_CAP_EXCEEDED(9101, ErrorCategory.EXTERNAL);

  private final int code;
  private final ErrorCategory category;

  PipelineErrorCode(int code, ErrorCategory category) {
    this.code = code;
    this.category = category;
  }

  public int code() {
    return code;
  }

  public ErrorCategory category() {
    return category;
  }

  /** The form used in messages and in the quarantine table, e.g. {@code AIF-2001 UNPARSABLE_NUMBER}. */
  public String label() {
    return "AIF-" + code + " " + name();
  }
}
