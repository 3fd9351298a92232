package dev.classifier.server.metrics;

import com.codahale.metrics.Gauge;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The fraction of wall time an instance spent running batches, over the last completed window
 * (default 5 s). Reading it never resets anything, so Prometheus and JMX can both read it.
 */
final class BusyRatio implements Gauge<Double> {
  private final LongSupplier nanoClock;
  private final long windowNanos;
  private final LongAdder busyNanos = new LongAdder();
  private long windowStart;
  private long busyAtWindowStart;
  private double lastRatio;

  BusyRatio(LongSupplier nanoClock, long windowNanos) {
    this.nanoClock = nanoClock;
    this.windowNanos = windowNanos;
    this.windowStart = nanoClock.getAsLong();
  }

  /** Adds the run time of one batch. */
  void record(long runNanos) {
    busyNanos.add(Math.max(0, runNanos));
  }

  @Override
  public synchronized Double getValue() {
    long now = nanoClock.getAsLong();
    long elapsed = now - windowStart;
    if (elapsed >= windowNanos) {
      long busy = busyNanos.sum();
      lastRatio = Math.min(1.0, (busy - busyAtWindowStart) / (double) elapsed);
      windowStart = now;
      busyAtWindowStart = busy;
    }
    return lastRatio;
  }
}
