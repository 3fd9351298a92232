package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;

/** Get-or-register for {@link BucketedHistogram}s (Dropwizard has no builder for custom types). */
final class Histograms {
  private Histograms() {}

  /**
   * The histogram registered under {@code name}, registering a new one first if there is none.
   *
   * @param seconds true: durations recorded in nanoseconds, bounds in seconds; false: counts
   */
  static BucketedHistogram register(
      MetricRegistry registry, String name, double[] bounds, boolean seconds) {
    synchronized (registry) {
      if (registry.getMetrics().get(name) instanceof BucketedHistogram existing) {
        return existing;
      }
      return registry.register(
          name, seconds ? BucketedHistogram.ofSeconds(bounds) : BucketedHistogram.ofCounts(bounds));
    }
  }
}
