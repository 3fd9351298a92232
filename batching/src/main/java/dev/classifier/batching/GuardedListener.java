package dev.classifier.batching;

import dev.classifier.batching.RejectedException.Reason;

/**
 * Shields the batcher from a listener that throws: a failing metrics hook must not leave a slot
 * busy or a future incomplete. The exception goes to the thread's uncaught-exception handler.
 */
final class GuardedListener implements BatcherListener {
  private final BatcherListener delegate;

  private GuardedListener(BatcherListener delegate) {
    this.delegate = delegate;
  }

  static BatcherListener wrap(BatcherListener listener) {
    return listener == NO_OP || listener instanceof GuardedListener
        ? listener
        : new GuardedListener(listener);
  }

  private static void report(RuntimeException e) {
    Thread t = Thread.currentThread();
    try {
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    } catch (RuntimeException ignored) {
      // nothing more we can do
    }
  }

  @Override
  public void onEnqueued(int priority, int queuedRequests, long queuedBytes) {
    try {
      delegate.onEnqueued(priority, queuedRequests, queuedBytes);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onRejected(Reason reason) {
    try {
      delegate.onRejected(reason);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onExpired(int priority) {
    try {
      delegate.onExpired(priority);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onCancelled(int priority) {
    try {
      delegate.onCancelled(priority);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onBatchFormed(
      Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
    try {
      delegate.onBatchFormed(instance, batchSize, reason, queueWaitNanos);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onBatchCompleted(
      Instance instance, int batchSize, long runNanos, Throwable failureOrNull) {
    try {
      delegate.onBatchCompleted(instance, batchSize, runNanos, failureOrNull);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onQueueDepth(int priority, int queuedRequests, long queuedBytes) {
    try {
      delegate.onQueueDepth(priority, queuedRequests, queuedBytes);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onWatchdogTimeout(Instance instance, boolean replaced) {
    try {
      delegate.onWatchdogTimeout(instance, replaced);
    } catch (RuntimeException e) {
      report(e);
    }
  }

  @Override
  public void onWedgedRunReturned(Instance instance) {
    try {
      delegate.onWedgedRunReturned(instance);
    } catch (RuntimeException e) {
      report(e);
    }
  }
}
