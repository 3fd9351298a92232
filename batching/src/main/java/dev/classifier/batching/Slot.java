package dev.classifier.batching;

/**
 * Dispatch capacity: one {@link Instance}, the {@link InstanceRunner} that owns its state, and what
 * the batcher knows about it (run time estimates, adaptive cap); it is idle while it sits in the
 * batcher's idle deque. Guarded by the batcher's lock, except {@link #runner}, which only the
 * thread running the slot's batch (or the batcher's close) reads.
 */
final class Slot<I, O> {
  final Instance instance;
  final InstanceRunner<I, O> runner;

  /** Index in the batcher's slot table (a replacement takes its predecessor's). */
  final int position;

  /** The batch formed for this slot and not yet returned; guarded by the lock. */
  Batch<I, O> current;

  /** Taken off the books (wedged or abandoned at close): never released, never dispatched to. */
  boolean retired;

  final RunTimeEstimator estimator = new RunTimeEstimator();
  private final int hardCap;
  private final long maxDelayNanos;
  private final AimdController controller;

  Slot(Instance instance, InstanceRunner<I, O> runner, BatchPolicy policy, int position) {
    this.instance = instance;
    this.runner = runner;
    this.position = position;
    this.hardCap = Math.min(instance.maxBatchSize(), policy.maxBatchSize());
    this.maxDelayNanos = policy.maxQueueDelay().toNanos();
    this.controller =
        policy.adaptive().enabled() ? new AimdController(policy.adaptive(), hardCap) : null;
  }

  /** Largest batch this slot takes now: instance and policy limits, and the adaptive cap. */
  int cap() {
    return controller == null ? hardCap : Math.min(hardCap, controller.cap());
  }

  /** Queue delay for this slot; with adaptive sizing it scales with the cap. */
  long delayNanos() {
    if (controller == null || maxDelayNanos == 0) {
      return maxDelayNanos;
    }
    return maxDelayNanos / hardCap * cap() + (maxDelayNanos % hardCap) * cap() / hardCap;
  }

  void recordBatch(int batchSize, long runNanos) {
    estimator.record(batchSize, runNanos);
    if (controller != null) {
      controller.onBatch(batchSize, runNanos);
    }
  }
}
