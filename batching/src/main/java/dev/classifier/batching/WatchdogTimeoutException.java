package dev.classifier.batching;

/**
 * A batch ran longer than the batcher's watchdog limit: its run was asked to terminate, its
 * requests are answered with this, and its instance was retired (and replaced when possible).
 */
public final class WatchdogTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WatchdogTimeoutException(String message) {
    super(message, null, false, false);
  }
}
