package dev.classifier.server.core;

/** The request is malformed (shape, dtype, byte length, top_k, ...): INVALID_ARGUMENT. */
public final class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
