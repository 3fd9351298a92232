package dev.classifier.batching;

import java.time.Duration;
import java.util.Objects;

/**
 * Adaptive batch sizing (AIMD, as in Clipper): while measured batch latency stays at or below
 * {@code latencyTarget} the effective batch-size cap grows by {@code additiveIncrease}; when a
 * batch takes longer it shrinks by {@code multiplicativeDecrease}, within {@code [minBatchSize,
 * maxBatchSize]}. The effective queue delay scales with the cap.
 *
 * @param enabled whether adaptive sizing is on
 * @param latencyTarget batch run-time target, {@code > 0} when enabled
 * @param minBatchSize lower bound of the cap, {@code >= 1}
 * @param maxBatchSize upper bound of the cap, {@code >= minBatchSize}
 * @param additiveIncrease step added per on-target full batch, {@code >= 1}
 * @param multiplicativeDecrease factor applied on a late batch, in {@code (0, 1)}
 */
public record AdaptiveBatching(
    boolean enabled,
    Duration latencyTarget,
    int minBatchSize,
    int maxBatchSize,
    int additiveIncrease,
    double multiplicativeDecrease) {

  private static final AdaptiveBatching DISABLED =
      new AdaptiveBatching(false, Duration.ZERO, 1, Integer.MAX_VALUE, 1, 0.9);

  public AdaptiveBatching {
    Objects.requireNonNull(latencyTarget, "latencyTarget");
    if (latencyTarget.isNegative()) {
      throw new IllegalArgumentException("latencyTarget must be >= 0, got " + latencyTarget);
    }
    if (enabled && latencyTarget.isZero()) {
      throw new IllegalArgumentException("latencyTarget must be > 0 when enabled, got ZERO");
    }
    if (minBatchSize < 1) {
      throw new IllegalArgumentException("minBatchSize must be >= 1, got " + minBatchSize);
    }
    if (maxBatchSize < minBatchSize) {
      throw new IllegalArgumentException(
          "maxBatchSize must be >= minBatchSize (" + minBatchSize + "), got " + maxBatchSize);
    }
    if (additiveIncrease < 1) {
      throw new IllegalArgumentException("additiveIncrease must be >= 1, got " + additiveIncrease);
    }
    if (!(multiplicativeDecrease > 0.0 && multiplicativeDecrease < 1.0)) {
      throw new IllegalArgumentException(
          "multiplicativeDecrease must be in (0, 1), got " + multiplicativeDecrease);
    }
  }

  /** Step +1 and decrease factor 0.9 (Clipper's defaults). */
  public AdaptiveBatching(
      boolean enabled, Duration latencyTarget, int minBatchSize, int maxBatchSize) {
    this(enabled, latencyTarget, minBatchSize, maxBatchSize, 1, 0.9);
  }

  /** Adaptive sizing off (the default). */
  public static AdaptiveBatching disabled() {
    return DISABLED;
  }

  /** AIMD with step +1 and decrease factor 0.9 (Clipper's defaults). */
  public static AdaptiveBatching aimd(Duration latencyTarget, int minBatchSize, int maxBatchSize) {
    return new AdaptiveBatching(true, latencyTarget, minBatchSize, maxBatchSize);
  }
}
