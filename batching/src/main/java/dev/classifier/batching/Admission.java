package dev.classifier.batching;

import dev.classifier.batching.RejectedException.Reason;
import java.time.Duration;

/**
 * Admission of a {@link Batcher}: whether a request can ever fit ({@link #validate}, on the policy
 * alone) and whether it may be queued now ({@link #admissionFailure}: closed, no healthy instance,
 * request count, estimated queued work, byte budget), with the retry hint a rejection carries.
 *
 * <p><b>Contract.</b> Decides only, never queues or completes anything. {@link #validate} needs no
 * lock; every other method is called holding the batcher's lock (it reads the queue and the slots'
 * run-time estimates). A request alone in an empty queue is never rejected for queued work (it
 * could otherwise never succeed). No state of its own.
 */
final class Admission<I, O> {
  private final BatcherCore<I, O> c;

  Admission(BatcherCore<I, O> core) {
    this.c = core;
  }

  /** Why a request of {@code count} inputs can never be queued with {@code options}, or null. */
  RejectedException validate(SubmitOptions options, int count) {
    BatchPolicy policy = c.policy;
    if (options.priority() >= policy.priorityLevels()) {
      return Intake.invalid(
          "priority must be in [0, priorityLevels="
              + policy.priorityLevels()
              + "), got "
              + options.priority());
    }
    if (count > policy.maxQueueSize()) {
      return Intake.invalid(
          "request of " + count + " inputs can never fit maxQueueSize=" + policy.maxQueueSize());
    }
    long bytes = options.payloadBytes();
    if (bytes > 0 && count > 0 && bytes > policy.maxQueuedBytes() / count) {
      return Intake.invalid(
          "payloadBytes "
              + bytes
              + " x "
              + count
              + " inputs can never fit maxQueuedBytes="
              + policy.maxQueuedBytes());
    }
    return null;
  }

  /** Under the lock: why {@code count} more requests of {@code bytesEach} cannot be queued. */
  RejectedException admissionFailure(int count, long bytesEach) {
    BatchPolicy policy = c.policy;
    TaskQueue<I, O> queue = c.queue;
    if (c.closing) {
      return closedRejection();
    }
    if (c.unhealthy != null) {
      return new RejectedException(Reason.CLOSED, c.unhealthy, Duration.ZERO);
    }
    if (queue.size() > policy.maxQueueSize() - count) {
      return new QueueFullException(
          Reason.QUEUE_FULL,
          "queue of batcher '"
              + c.name
              + "' is full: maxQueueSize="
              + policy.maxQueueSize()
              + " requests queued",
          retryHint());
    }
    if (c.maxQueuedWorkNanos > 0) {
      long perItem = perItemEstimate();
      // requests already queued plus these, shared by the instances; an empty queue always
      // admits (a request alone over the bound could otherwise never succeed)
      if (perItem > 0
          && !queue.isEmpty()
          && (double) (queue.size() + count) * perItem / c.slots.length > c.maxQueuedWorkNanos) {
        return new QueueFullException(
            Reason.QUEUE_FULL,
            "queued work of batcher '"
                + c.name
                + "' would exceed maxQueuedWork="
                + policy.maxQueuedWork().toMillis()
                + " ms ("
                + queue.size()
                + " requests queued, about "
                + perItem / 1000
                + " us each)",
            retryHint());
      }
    }
    if (queue.bytes() > policy.maxQueuedBytes() - bytesEach * count) {
      return new QueueFullException(
          Reason.BYTES_EXHAUSTED,
          "byte budget of batcher '"
              + c.name
              + "' exhausted: maxQueuedBytes="
              + policy.maxQueuedBytes()
              + ", queued "
              + queue.bytes()
              + ", requested "
              + bytesEach * count,
          retryHint());
    }
    return null;
  }

  /** Under the lock: estimated time to drain the queue, or the max queue delay if unmeasured. */
  private Duration retryHint() {
    long perItem = perItemEstimate();
    if (perItem == 0) {
      return c.policy.maxQueueDelay();
    }
    long drainNanos = (long) ((double) c.queue.size() * perItem / c.slots.length);
    return Duration.ofNanos(Math.max(drainNanos, c.policy.maxQueueDelay().toNanos()));
  }

  /** Under the lock: mean measured run time per item over the measured instances, or 0. */
  private long perItemEstimate() {
    long perItemSum = 0;
    int measured = 0;
    for (Slot<I, O> s : c.slots) {
      if (s.estimator.hasSamples()) {
        perItemSum += s.estimator.perItemNanos();
        measured++;
      }
    }
    return measured == 0 ? 0 : perItemSum / measured;
  }

  BatcherClosedException closedRejection() {
    return new BatcherClosedException("batcher '" + c.name + "' is closed");
  }
}
