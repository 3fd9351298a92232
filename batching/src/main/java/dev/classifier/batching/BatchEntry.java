package dev.classifier.batching;

/**
 * What the runner sees of one task in a batch: it records the outcome, which reaches the caller's
 * future only when the batch is settled (after the run, on the completion executor). Settling seals
 * the entry, so an outcome recorded later (a run that returned after the watchdog answered it) is
 * ignored: every task is answered exactly once.
 */
final class BatchEntry<I, O> implements BatchTask<I, O> {
  final QueuedTask<I, O> task;
  private O output;
  private Throwable error;
  private boolean recorded;
  private boolean sealed;

  BatchEntry(QueuedTask<I, O> task) {
    this.task = task;
  }

  @Override
  public I input() {
    return task.input();
  }

  @Override
  public long queueWaitNanos() {
    return task.queueWaitNanos();
  }

  @Override
  public synchronized boolean complete(O value) {
    if (recorded || sealed || task.isDone()) {
      return false;
    }
    recorded = true;
    output = value;
    return true;
  }

  @Override
  public synchronized boolean fail(Throwable failure) {
    if (recorded || sealed || task.isDone()) {
      return false;
    }
    recorded = true;
    error =
        failure == null ? new IllegalStateException("runner failed the task with null") : failure;
    return true;
  }

  @Override
  public synchronized boolean isDone() {
    return recorded || sealed || task.isDone();
  }

  /**
   * Seals the entry and delivers its outcome to the caller's future: the recorded output or error,
   * else {@code fallback}, else "runner did not complete task". Returns false if already sealed.
   */
  boolean settle(Throwable fallback) {
    O value;
    Throwable failure;
    boolean hasValue;
    synchronized (this) {
      if (sealed) {
        return false;
      }
      sealed = true;
      hasValue = recorded && error == null;
      value = output;
      failure = recorded ? error : fallback;
      output = null;
    }
    if (hasValue) {
      task.complete(value);
    } else {
      task.fail(
          failure != null ? failure : new IllegalStateException("runner did not complete task"));
    }
    return true;
  }
}
