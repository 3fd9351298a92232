package dev.classifier.server.core;

import dev.classifier.server.text.ClientText;

/**
 * A server-side fault that is not the client's doing (a throw while decoding, completing or
 * rendering an answer): answered INTERNAL with this message, the cause kept for the log.
 */
public final class InternalFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InternalFailure(String message, Throwable cause) {
    super(message + ": " + describe(cause), cause);
  }

  private static String describe(Throwable t) {
    if (t == null) {
      return "unknown cause";
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + ClientText.cap(m, 256));
  }
}
