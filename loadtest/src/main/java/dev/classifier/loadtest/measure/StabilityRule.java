package dev.classifier.loadtest.measure;

import java.util.List;
import java.util.Locale;

/**
 * perf_analyzer's rule: a run is stable when, over its last {@code windows} windows, throughput and
 * p99 latency each stay within {@code tolerance} (a fraction, 0.1 = 10 %) of their mean.
 */
public record StabilityRule(int windows, double tolerance) {
  public StabilityRule {
    if (windows < 2) {
      throw new IllegalArgumentException("windows must be >= 2, got " + windows);
    }
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
    }
  }

  /** Judges the windows measured so far. */
  public Stability judge(List<Window> measured) {
    if (measured.size() < windows) {
      return new Stability(
          false,
          "only " + measured.size() + " of the " + windows + " windows needed were measured");
    }
    List<Window> last = measured.subList(measured.size() - windows, measured.size());
    String t = spread(last.stream().mapToDouble(Window::imagesPerSecond).toArray());
    String p = spread(last.stream().mapToDouble(Window::p99Millis).toArray());
    if (t == null && p == null) {
      return new Stability(
          true,
          String.format(
              Locale.ROOT,
              "throughput and p99 of the last %d windows within %.0f%% of their mean",
              windows,
              tolerance * 100));
    }
    StringBuilder why = new StringBuilder("last " + windows + " windows disagree:");
    if (t != null) {
      why.append(" throughput ").append(t);
    }
    if (p != null) {
      why.append(" p99 ").append(p);
    }
    return new Stability(false, why.toString());
  }

  /** Null when every value is within tolerance of the mean, else a description of the spread. */
  private String spread(double[] values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double worst = 0;
    for (double v : values) {
      worst = Math.max(worst, mean == 0 ? (v == 0 ? 0 : 1) : Math.abs(v - mean) / mean);
    }
    return worst <= tolerance
        ? null
        : String.format(Locale.ROOT, "deviates %.0f%% from mean %.3g", worst * 100, mean);
  }

  /** The verdict and why. */
  public record Stability(boolean stable, String reason) {}
}
