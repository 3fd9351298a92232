package dev.classifier.batching;

import dev.classifier.batching.RejectedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;

/**
 * What a {@link Batcher} does once the lock is released: fails the requests found expired or closed
 * out, reports and dispatches the formed batches (to the executor, or back to the worker that
 * formed its own next batch), hands batch outcomes to the completion executor, and finishes
 * termination.
 *
 * <p><b>Contract.</b> {@link #unlockAndDeliver} is entered holding the lock and releases it;
 * everything else runs without it, on the thread that made the decision (submitter, worker, timer,
 * closer). Futures are completed and the listener and executors are called only here, never under
 * the lock. Invariants: each formed batch is dispatched exactly once (run inline by its own slot's
 * worker, or executed; a refused batch is answered closed and its slot released); termination is
 * finished at most once (the core's {@code takeTermination} said so under the lock). No state of
 * its own.
 */
final class Delivery<I, O> {
  private final BatcherCore<I, O> c;

  Delivery(BatcherCore<I, O> core) {
    this.c = core;
  }

  /**
   * Called holding the lock: collects what must be delivered, releases the lock and delivers.
   * Returns the batch formed for {@code self} (to run inline), if any.
   */
  Batch<I, O> unlockAndDeliver(Batch<I, O> dispatch, Slot<I, O> self) {
    ArrayList<QueuedTask<I, O>> expired = c.takeExpiredOut();
    ArrayList<QueuedTask<I, O>> closed = c.takeClosedOut();
    boolean terminate = c.shutdown.takeTermination();
    c.lock.unlock();
    return deliver(dispatch, expired, closed, terminate, self);
  }

  /**
   * Outside the lock: fails expired and closed-out tasks, reports and dispatches formed batches,
   * and finishes termination. Returns the batch formed for {@code self} (to run inline), if any.
   */
  Batch<I, O> deliver(
      Batch<I, O> dispatch,
      ArrayList<QueuedTask<I, O>> expired,
      ArrayList<QueuedTask<I, O>> closed,
      boolean terminate,
      Slot<I, O> self) {
    BatcherListener listener = c.listener;
    if (expired != null) {
      for (QueuedTask<I, O> t : expired) {
        if (t.fail(
            new DeadlineExpiredException(
                "deadline passed while queued in batcher '" + c.name + "'"))) {
          listener.onExpired(t.priority);
        }
      }
    }
    if (closed != null) {
      String why = c.unhealthy;
      RejectedException error =
          why != null
              ? new RejectedException(Reason.CLOSED, why, Duration.ZERO)
              : new BatcherClosedException(
                  "batcher '" + c.name + "' closed before the request ran (grace period over)");
      for (QueuedTask<I, O> t : closed) {
        t.fail(error);
      }
    }
    Batch<I, O> mine = null;
    Batch<I, O> b = dispatch;
    while (b != null) {
      Batch<I, O> next = b.next;
      b.next = null;
      listener.onBatchFormed(b.slot.instance, b.size(), b.reason, b.queueWaitNanos);
      listener.onQueueDepth(b.topPriority, b.queuedAfter, b.bytesAfter);
      if (mine == null && b.slot == self) {
        mine = b;
      } else {
        execute(b);
      }
      b = next;
    }
    if (terminate) {
      c.shutdown.terminate();
    }
    return mine;
  }

  private void execute(Batch<I, O> batch) {
    try {
      c.executor.execute(batch);
    } catch (RejectedExecutionException e) {
      // the worker pool refuses work only once it is shutting down: the batcher is closing, and
      // the requests are answered as such (retryable elsewhere), never as an internal error
      BatcherClosedException closing =
          new BatcherClosedException("batcher '" + c.name + "' is closing; the batch was not run");
      for (QueuedTask<I, O> t : batch.tasks) {
        t.fail(closing);
      }
      c.lock.lock();
      try {
        c.release(batch.slot);
      } catch (Throwable t) {
        c.lock.unlock();
        throw t;
      }
      unlockAndDeliver(null, null);
    }
  }

  /**
   * Hands the batch's outcomes to the completion executor (one hand-off per batch), so completion
   * callbacks neither count as run time nor delay the slot's next batch; inline if it refuses. When
   * nothing is queued there is no next batch to delay: the worker settles inline, sparing a
   * low-load request the completion thread's wake-up (Triton's instance threads send their own
   * responses too).
   */
  void settleLater(Batch<I, O> batch, Throwable failure) {
    c.shutdown.unsettledBatch();
    Runnable settle =
        () -> {
          try {
            batch.settle(failure);
          } finally {
            c.shutdown.settled();
          }
        };
    if (c.underLock(c.queue::size) == 0) {
      settle.run();
      return;
    }
    try {
      c.completionExecutor.execute(settle);
    } catch (RejectedExecutionException e) {
      settle.run();
    }
  }
}
