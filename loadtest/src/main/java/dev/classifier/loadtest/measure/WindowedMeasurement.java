package dev.classifier.loadtest.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Measures a load that is already running: sleeps through the warm-up, discards what it recorded,
 * then snapshots {@link Outcomes} once per window, printing a progress line after each, and stops
 * when the plan's stability rule holds or its window budget is spent.
 */
public final class WindowedMeasurement {
  private final MeasurementPlan plan;
  private final Consumer<String> progress;

  public WindowedMeasurement(MeasurementPlan plan, Consumer<String> progress) {
    this.plan = plan;
    this.progress = progress;
  }

  /**
   * Blocks for the warm-up and the measured windows, calling {@code onMeasureStart} when warm-up
   * ends.
   */
  public Measured measure(Outcomes outcomes, String label, Runnable onMeasureStart)
      throws InterruptedException {
    if (!plan.warmup().isZero()) {
      progress.accept(label + ": warming up " + plan.warmup().toMillis() + " ms");
      Thread.sleep(plan.warmup().toMillis());
    }
    outcomes.snapshot();
    onMeasureStart.run();
    Histogram all = new Histogram(1_000L, Outcomes.MAX_NANOS, 3);
    List<Window> windows = new ArrayList<>();
    Map<String, Long> errors = new TreeMap<>();
    long requests = 0;
    long images = 0;
    long start = System.nanoTime();
    long windowStart = start;
    StabilityRule.Stability verdict = plan.rule().judge(windows);
    while (windows.size() < plan.maxWindows()) {
      long due = windowStart + plan.window().toNanos();
      long now;
      while ((now = System.nanoTime()) < due) {
        Thread.sleep(Math.max(1, (due - now) / 1_000_000));
      }
      Outcomes.Snapshot s = outcomes.snapshot();
      double seconds = (now - windowStart) / 1e9;
      windowStart = now;
      all.add(s.latencies());
      requests += s.requests();
      images += s.images();
      s.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
      Window w =
          new Window(
              seconds,
              s.images() / seconds,
              s.latencies().getTotalCount() == 0 ? 0 : s.latencies().getValueAtPercentile(99) / 1e6,
              s.errorCount());
      windows.add(w);
      verdict = plan.rule().judge(windows);
      progress.accept(
          String.format(
              Locale.ROOT,
              "%s: window %d/%d  %.0f img/s  p99 %.2f ms  errors %d  %s",
              label,
              windows.size(),
              plan.maxWindows(),
              w.imagesPerSecond(),
              w.p99Millis(),
              errors.values().stream().mapToLong(Long::longValue).sum(),
              verdict.stable() ? "stable" : "settling"));
      if (windows.size() >= plan.minWindows() && verdict.stable()) {
        break;
      }
    }
    double seconds = (windowStart - start) / 1e9;
    return new Measured(all, requests, images, seconds, errors, windows, verdict);
  }

  /** What a measurement saw. */
  public record Measured(
      Histogram latencies,
      long requests,
      long images,
      double seconds,
      Map<String, Long> errors,
      List<Window> windows,
      StabilityRule.Stability stability) {}
}
