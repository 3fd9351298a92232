package dev.classifier.batching;

import dev.classifier.batching.RejectedException.Reason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records listener events for assertions. */
final class RecordingListener implements BatcherListener {
  record Formed(Instance instance, int size, CloseReason reason, long[] queueWaitNanos) {}

  record Completed(Instance instance, int size, long runNanos, Throwable failure) {}

  final List<Formed> formed = new CopyOnWriteArrayList<>();
  final List<Completed> completed = new CopyOnWriteArrayList<>();
  final List<Reason> rejected = new CopyOnWriteArrayList<>();
  final AtomicInteger enqueued = new AtomicInteger();
  final AtomicInteger expired = new AtomicInteger();
  final AtomicInteger cancelled = new AtomicInteger();
  final AtomicInteger depthReports = new AtomicInteger();

  @Override
  public void onEnqueued(int priority, int queuedRequests, long queuedBytes) {
    enqueued.incrementAndGet();
  }

  @Override
  public void onRejected(Reason reason) {
    rejected.add(reason);
  }

  @Override
  public void onExpired(int priority) {
    expired.incrementAndGet();
  }

  @Override
  public void onCancelled(int priority) {
    cancelled.incrementAndGet();
  }

  @Override
  public void onBatchFormed(
      Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
    formed.add(new Formed(instance, batchSize, reason, queueWaitNanos));
  }

  @Override
  public void onBatchCompleted(
      Instance instance, int batchSize, long runNanos, Throwable failureOrNull) {
    completed.add(new Completed(instance, batchSize, runNanos, failureOrNull));
  }

  @Override
  public void onQueueDepth(int priority, int queuedRequests, long queuedBytes) {
    depthReports.incrementAndGet();
  }

  List<CloseReason> reasons() {
    return formed.stream().map(Formed::reason).toList();
  }

  List<Integer> sizes() {
    return formed.stream().map(Formed::size).toList();
  }
}
