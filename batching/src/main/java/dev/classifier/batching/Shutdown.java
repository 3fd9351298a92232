package dev.classifier.batching;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closing a {@link Batcher}: stop intake, let queued work drain for the grace period (batches
 * formed meanwhile close as DRAINING), fail what is still queued, and terminate once nothing is
 * queued or running: close the runners, shut down the batcher's own threads, complete the close
 * future after the last batch's outcomes were delivered.
 *
 * <p><b>Contract.</b> {@link #close} runs on the closer's thread, the grace timer on the
 * scheduler's; both decide under the batcher's lock and deliver after it. {@link #takeTermination}
 * is called holding the lock, {@link #terminate} without it, exactly once, by whoever took the
 * termination. Owns the close future and the count of unsettled batches (an atomic, no lock): one
 * per batch whose outcomes are not yet delivered, plus one for the batcher until it terminated; the
 * close future completes when it reaches zero. Invariants: {@code closing} never goes back; {@code
 * terminated} is set once, when closing and nothing is queued and every active slot is idle, and
 * then no timer stays armed.
 */
final class Shutdown<I, O> {
  private final BatcherCore<I, O> c;

  /** Batches whose outcomes are not yet delivered, plus one for the batcher until terminated. */
  private final AtomicInteger unsettled = new AtomicInteger(1);

  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  Shutdown(BatcherCore<I, O> core) {
    this.c = core;
  }

  /** See {@link Batcher#close(Duration)}. */
  CompletableFuture<Void> close(Duration grace) {
    long graceNanos = BatcherCore.saturatedNanos(grace);
    Batch<I, O> dispatch;
    c.lock.lock();
    try {
      if (c.closing) {
        c.lock.unlock();
        return closeFuture;
      }
      c.closing = true;
      if (graceNanos <= 0) {
        c.failAllQueued();
      } else {
        c.graceTimer = c.scheduler.schedule(this::onGraceTimer, graceNanos);
      }
      dispatch = c.formation.formBatches(c.ticker.nanoTime());
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    c.delivery.unlockAndDeliver(dispatch, null);
    return closeFuture;
  }

  private void onGraceTimer() {
    c.lock.lock();
    try {
      c.graceTimer = null;
      c.failAllQueued();
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    c.delivery.unlockAndDeliver(null, null);
  }

  /** Under the lock: true exactly once, when closing and nothing is queued or running. */
  boolean takeTermination() {
    if (!c.closing || c.terminated || !c.queue.isEmpty() || c.idle.size() != c.activeSlots) {
      return false;
    }
    c.terminated = true;
    c.formationTimer.cancel();
    c.expiryTimer.cancel();
    if (c.graceTimer != null) {
      c.graceTimer.cancel();
      c.graceTimer = null;
    }
    return true;
  }

  /** Every batch has returned: closes the slots' runners; the close future follows delivery. */
  void terminate() {
    for (Slot<I, O> s : c.slots) {
      if (s.retired) {
        continue; // its run may still be going: closed when (if) it returns
      }
      try {
        s.runner.close();
      } catch (Exception e) {
        BatcherCore.reportUncaught(e);
      }
    }
    settled();
    if (c.ownExecutor != null) {
      c.ownExecutor.shutdown();
    }
    if (c.ownScheduler != null) {
      c.ownScheduler.shutdown();
    }
  }

  /** A batch's outcomes are on their way to the completion executor. */
  void unsettledBatch() {
    unsettled.incrementAndGet();
  }

  /** One batch delivered (or the batcher terminated): the last one finishes closing. */
  void settled() {
    if (unsettled.decrementAndGet() == 0) {
      closeFuture.complete(null);
    }
  }
}
