package dev.classifier.batching;

/**
 * Per-submission options.
 *
 * @param priority priority level, {@code >= 0}; 0 is the highest. Must be below the policy's {@link
 *     BatchPolicy#priorityLevels()} or the submission is rejected as {@code INVALID}.
 * @param deadlineNanos absolute deadline in {@link Ticker} time; {@link #NO_DEADLINE} for none (the
 *     policy's default timeout then applies)
 * @param payloadBytes bytes this request counts against {@link BatchPolicy#maxQueuedBytes()},
 *     {@code >= 0}
 */
public record SubmitOptions(int priority, long deadlineNanos, long payloadBytes) {

  /** Deadline value meaning "no deadline". */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  private static final SubmitOptions DEFAULTS = new SubmitOptions(0, NO_DEADLINE, 0L);

  public SubmitOptions {
    if (priority < 0) {
      throw new IllegalArgumentException("priority must be >= 0, got " + priority);
    }
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("payloadBytes must be >= 0, got " + payloadBytes);
    }
  }

  /** Priority 0, no deadline, 0 payload bytes. */
  public static SubmitOptions defaults() {
    return DEFAULTS;
  }

  public SubmitOptions withPriority(int newPriority) {
    return new SubmitOptions(newPriority, deadlineNanos, payloadBytes);
  }

  public SubmitOptions withDeadlineNanos(long newDeadlineNanos) {
    return new SubmitOptions(priority, newDeadlineNanos, payloadBytes);
  }

  public SubmitOptions withPayloadBytes(long newPayloadBytes) {
    return new SubmitOptions(priority, deadlineNanos, newPayloadBytes);
  }

  /** True if a deadline was given. */
  public boolean hasDeadline() {
    return deadlineNanos != NO_DEADLINE;
  }
}
