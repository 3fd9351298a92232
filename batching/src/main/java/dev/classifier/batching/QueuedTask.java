package dev.classifier.batching;

import java.util.concurrent.CompletableFuture;

/**
 * A queued request: at once the caller's future and the runner's {@link BatchTask}, so a submission
 * allocates one object. Cancelling it removes it from the queue at once. The queue links ({@code
 * prev}, {@code next}, {@code queued}) are guarded by the batcher's lock.
 */
final class QueuedTask<I, O> extends CompletableFuture<O> implements BatchTask<I, O> {
  private final BatcherCore<I, O> owner;
  private final I input;
  final int priority;
  final long payloadBytes;
  final long enqueueNanos;
  final long deadlineNanos;

  /** Written at batch formation (under the lock), read by the runner after the executor handoff. */
  private long queueWaitNanos;

  // Intrusive doubly-linked list of one priority level; guarded by the batcher's lock.
  QueuedTask<I, O> prev;
  QueuedTask<I, O> next;
  boolean queued;

  QueuedTask(
      BatcherCore<I, O> owner,
      I input,
      int priority,
      long payloadBytes,
      long enqueueNanos,
      long deadlineNanos) {
    this.owner = owner;
    this.input = input;
    this.priority = priority;
    this.payloadBytes = payloadBytes;
    this.enqueueNanos = enqueueNanos;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public I input() {
    return input;
  }

  @Override
  public long queueWaitNanos() {
    return queueWaitNanos;
  }

  /**
   * Records the queue wait at formation. {@code nowNanos} may be older than the enqueue time (a
   * worker reads the clock when its run ends, then forms its next batch, which can hold a request
   * submitted in between, e.g. from a completion callback): such a request waited 0, not a negative
   * time (metrics timers drop negative samples).
   */
  void markFormed(long nowNanos) {
    this.queueWaitNanos = Math.max(0, nowNanos - enqueueNanos);
  }

  /** {@link BatchTask#complete} and {@link CompletableFuture#complete} are the same method. */
  @Override
  public boolean complete(O output) {
    return super.complete(output);
  }

  @Override
  public boolean fail(Throwable error) {
    return super.completeExceptionally(error);
  }

  /** Cancels the caller's future and, if still queued, removes it, freeing its slot and bytes. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    // Unlinked under the batcher's lock first: once this returns, no batch can take the task.
    boolean wasQueued = owner != null && !isDone() && owner.intake.unqueueForCancel(this);
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled && wasQueued) {
      owner.intake.onCancelled(this);
    }
    return cancelled;
  }

  @Override
  public String toString() {
    return "QueuedTask[priority=" + priority + ", " + super.toString() + "]";
  }
}
