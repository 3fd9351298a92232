package dev.classifier.batching;

/**
 * One queued request handed to the runner. Record its outcome exactly once; the batcher delivers it
 * to the caller's future after the run returns (on its completion executor) and fails any task the
 * runner leaves without an outcome. Thread-safe.
 */
public interface BatchTask<I, O> {
  /** The submitted input. */
  I input();

  /** Time from submission to batch formation, in nanoseconds of the batcher's {@link Ticker}. */
  long queueWaitNanos();

  /**
   * Records the output for the caller; false if an outcome was already recorded or delivered, or
   * the caller gave up (cancelled, expired). The caller may still cancel before delivery.
   */
  boolean complete(O output);

  /** Records a failure for the caller; false if an outcome was already recorded or delivered. */
  boolean fail(Throwable error);

  /** True once an outcome is recorded or delivered, or the caller cancelled. */
  boolean isDone();
}
