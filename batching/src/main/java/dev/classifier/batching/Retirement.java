package dev.classifier.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Wedged runs of a {@link Batcher}: the watchdog (a run past its limit is asked to terminate, its
 * requests are answered with {@link WatchdogTimeoutException} and its slot gets a fresh runner),
 * abandoning the running batches at a bounded close, and the late return of a retired run.
 *
 * <p><b>Contract.</b> {@link #onWatchdog} runs on the scheduler's thread, {@link #abandonRunning}
 * on the closer's, {@link #wedgedRunReturned} on the worker whose run finally returned; each
 * decides under the batcher's lock and calls the runner, the factory, the listener and the hook
 * outside it. Invariants: a slot is retired at most once, and a retired slot is never released or
 * dispatched to again; {@code activeSlots} and {@code retiredRunning} move together in {@link
 * #retire}; a retired batch is answered before its run is asked to terminate, so the terminated
 * run's own failure never wins; a replacement takes the retired slot's position and run-time
 * estimate. Resizes the batcher's own worker pool (never an injected one) so a replacement has a
 * thread while the wedged one is stuck. No state of its own.
 */
final class Retirement<I, O> {
  private final BatcherCore<I, O> c;

  Retirement(BatcherCore<I, O> core) {
    this.c = core;
  }

  /** The watchdog of {@code batch} fired: retire and replace its slot if it is still running it. */
  @SuppressWarnings("ReferenceEquality") // identity: is this batch still the one the slot runs
  void onWatchdog(Batch<I, O> batch) {
    Slot<I, O> slot = batch.slot;
    c.lock.lock();
    boolean replace;
    try {
      if (slot.current != batch || slot.retired || c.terminated) {
        c.lock.unlock();
        return;
      }
      retire(slot);
      replace = !c.closing;
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    c.delivery.unlockAndDeliver(null, null);
    abandon(
        slot,
        batch,
        new WatchdogTimeoutException(
            "batch of "
                + batch.size()
                + " ran longer than the watchdog limit of "
                + TimeUnit.NANOSECONDS.toMillis(c.watchdogNanos)
                + " ms on instance "
                + slot.instance
                + " of '"
                + c.name
                + "'; run terminated"
                + (replace ? ", instance replaced" : "")));
    c.listener.onWatchdogTimeout(slot.instance, replace);
    if (replace) {
      replace(slot);
    }
  }

  /** See {@link Batcher#abandonRunning}. */
  void abandonRunning(String why) {
    List<Batch<I, O>> busy = new ArrayList<>();
    c.lock.lock();
    try {
      for (Slot<I, O> s : c.slots) {
        if (s.current != null && !s.retired) {
          retire(s);
          busy.add(s.current);
        }
      }
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    c.delivery.unlockAndDeliver(null, null);
    for (Batch<I, O> b : busy) {
      abandon(b.slot, b, new BatcherClosedException(why));
    }
  }

  /** Under the lock: takes a busy slot off the books; termination no longer waits for it. */
  private void retire(Slot<I, O> slot) {
    slot.retired = true;
    c.activeSlots--;
    c.retiredRunning++;
  }

  /** See {@link Batcher#awaitRetiredRuns}. */
  boolean awaitRetiredRuns(Duration timeout) throws InterruptedException {
    long left = BatcherCore.saturatedNanos(timeout);
    c.lock.lock();
    try {
      while (c.retiredRunning > 0) {
        if (left <= 0) {
          return false;
        }
        left = c.retiredReturned.awaitNanos(left);
      }
      return true;
    } finally {
      c.lock.unlock();
    }
  }

  /** Outside the lock: stops a retired slot's run and answers its batch with {@code why}. */
  private void abandon(Slot<I, O> slot, Batch<I, O> batch, RuntimeException why) {
    batch.settle(why); // answered first: the terminated run's own failure must not win
    try {
      slot.runner.terminate();
    } catch (RuntimeException e) {
      BatcherCore.reportUncaught(e);
    }
  }

  /** A fresh runner in place of a wedged slot; without one, the batcher may have none left. */
  private void replace(Slot<I, O> old) {
    growOwnPool(1);
    InstanceRunner<I, O> fresh = null;
    Exception failure = null;
    try {
      fresh = c.runnerFactory.create(old.instance);
    } catch (Exception e) {
      failure = e;
    }
    Batch<I, O> dispatch = null;
    boolean installed = false;
    c.lock.lock();
    try {
      if (fresh != null && !c.terminated) {
        Slot<I, O> slot = new Slot<>(old.instance, fresh, c.policy, old.position);
        slot.estimator.copyFrom(old.estimator);
        c.slots[old.position] = slot;
        c.activeSlots++;
        c.idle.addFirst(slot);
        installed = true;
        dispatch = c.formation.formBatches(c.ticker.nanoTime());
      } else if (c.activeSlots == 0 && !c.closing) {
        c.unhealthy =
            "model '"
                + c.name
                + "' has no healthy instance: every instance is wedged in a run"
                + (failure == null ? "" : " and a replacement failed: " + failure.getMessage());
        c.failAllQueued();
      }
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    String why = installed ? null : c.unhealthy;
    c.delivery.unlockAndDeliver(dispatch, null);
    if (why != null) {
      try {
        c.onNoHealthyInstance.accept(why);
      } catch (RuntimeException e) {
        BatcherCore.reportUncaught(e);
      }
    }
    if (fresh != null && !installed) {
      BatcherCore.closeQuietly(fresh, new IllegalStateException("discarded"));
    }
  }

  /** The run of a retired slot returned at last: release its runner and its thread. */
  void wedgedRunReturned(Slot<I, O> slot) {
    try {
      slot.runner.close();
    } catch (Exception e) {
      BatcherCore.reportUncaught(e);
    }
    c.listener.onWedgedRunReturned(slot.instance);
    growOwnPool(-1);
  }

  /** An own worker pool gets a thread for a replacement while the wedged one is stuck. */
  private void growOwnPool(int delta) {
    if (c.ownExecutor instanceof ThreadPoolExecutor pool && !pool.isShutdown()) {
      synchronized (pool) {
        int size = Math.max(1, pool.getMaximumPoolSize() + delta);
        if (delta > 0) {
          pool.setMaximumPoolSize(size);
          pool.setCorePoolSize(size);
        } else {
          pool.setCorePoolSize(size);
          pool.setMaximumPoolSize(size);
        }
      }
    }
  }
}
