package io.aifocus.api;

import static java.util.Objects.requireNonNull;

/** A job-level failure: bad config, a missing input, a file with the wrong header. The job stops. */
public final class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final PipelineErrorCode errorCode;

  public PipelineException(PipelineErrorCode errorCode, String message) {
    super(requireNonNull(errorCode, "errorCode is null").label() + ": " + message);
    this.errorCode = errorCode;
  }

  public PipelineException(PipelineErrorCode errorCode, String message, Throwable cause) {
    super(requireNonNull(errorCode, "errorCode is null").label() + ": " + message, cause);
    this.errorCode = errorCode;
  }

  public PipelineErrorCode errorCode() {
    return errorCode;
  }
}
