package dev.classifier.server.warmup;

import java.time.Duration;
import java.util.List;

/**
 * What one warm-up pass did.
 *
 * @param models one entry per model, in the order warmed
 * @param duration wall time of the whole pass
 */
public record WarmupReport(List<ModelWarmup> models, Duration duration) {
  public WarmupReport {
    models = List.copyOf(models);
  }

  /** No warm-up (disabled). */
  public static WarmupReport none() {
    return new WarmupReport(List.of(), Duration.ZERO);
  }

  public long requests() {
    return models.stream().mapToLong(ModelWarmup::requests).sum();
  }

  /** "1234 ms, 3000 requests, converged" for the start-up line. */
  public String summary() {
    if (models.isEmpty()) {
      return "warm-up off";
    }
    boolean converged = models.stream().allMatch(ModelWarmup::converged);
    long failures = models.stream().mapToLong(ModelWarmup::failures).sum();
    return "warm-up "
        + duration.toMillis()
        + " ms ("
        + requests()
        + " requests"
        + (failures > 0 ? ", " + failures + " failed" : "")
        + (converged ? ", latency converged" : ", stopped at the time cap")
        + ")";
  }

  /**
   * @param model the served model's name
   * @param requests synthetic requests sent
   * @param failures of which failed
   * @param duration time spent on this model
   * @param converged whether latency converged (false: the time cap or failures stopped it)
   * @param lastFailure the last failure's message, or null
   */
  public record ModelWarmup(
      String model,
      long requests,
      long failures,
      Duration duration,
      boolean converged,
      String lastFailure) {}
}
