package dev.classifier.batching;

import java.time.Duration;

/** The queue limit ({@code QUEUE_FULL}) or the byte budget ({@code BYTES_EXHAUSTED}) is reached. */
public final class QueueFullException extends RejectedException {
  private static final long serialVersionUID = 1L;

  public QueueFullException(Reason reason, String message, Duration retryAfter) {
    super(checked(reason), message, retryAfter, false);
  }

  private static Reason checked(Reason reason) {
    if (reason != Reason.QUEUE_FULL && reason != Reason.BYTES_EXHAUSTED) {
      throw new IllegalArgumentException(
          "reason must be QUEUE_FULL or BYTES_EXHAUSTED, got " + reason);
    }
    return reason;
  }
}
