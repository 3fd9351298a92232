package dev.classifier.batching;

import dev.classifier.batching.BatcherListener.CloseReason;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A formed batch on its way to (or running on) one slot. It is also the unmodifiable list handed to
 * the runner and the {@link Runnable} given to the executor, to keep allocations per batch low.
 */
final class Batch<I, O> extends AbstractList<BatchTask<I, O>> implements RandomAccess, Runnable {
  final BatcherCore<I, O> owner;
  final Slot<I, O> slot;
  final QueuedTask<I, O>[] tasks;
  final BatchEntry<I, O>[] entries;
  final long[] queueWaitNanos;
  final CloseReason reason;
  final int topPriority;
  final int queuedAfter;
  final long bytesAfter;

  /** Next batch in a dispatch chain (formation to delivery only). */
  Batch<I, O> next;

  @SuppressWarnings("unchecked")
  Batch(
      BatcherCore<I, O> owner,
      Slot<I, O> slot,
      QueuedTask<I, O>[] tasks,
      long[] queueWaitNanos,
      CloseReason reason,
      int topPriority,
      int queuedAfter,
      long bytesAfter) {
    this.owner = owner;
    this.slot = slot;
    this.tasks = tasks;
    this.entries = (BatchEntry<I, O>[]) new BatchEntry<?, ?>[tasks.length];
    for (int i = 0; i < tasks.length; i++) {
      entries[i] = new BatchEntry<>(tasks[i]);
    }
    this.queueWaitNanos = queueWaitNanos;
    this.reason = reason;
    this.topPriority = topPriority;
    this.queuedAfter = queuedAfter;
    this.bytesAfter = bytesAfter;
  }

  @Override
  public BatchTask<I, O> get(int index) {
    return entries[index];
  }

  @Override
  public int size() {
    return tasks.length;
  }

  @Override
  public void run() {
    owner.runLoop.runBatches(this);
  }

  /** Delivers every entry's outcome to its caller ({@code failure} for those without one). */
  void settle(Throwable failure) {
    for (BatchEntry<I, O> e : entries) {
      e.settle(failure);
    }
  }
}
