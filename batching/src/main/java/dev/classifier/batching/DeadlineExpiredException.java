package dev.classifier.batching;

/** The request's deadline passed while it was queued; it never reached the runner. */
public final class DeadlineExpiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeadlineExpiredException(String message) {
    super(message, null, false, false);
  }
}
