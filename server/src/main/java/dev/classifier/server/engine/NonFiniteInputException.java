package dev.classifier.server.engine;

/** An input tensor holds NaN or infinity and the model rejects such input (INVALID_ARGUMENT). */
public final class NonFiniteInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public NonFiniteInputException(String message) {
    super(message);
  }
}
