package dev.classifier.server.metrics;

import com.codahale.metrics.Gauge;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Dropwizard {@link Metric} with fixed bucket boundaries, exported as a Prometheus histogram
 * ({@code _bucket{le}}, {@code _sum}, {@code _count}) by {@link LabelledFamilies}.
 *
 * <p>Dropwizard timers and histograms are exported as per-process quantile summaries, which cannot
 * be added up across replicas; bucket counts can ({@code histogram_quantile(0.99, sum by (le)
 * (rate(..._bucket[1m])))}). Values are recorded as longs in a base unit (nanoseconds, images) and
 * exported multiplied by {@link #scale()} (seconds, images). Recording is lock-free (one {@link
 * LongAdder} per bucket).
 *
 * <p>It is a {@link Gauge} of its observation count only because Dropwizard's registry accepts no
 * other custom metric type once a listener (the JMX reporter) is attached; JMX shows that count.
 */
public final class BucketedHistogram implements Gauge<Long> {
  /** Latency-like boundaries, in seconds: 0.5 ms to 10 s. */
  static final double[] SECONDS_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10
  };

  /** Batch-size boundaries, in images: powers of two up to 1024. */
  static final double[] SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final long[] bounds;
  private final double scale;
  private final LongAdder[] counts;
  private final LongAdder sum = new LongAdder();

  /**
   * @param bounds upper bucket boundaries in the recorded unit, strictly ascending, at least one
   * @param scale factor from the recorded unit to the exported one (1e-9 for nanoseconds to
   *     seconds); positive
   */
  public BucketedHistogram(long[] bounds, double scale) {
    if (bounds.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bucket boundary");
    }
    for (int i = 1; i < bounds.length; i++) {
      if (bounds[i] <= bounds[i - 1]) {
        throw new IllegalArgumentException(
            "bucket boundaries must be strictly ascending, got " + Arrays.toString(bounds));
      }
    }
    if (!(scale > 0)) {
      throw new IllegalArgumentException("scale must be > 0, got " + scale);
    }
    this.bounds = bounds.clone();
    this.scale = scale;
    this.counts = new LongAdder[bounds.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** A histogram of durations recorded in nanoseconds, exported in seconds. */
  public static BucketedHistogram ofSeconds(double... secondsBounds) {
    long[] nanos = new long[secondsBounds.length];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = Duration.ofNanos(Math.round(secondsBounds[i] * 1e9)).toNanos();
    }
    return new BucketedHistogram(nanos, 1e-9);
  }

  /** A histogram of counts (batch sizes), exported as they are. */
  public static BucketedHistogram ofCounts(double... bounds) {
    long[] b = new long[bounds.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = Math.round(bounds[i]);
    }
    return new BucketedHistogram(b, 1);
  }

  /** Records one value in the base unit (a value equal to a boundary falls in that bucket). */
  public void update(long value) {
    int i = Arrays.binarySearch(bounds, value);
    counts[i >= 0 ? i : -i - 1].increment();
    sum.add(value);
  }

  /** The number of observations (the Dropwizard/JMX view). */
  @Override
  public Long getValue() {
    long total = 0;
    for (LongAdder c : counts) {
      total += c.sum();
    }
    return total;
  }

  public double scale() {
    return scale;
  }

  /** The current state; counts per bucket, not cumulative, the last one for +Inf. */
  public Snapshot snapshot() {
    double[] upper = new double[bounds.length + 1];
    long[] c = new long[bounds.length + 1];
    long total = 0;
    for (int i = 0; i < bounds.length; i++) {
      upper[i] = bounds[i] * scale;
      c[i] = counts[i].sum();
      total += c[i];
    }
    upper[bounds.length] = Double.POSITIVE_INFINITY;
    c[bounds.length] = counts[bounds.length].sum();
    total += c[bounds.length];
    return new Snapshot(upper, c, sum.sum() * scale, total);
  }

  /**
   * One reading.
   *
   * @param upperBounds exported bucket boundaries, the last +Inf
   * @param counts observations per bucket (not cumulative)
   * @param sum sum of all observations, exported unit
   * @param count number of observations (the sum of {@code counts})
   */
  public record Snapshot(double[] upperBounds, long[] counts, double sum, long count) {}
}
