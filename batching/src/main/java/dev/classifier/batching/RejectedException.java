package dev.classifier.batching;

import java.time.Duration;
import java.util.Objects;

/**
 * A submission was not accepted. Delivered as an already-failed future, never thrown by {@code
 * submit}. Rejections are expected under load, so subclasses for load reasons skip the stack trace.
 */
public class RejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the submission was rejected. */
  public enum Reason {
    /** The queue holds {@code maxQueueSize} requests. */
    QUEUE_FULL,
    /** The queued payloads would exceed {@code maxQueuedBytes}. */
    BYTES_EXHAUSTED,
    /** The batcher is closing or closed. */
    CLOSED,
    /** The submission itself is invalid (bad priority, null input, larger than any limit). */
    INVALID
  }

  private final Reason reason;
  private final Duration retryAfter;

  public RejectedException(Reason reason, String message, Duration retryAfter) {
    this(reason, message, retryAfter, true);
  }

  protected RejectedException(
      Reason reason, String message, Duration retryAfter, boolean writableStackTrace) {
    super(message, null, false, writableStackTrace);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public Reason reason() {
    return reason;
  }

  /** A hint for when retrying may succeed; may be {@link Duration#ZERO} (no hint). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
