package dev.classifier.loadtest.scenario;

import dev.classifier.loadtest.measure.RunResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Bisects the Poisson rate between {@code low} and {@code high} for the highest rate whose run
 * meets the bound: p99 at most {@code p99BoundMillis}, no errors, and at least 90 % of the offered
 * requests answered (a server that cannot keep up fails even before its p99 grows).
 */
public final class MaxRateSearch {
  /** Runs the open loop at one rate. */
  @FunctionalInterface
  public interface RateRun {
    RunResult at(double ratePerSecond) throws InterruptedException;
  }

  /**
   * @param bestRatePerSecond highest passing rate (0 if none passed)
   * @param curve every run, by rate
   */
  public record Found(double bestRatePerSecond, double p99BoundMillis, List<RunResult> curve) {}

  private MaxRateSearch() {}

  public static boolean passes(RunResult r, double p99BoundMillis) {
    double answeredRate = r.requests() / Math.max(1e-9, r.measuredSeconds());
    return r.errorCount() == 0
        && r.latency().count() > 0
        && r.latency().p99Millis() <= p99BoundMillis
        && answeredRate >= 0.9 * r.offeredRatePerSecond();
  }

  public static Found search(RateRun run, double low, double high, int steps, double p99BoundMillis)
      throws InterruptedException {
    if (!(low > 0 && high > low && steps >= 1)) {
      throw new IllegalArgumentException("need 0 < low < high and steps >= 1");
    }
    List<RunResult> curve = new ArrayList<>();
    double best;
    RunResult atLow = run.at(low);
    curve.add(atLow);
    if (!passes(atLow, p99BoundMillis)) {
      return new Found(0, p99BoundMillis, sorted(curve));
    }
    best = low;
    RunResult atHigh = run.at(high);
    curve.add(atHigh);
    if (passes(atHigh, p99BoundMillis)) {
      return new Found(high, p99BoundMillis, sorted(curve));
    }
    double lo = low;
    double hi = high;
    for (int i = 0; i < steps; i++) {
      double mid = (lo + hi) / 2;
      RunResult r = run.at(mid);
      curve.add(r);
      if (passes(r, p99BoundMillis)) {
        lo = mid;
        best = mid;
      } else {
        hi = mid;
      }
    }
    return new Found(best, p99BoundMillis, sorted(curve));
  }

  private static List<RunResult> sorted(List<RunResult> curve) {
    List<RunResult> c = new ArrayList<>(curve);
    c.sort(Comparator.comparingDouble(RunResult::offeredRatePerSecond));
    return c;
  }
}
