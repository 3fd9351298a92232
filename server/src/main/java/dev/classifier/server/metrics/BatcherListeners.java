package dev.classifier.server.metrics;

import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.batching.RejectedException;

/** Combines batcher listeners. */
public final class BatcherListeners {
  private BatcherListeners() {}

  /** A listener that passes every event to {@code first}, then to {@code second}. */
  public static BatcherListener both(BatcherListener first, BatcherListener second) {
    return new BatcherListener() {
      @Override
      public void onEnqueued(int priority, int queuedRequests, long queuedBytes) {
        first.onEnqueued(priority, queuedRequests, queuedBytes);
        second.onEnqueued(priority, queuedRequests, queuedBytes);
      }

      @Override
      public void onRejected(RejectedException.Reason reason) {
        first.onRejected(reason);
        second.onRejected(reason);
      }

      @Override
      public void onExpired(int priority) {
        first.onExpired(priority);
        second.onExpired(priority);
      }

      @Override
      public void onCancelled(int priority) {
        first.onCancelled(priority);
        second.onCancelled(priority);
      }

      @Override
      public void onBatchFormed(
          Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
        first.onBatchFormed(instance, batchSize, reason, queueWaitNanos);
        second.onBatchFormed(instance, batchSize, reason, queueWaitNanos);
      }

      @Override
      public void onBatchCompleted(
          Instance instance, int batchSize, long runNanos, Throwable failureOrNull) {
        first.onBatchCompleted(instance, batchSize, runNanos, failureOrNull);
        second.onBatchCompleted(instance, batchSize, runNanos, failureOrNull);
      }

      @Override
      public void onQueueDepth(int priority, int queuedRequests, long queuedBytes) {
        first.onQueueDepth(priority, queuedRequests, queuedBytes);
        second.onQueueDepth(priority, queuedRequests, queuedBytes);
      }

      @Override
      public void onWatchdogTimeout(Instance instance, boolean replaced) {
        first.onWatchdogTimeout(instance, replaced);
        second.onWatchdogTimeout(instance, replaced);
      }

      @Override
      public void onWedgedRunReturned(Instance instance) {
        first.onWedgedRunReturned(instance);
        second.onWedgedRunReturned(instance);
      }
    };
  }
}
