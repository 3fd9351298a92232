package dev.classifier.server.warmup;

import java.util.Arrays;

/**
 * The convergence rule of warm-up: latencies are recorded in order; the rule holds once at least
 * two full windows have been seen and the median of the last {@code window} latencies is within
 * {@code tolerancePercent} % of the median of the {@code window} latencies before them (relative to
 * the earlier median). While the JIT is still compiling, each window is markedly faster than the
 * one before; once compiled code runs, consecutive medians agree.
 *
 * <p>Not thread-safe: one warm-up thread records.
 */
public final class LatencyConvergence {
  private final int window;
  private final double tolerance;

  /** The last two windows, a ring of 2 * window entries. */
  private final long[] ring;

  private long recorded;
  private final long[] scratch;

  public LatencyConvergence(int window, double tolerancePercent) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    if (!(tolerancePercent > 0)) {
      throw new IllegalArgumentException("tolerancePercent must be > 0, got " + tolerancePercent);
    }
    this.window = window;
    this.tolerance = tolerancePercent / 100.0;
    this.ring = new long[2 * window];
    this.scratch = new long[window];
  }

  public void record(long latencyNanos) {
    ring[(int) (recorded % ring.length)] = latencyNanos;
    recorded++;
  }

  public long recorded() {
    return recorded;
  }

  /** Whether the last window's median is within the tolerance of the previous window's. */
  public boolean converged() {
    if (recorded < ring.length) {
      return false;
    }
    double previous = median(recorded - 2L * window);
    double last = median(recorded - window);
    return Math.abs(last - previous) <= tolerance * previous;
  }

  /** Median of the {@code window} latencies recorded from sequence number {@code from}. */
  private double median(long from) {
    for (int i = 0; i < window; i++) {
      scratch[i] = ring[(int) ((from + i) % ring.length)];
    }
    Arrays.sort(scratch);
    int mid = window / 2;
    return window % 2 == 1 ? scratch[mid] : (scratch[mid - 1] + scratch[mid]) / 2.0;
  }
}
