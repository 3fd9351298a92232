package dev.classifier.server.security;

/** A model path outside the admin model root (PERMISSION_DENIED; retrying cannot help). */
public final class PathRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PathRefusedException(String message) {
    super(message);
  }
}
