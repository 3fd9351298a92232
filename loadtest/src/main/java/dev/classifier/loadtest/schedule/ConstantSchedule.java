package dev.classifier.loadtest.schedule;

/** Evenly spaced arrivals at a constant rate. */
public final class ConstantSchedule implements ArrivalSchedule {
  private final double ratePerSecond;
  private final double gapNanos;
  private long index;

  public ConstantSchedule(double ratePerSecond) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("ratePerSecond must be > 0, got " + ratePerSecond);
    }
    this.ratePerSecond = ratePerSecond;
    this.gapNanos = 1e9 / ratePerSecond;
  }

  @Override
  public long nextOffsetNanos() {
    return (long) (index++ * gapNanos);
  }

  @Override
  public double ratePerSecond() {
    return ratePerSecond;
  }
}
