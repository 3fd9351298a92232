package dev.classifier.batching;

import dev.classifier.batching.BatcherListener.CloseReason;

/**
 * Batch formation of a {@link Batcher}: for each idle slot (warmest first), scans the queue in
 * priority order, asks {@link FormationRule} whether to close a batch now, and takes it; else arms
 * the formation timer for when the rule says to look again. Also expires overdue queued requests
 * for the expiry timer.
 *
 * <p><b>Contract.</b> Every method runs holding the batcher's lock, on whichever thread holds it (a
 * submitter, a worker that just finished, a timer, a closer). It only links, unlinks and decides:
 * the formed batches are returned as a chain and expired requests go to the core's expired-out
 * list, both delivered by {@link Delivery} after the lock is released. Invariants: a batch is
 * formed only for an idle slot, which leaves {@code idle} in the same hold; a request that is done
 * (cancelled) or past its deadline is never put in a batch. No state of its own.
 */
final class Formation<I, O> {
  private final BatcherCore<I, O> c;

  Formation(BatcherCore<I, O> core) {
    this.c = core;
  }

  /**
   * Forms batches for idle slots while the formation rule says so; arms the delay timer when it
   * says wait. Prunes expired and already-completed tasks it meets. Returns a chain or null.
   */
  Batch<I, O> formBatches(long now) {
    TaskQueue<I, O> queue = c.queue;
    FormationRule.Decision decision = c.decision;
    Batch<I, O> first = null;
    Batch<I, O> last = null;
    while (!c.idle.isEmpty() && !queue.isEmpty()) {
      Slot<I, O> slot = c.idle.peekFirst();
      int cap = slot.cap();
      int candidates = 0;
      long oldest = Long.MAX_VALUE;
      long earliest = Long.MAX_VALUE;
      for (int level = 0; level < queue.levels() && candidates < cap; level++) {
        QueuedTask<I, O> t = queue.head(level);
        while (t != null && candidates < cap) {
          QueuedTask<I, O> next = t.next;
          if (t.isDone()) {
            queue.remove(t);
          } else if (t.deadlineNanos <= now) {
            queue.remove(t);
            c.addExpired(t);
          } else {
            candidates++;
            oldest = Math.min(oldest, t.enqueueNanos);
            earliest = Math.min(earliest, t.deadlineNanos);
          }
          t = next;
        }
      }
      if (candidates == 0) {
        break;
      }
      FormationRule.decide(
          candidates,
          cap,
          c.preferred,
          slot.delayNanos(),
          c.closing,
          now,
          oldest,
          earliest,
          slot.estimator.batchNanos(),
          decision);
      if (!decision.dispatch()) {
        c.formationTimer.wakeBy(decision.wakeAtNanos, now);
        break;
      }
      c.idle.pollFirst();
      Batch<I, O> batch = take(slot, decision.size, decision.reason, now);
      if (last == null) {
        first = batch;
      } else {
        last.next = batch;
      }
      last = batch;
    }
    return first;
  }

  private Batch<I, O> take(Slot<I, O> slot, int size, CloseReason reason, long now) {
    TaskQueue<I, O> queue = c.queue;
    @SuppressWarnings("unchecked")
    QueuedTask<I, O>[] tasks = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[size];
    long[] waits = new long[size];
    for (int i = 0; i < size; i++) {
      QueuedTask<I, O> t = queue.pollFirst();
      t.markFormed(now);
      tasks[i] = t;
      waits[i] = t.queueWaitNanos();
    }
    Batch<I, O> batch =
        new Batch<>(c, slot, tasks, waits, reason, tasks[0].priority, queue.size(), queue.bytes());
    slot.current = batch;
    return batch;
  }

  /** Under the lock: unlinks every request whose deadline passed, re-arms for the next deadline. */
  void expireQueued(long now) {
    TaskQueue<I, O> queue = c.queue;
    long next = Long.MAX_VALUE;
    for (int level = 0; level < queue.levels(); level++) {
      QueuedTask<I, O> t = queue.head(level);
      while (t != null) {
        QueuedTask<I, O> n = t.next;
        if (t.deadlineNanos <= now) {
          queue.remove(t);
          if (!t.isDone()) {
            c.addExpired(t);
          }
        } else {
          next = Math.min(next, t.deadlineNanos);
        }
        t = n;
      }
    }
    c.expiryTimer.wakeBy(next, now);
  }
}
