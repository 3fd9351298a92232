package dev.classifier.client.eval;

/** The evaluation stopped early: the server or the stream failed as a whole (not one image). */
public final class EvaluationAbortedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EvaluationAbortedException(String message, Throwable cause) {
    super(message, cause);
  }
}
