package dev.classifier.batching;

/**
 * One queued request handed to the {@link BatchRunner}. Complete it exactly once; the batcher fails
 * any task the runner leaves incomplete. Thread-safe.
 */
public interface BatchTask<I, O> {
  /** The submitted input. */
  I input();

  /** Time from submission to batch formation, in nanoseconds of the batcher's {@link Ticker}. */
  long queueWaitNanos();

  /** Completes the caller's future; false if it was already done (e.g. cancelled meanwhile). */
  boolean complete(O output);

  /** Fails the caller's future; false if it was already done. */
  boolean fail(Throwable error);

  /** True once completed, failed or cancelled. */
  boolean isDone();
}
