package dev.classifier.batching;

/**
 * Exponentially weighted moving averages of batch run time and per-item run time for one instance.
 * Used to close a batch early enough for its earliest deadline and to estimate queue drain time.
 * Not thread-safe: the batcher calls it under its lock.
 */
final class RunTimeEstimator {
  /** Weight of the newest sample. */
  static final double ALPHA = 0.2;

  private double batchNanos;
  private double perItemNanos;
  private boolean seeded;

  /** Starts from another estimator's state (a replacement slot inherits its predecessor's). */
  void copyFrom(RunTimeEstimator other) {
    this.batchNanos = other.batchNanos;
    this.perItemNanos = other.perItemNanos;
    this.seeded = other.seeded;
  }

  void record(int batchSize, long runNanos) {
    long run = Math.max(0L, runNanos);
    double perItem = (double) run / Math.max(1, batchSize);
    if (!seeded) {
      batchNanos = run;
      perItemNanos = perItem;
      seeded = true;
    } else {
      batchNanos += ALPHA * (run - batchNanos);
      perItemNanos += ALPHA * (perItem - perItemNanos);
    }
  }

  /** True once at least one batch was measured. */
  boolean hasSamples() {
    return seeded;
  }

  /** Estimated run time of one batch, 0 before the first measurement. */
  long batchNanos() {
    return (long) batchNanos;
  }

  /** Estimated run time per item, 0 before the first measurement. */
  long perItemNanos() {
    return (long) perItemNanos;
  }
}
