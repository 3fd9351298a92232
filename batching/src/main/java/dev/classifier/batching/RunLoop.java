package dev.classifier.batching;

/**
 * The worker side of a {@link Batcher}: runs a batch on its slot's runner, times it, hands the
 * outcomes on, and forms the slot's next batch in the same lock hold that marks it idle, running
 * that one inline on the same thread (no executor hand-off under load).
 *
 * <p><b>Contract.</b> Runs on a worker thread of the batcher's executor (a {@link Batch} is the
 * executor's {@link Runnable}); the runner is called without the lock, the slot's bookkeeping is
 * done under it. Arms the watchdog for each run when one is configured. Invariants: a slot is
 * released only by the run that held it, and never once it is retired (a retired slot's late return
 * only closes its runner and counts down {@code retiredRunning}). No state of its own.
 */
final class RunLoop<I, O> {
  private final BatcherCore<I, O> c;

  RunLoop(BatcherCore<I, O> core) {
    this.c = core;
  }

  /** Runs {@code batch}, then every batch formed for the same slot right after, on this thread. */
  void runBatches(Batch<I, O> batch) {
    Batch<I, O> current = batch;
    while (current != null) {
      current = runOne(current);
    }
  }

  private Batch<I, O> runOne(Batch<I, O> batch) {
    Slot<I, O> slot = batch.slot;
    long start = c.ticker.nanoTime();
    TimerScheduler.Cancellable guard =
        c.watchdogNanos > 0
            ? c.scheduler.schedule(() -> c.retirement.onWatchdog(batch), c.watchdogNanos)
            : null;
    Throwable failure = null;
    try {
      slot.runner.run(batch);
    } catch (Throwable t) {
      failure = t;
    }
    if (guard != null) {
      guard.cancel();
    }
    long end = c.ticker.nanoTime();
    c.delivery.settleLater(batch, failure);
    c.listener.onBatchCompleted(slot.instance, batch.size(), end - start, failure);
    Batch<I, O> dispatch;
    boolean retired;
    c.lock.lock();
    try {
      retired = slot.retired;
      slot.current = null;
      if (!retired) {
        slot.recordBatch(batch.size(), end - start);
        c.release(slot);
      }
      dispatch = retired ? null : c.formation.formBatches(end);
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    if (retired) {
      c.delivery.unlockAndDeliver(null, null);
      c.retirement.wedgedRunReturned(slot);
      c.lock.lock();
      try {
        c.retiredRunning--;
        c.retiredReturned.signalAll();
      } finally {
        c.lock.unlock();
      }
      return null;
    }
    return c.delivery.unlockAndDeliver(dispatch, slot);
  }
}
