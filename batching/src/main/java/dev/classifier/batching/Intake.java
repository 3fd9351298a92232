package dev.classifier.batching;

import dev.classifier.batching.RejectedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The caller's side of a {@link Batcher}: {@link #submit}, {@link #submitAll} and cancellation.
 *
 * <p><b>Contract.</b> Runs on the submitting (or cancelling) thread and never blocks beyond one
 * short hold of the batcher's lock: admission, linking into the queue and dispatch to idle slots
 * happen in that one hold; expired requests and formed batches are delivered after it. A rejection
 * is always an already-failed future, never a throw. Invariants: admission is all or nothing (a
 * multi-input request is linked whole or not at all); a cancelled task is unlinked under the lock
 * before its future is marked cancelled, so formation can never take it afterwards. No state of its
 * own.
 */
final class Intake<I, O> {
  private final BatcherCore<I, O> c;

  Intake(BatcherCore<I, O> core) {
    this.c = core;
  }

  /** See {@link Batcher#submit}. */
  CompletableFuture<O> submit(I input, SubmitOptions options) {
    if (input == null || options == null) {
      return reject(invalid(input == null ? "input must not be null" : "options must not be null"));
    }
    RejectedException invalid = c.admission.validate(options, 1);
    if (invalid != null) {
      return reject(invalid);
    }
    long now = c.ticker.nanoTime();
    long deadline = effectiveDeadline(options.deadlineNanos(), now);
    int priority = options.priority();
    if (deadline <= now) {
      return expiredOnArrival(priority, deadline, now);
    }
    QueuedTask<I, O> task =
        new QueuedTask<>(c, input, priority, options.payloadBytes(), now, deadline);
    @SuppressWarnings("unchecked")
    QueuedTask<I, O>[] parts = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[] {task};
    RejectedException rejection = enqueue(parts, priority, options.payloadBytes(), deadline, now);
    return rejection == null ? task : reject(rejection);
  }

  /** See {@link Batcher#submitAll}. */
  CompletableFuture<List<O>> submitAll(List<I> inputs, SubmitOptions options) {
    if (inputs == null || options == null) {
      return reject(
          invalid(inputs == null ? "inputs must not be null" : "options must not be null"));
    }
    int count = inputs.size();
    for (int i = 0; i < count; i++) {
      if (inputs.get(i) == null) {
        return reject(invalid("inputs[" + i + "] must not be null"));
      }
    }
    RejectedException invalid = c.admission.validate(options, count);
    if (invalid != null) {
      return reject(invalid);
    }
    long now = c.ticker.nanoTime();
    long deadline = effectiveDeadline(options.deadlineNanos(), now);
    int priority = options.priority();
    if (deadline <= now) {
      return expiredOnArrival(priority, deadline, now);
    }
    if (count == 0) {
      return c.underLock(() -> c.closing)
          ? reject(c.admission.closedRejection())
          : CompletableFuture.completedFuture(List.of());
    }
    @SuppressWarnings("unchecked")
    QueuedTask<I, O>[] parts = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[count];
    for (int i = 0; i < count; i++) {
      parts[i] =
          new QueuedTask<>(c, inputs.get(i), priority, options.payloadBytes(), now, deadline);
    }
    RejectedException rejection = enqueue(parts, priority, options.payloadBytes(), deadline, now);
    return rejection == null ? new AllOfFuture<>(parts) : reject(rejection);
  }

  /**
   * Admits {@code parts} all or none, links them into the queue and dispatches what an idle
   * instance can take. Returns null when admitted, else why not (nothing was queued). Whatever the
   * outcome, expiries and termination noticed under the lock are delivered.
   */
  private RejectedException enqueue(
      QueuedTask<I, O>[] parts, int priority, long bytesEach, long deadline, long now) {
    int queuedAfter;
    long bytesAfter;
    Batch<I, O> dispatch;
    RejectedException rejection;
    c.lock.lock();
    try {
      rejection = c.admission.admissionFailure(parts.length, bytesEach);
      if (rejection == null) {
        for (QueuedTask<I, O> part : parts) {
          c.queue.addLast(part);
        }
        c.expiryTimer.wakeBy(deadline, now);
      }
      queuedAfter = c.queue.size();
      bytesAfter = c.queue.bytes();
      dispatch = rejection != null || c.idle.isEmpty() ? null : c.formation.formBatches(now);
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    ArrayList<QueuedTask<I, O>> expired = c.takeExpiredOut();
    boolean terminate = c.shutdown.takeTermination();
    c.lock.unlock();
    if (rejection == null) {
      for (int i = 0; i < parts.length; i++) {
        c.listener.onEnqueued(priority, queuedAfter, bytesAfter);
      }
    }
    c.delivery.deliver(dispatch, expired, null, terminate, null);
    return rejection;
  }

  static RejectedException invalid(String message) {
    return new RejectedException(Reason.INVALID, message, Duration.ZERO);
  }

  private <T> CompletableFuture<T> reject(RejectedException e) {
    c.listener.onRejected(e.reason());
    return CompletableFuture.failedFuture(e);
  }

  private <T> CompletableFuture<T> expiredOnArrival(int priority, long deadline, long now) {
    c.listener.onExpired(priority);
    return CompletableFuture.failedFuture(
        new DeadlineExpiredException(
            "deadline already passed on submit, by " + (now - deadline) + " ns"));
  }

  private long effectiveDeadline(long requested, long now) {
    if (requested != SubmitOptions.NO_DEADLINE || c.defaultTimeoutNanos == 0) {
      return requested;
    }
    return FormationRule.saturatedAdd(now, c.defaultTimeoutNanos);
  }

  /**
   * Decides a cancellation under the lock, before the future is marked cancelled: a task still
   * queued is unlinked here, so formation (which scans and takes under the same lock) can never put
   * it in a batch afterwards. Returns true if it was queued (and now is not).
   */
  // the lock is released on both paths by hand: before termination callbacks run, never under it
  @SuppressWarnings("LockNotBeforeTry")
  boolean unqueueForCancel(QueuedTask<I, O> task) {
    c.lock.lock();
    boolean removed;
    try {
      removed = c.queue.remove(task);
    } catch (Throwable t) {
      c.lock.unlock();
      throw t;
    }
    boolean terminate = c.shutdown.takeTermination();
    c.lock.unlock();
    if (terminate) {
      c.shutdown.terminate();
    }
    return removed;
  }

  void onCancelled(QueuedTask<I, O> task) {
    c.listener.onCancelled(task.priority);
  }
}
