package dev.classifier.loadtest.measure;

import java.time.Duration;

/**
 * How long to measure: an unmeasured warm-up, then windows of {@code window} until the stability
 * rule holds (after at least {@code minWindows}) or {@code maxWindows} have passed.
 */
public record MeasurementPlan(
    Duration warmup, Duration window, int minWindows, int maxWindows, StabilityRule rule) {
  public MeasurementPlan {
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
    }
    if (window.toMillis() < 10) {
      throw new IllegalArgumentException("window must be >= 10 ms, got " + window);
    }
    if (minWindows < 1 || maxWindows < minWindows) {
      throw new IllegalArgumentException(
          "need 1 <= minWindows <= maxWindows, got " + minWindows + ", " + maxWindows);
    }
  }
}
