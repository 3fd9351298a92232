package dev.classifier.batching;

/**
 * A re-armable one-shot timer of a {@link Batcher} (one for formation, one for expiry). When it
 * fires (and is still the current arming), it optionally expires overdue requests, then forms what
 * idle slots can take, and delivers the result.
 *
 * <p><b>Contract.</b> Its fields are guarded by the batcher's lock: {@link #wakeBy} and {@link
 * #cancel} are called holding it; {@link #fire} runs on the scheduler's thread and takes it. A
 * generation number makes a stale firing (cancelled or re-armed meanwhile) a no-op, and nothing
 * fires after termination. Invariant: at most one arming is pending, for the earliest time asked.
 */
final class Wakeup<I, O> {
  private final BatcherCore<I, O> c;
  private final boolean expires;
  private TimerScheduler.Cancellable handle;
  private long atNanos = Long.MAX_VALUE;
  private long generation;

  Wakeup(BatcherCore<I, O> core, boolean expires) {
    this.c = core;
    this.expires = expires;
  }

  /** Under the lock: makes sure it fires by {@code wakeAtNanos} (an earlier arming stays). */
  void wakeBy(long wakeAtNanos, long now) {
    if (wakeAtNanos >= atNanos) {
      return; // an earlier wake-up is pending; it re-evaluates
    }
    cancel();
    final long gen = ++generation;
    atNanos = wakeAtNanos;
    handle = c.scheduler.schedule(() -> fire(gen), wakeAtNanos - now);
  }

  /** Under the lock. */
  void cancel() {
    if (handle != null) {
      handle.cancel();
      handle = null;
    }
    atNanos = Long.MAX_VALUE;
  }

  private void fire(long gen) {
    Batch<I, O> dispatch;
    c.lock.lock();
    try {
      if (gen != generation || c.terminated) {
        c.lock.unlock();
        return;
      }
      handle = null;
      atNanos = Long.MAX_VALUE;
      long now = c.ticker.nanoTime();
      if (expires) {
        c.formation.expireQueued(now);
      }
      dispatch = c.formation.formBatches(now);
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    c.delivery.unlockAndDeliver(dispatch, null);
  }
}
