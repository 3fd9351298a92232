package dev.classifier.loadtest.schedule;

import java.util.SplittableRandom;

/**
 * Poisson arrivals: independent exponential gaps with mean 1/rate, from a seeded generator so that
 * a run's schedule is reproducible.
 */
public final class PoissonSchedule implements ArrivalSchedule {
  private final double ratePerSecond;
  private final double meanGapNanos;
  private final SplittableRandom random;
  private double nextNanos;

  public PoissonSchedule(double ratePerSecond, long seed) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("ratePerSecond must be > 0, got " + ratePerSecond);
    }
    this.ratePerSecond = ratePerSecond;
    this.meanGapNanos = 1e9 / ratePerSecond;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public long nextOffsetNanos() {
    // Inverse transform: -ln(U) * mean with U in (0, 1].
    double u = 1.0 - random.nextDouble();
    nextNanos += -Math.log(u) * meanGapNanos;
    return (long) nextNanos;
  }

  @Override
  public double ratePerSecond() {
    return ratePerSecond;
  }
}
