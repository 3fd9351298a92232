package dev.classifier.loadtest.measure;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where completed requests are recorded, from any thread. Latencies go into an HdrHistogram {@link
 * Recorder} (nanoseconds, 3 significant digits); interval snapshots reset the counts, so warm-up is
 * excluded by taking (and discarding) one snapshot when it ends.
 */
public final class Outcomes {
  /** Latencies above this (1 hour) are clamped. */
  static final long MAX_NANOS = 3_600_000_000_000L;

  private final Recorder latencies = new Recorder(1_000L, MAX_NANOS, 3);
  private final LongAdder images = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  /** A request answered OK after {@code latencyNanos}, carrying {@code imageCount} images. */
  public void success(long latencyNanos, int imageCount) {
    latencies.recordValue(Math.max(1_000L, Math.min(latencyNanos, MAX_NANOS)));
    images.add(imageCount);
    requests.increment();
  }

  /**
   * Records one request's final status code name: "OK" as a success that took {@code latencyNanos}
   * (from its scheduled or actual send time), anything else as an error.
   */
  public void record(String statusCode, long latencyNanos, int imageCount) {
    if ("OK".equals(statusCode)) {
      success(latencyNanos, imageCount);
    } else {
      error(statusCode);
    }
  }

  /** A request failed with a gRPC status code name (e.g. "DEADLINE_EXCEEDED"). */
  public void error(String statusCode) {
    errors.computeIfAbsent(statusCode, k -> new LongAdder()).increment();
  }

  /** Everything recorded since the previous snapshot; resets the interval. */
  public synchronized Snapshot snapshot() {
    Histogram h = latencies.getIntervalHistogram();
    long img = images.sumThenReset();
    long req = requests.sumThenReset();
    Map<String, Long> err = new TreeMap<>();
    errors.forEach(
        (k, v) -> {
          long n = v.sumThenReset();
          if (n > 0) {
            err.put(k, n);
          }
        });
    return new Snapshot(h, req, img, err);
  }

  /** One interval's counts. */
  public record Snapshot(
      Histogram latencies, long requests, long images, Map<String, Long> errors) {
    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
