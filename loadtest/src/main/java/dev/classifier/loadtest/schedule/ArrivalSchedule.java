package dev.classifier.loadtest.schedule;

/**
 * A sequence of scheduled send times, as nanosecond offsets from the run's start. Not thread-safe.
 */
public interface ArrivalSchedule {
  /** The next send time (non-decreasing), in nanoseconds after the start. */
  long nextOffsetNanos();

  /** Offered load in requests per second. */
  double ratePerSecond();

  /** A schedule of the given kind ("poisson" or "constant"). */
  static ArrivalSchedule of(String kind, double ratePerSecond, long seed) {
    return switch (kind) {
      case "poisson" -> new PoissonSchedule(ratePerSecond, seed);
      case "constant" -> new ConstantSchedule(ratePerSecond);
      default ->
          throw new IllegalArgumentException(
              "arrival kind must be poisson or constant, got '" + kind + "'");
    };
  }
}
