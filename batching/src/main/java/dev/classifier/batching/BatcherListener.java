package dev.classifier.batching;

/**
 * Observability hooks. All methods default to no-ops; they are called outside the batcher's lock
 * where possible, possibly from many threads at once, and must be cheap and must not throw.
 */
public interface BatcherListener {

  /** A listener that ignores every event. */
  BatcherListener NO_OP = new BatcherListener() {};

  /** A request was accepted; totals are across all priority levels just after the enqueue. */
  default void onEnqueued(int priority, int queuedRequests, long queuedBytes) {}

  /** A submission was rejected (queue full, byte budget, closed or invalid). */
  default void onRejected(RejectedException.Reason reason) {}

  /** A queued request's deadline passed before it could run. */
  default void onExpired(int priority) {}

  /** A queued request was cancelled by its caller and removed from the queue. */
  default void onCancelled(int priority) {}

  /**
   * A batch was formed for {@code instance}.
   *
   * @param queueWaitNanos per task, the time from submission to formation (owned by the callee)
   */
  default void onBatchFormed(
      Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {}

  /** The runner returned (or threw {@code failureOrNull}) for a batch. */
  default void onBatchCompleted(
      Instance instance, int batchSize, long runNanos, Throwable failureOrNull) {}

  /**
   * Queue depth after requests left the queue (batch formed); {@code priority} is the highest
   * priority level the batch drew from, totals are across all levels.
   */
  default void onQueueDepth(int priority, int queuedRequests, long queuedBytes) {}

  /**
   * A batch on {@code instance} ran past the watchdog limit: it was terminated and answered, the
   * instance is wedged until its run returns ({@link #onWedgedRunReturned}); {@code replaced} says
   * whether a fresh instance took its place.
   */
  default void onWatchdogTimeout(Instance instance, boolean replaced) {}

  /** The run of a wedged instance finally returned; its resources are released. */
  default void onWedgedRunReturned(Instance instance) {}

  /** Why a batch was closed (dispatched). */
  enum CloseReason {
    /** The batch reached the instance's (or adaptive) maximum size. */
    FULL,
    /** A preferred batch size was reached and waiting longer could not help. */
    PREFERRED_SIZE,
    /** The oldest request in the batch waited the maximum queue delay. */
    DELAY_ELAPSED,
    /** Waiting longer would miss the earliest deadline in the batch. */
    DEADLINE,
    /** Zero queue delay and an idle instance: dispatched at once. */
    IMMEDIATE,
    /** The batcher is closing; queued work is flushed as instances free up. */
    DRAINING
  }
}
