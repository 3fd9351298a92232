package dev.classifier.batching;

/**
 * Additive-increase / multiplicative-decrease controller of the batch-size cap of one instance
 * (Clipper's adaptive batching). Not thread-safe: the batcher calls it under its lock.
 *
 * <p>A batch slower than the target shrinks the cap by the decrease factor (at least by one). A
 * batch within the target that was full (size {@code >=} cap) grows the cap by the additive step;
 * partial batches say nothing about a larger cap, so they leave it unchanged.
 */
final class AimdController {
  private final long targetNanos;
  private final int min;
  private final int max;
  private final int step;
  private final double factor;
  private int cap;

  /**
   * @param config enabled adaptive settings
   * @param upperBound hard cap from the instance and policy; the controller never exceeds it
   */
  AimdController(AdaptiveBatching config, int upperBound) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("adaptive batching is disabled");
    }
    this.targetNanos = config.latencyTarget().toNanos();
    this.max = Math.min(config.maxBatchSize(), upperBound);
    this.min = Math.min(config.minBatchSize(), this.max);
    this.step = config.additiveIncrease();
    this.factor = config.multiplicativeDecrease();
    this.cap = this.min;
  }

  /** Current batch-size cap, in {@code [min, max]}. */
  int cap() {
    return cap;
  }

  /** Feeds one batch measurement; returns the new cap. */
  int onBatch(int batchSize, long latencyNanos) {
    if (latencyNanos > targetNanos) {
      int decreased = (int) Math.floor(cap * factor);
      cap = Math.max(min, Math.min(decreased, cap - 1));
    } else if (batchSize >= cap) {
      cap = (int) Math.min((long) max, (long) cap + step);
    }
    return cap;
  }
}
