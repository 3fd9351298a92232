package dev.classifier.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server warms its whole serving path (gRPC, protobuf, request reading, batcher, engine,
 * response writing) before readiness turns SERVING: synthetic requests for every served model
 * through the real service stack (key {@code server.warmup}; docs/OPERATIONS.md, "Warm-up").
 *
 * <p>For each model, warm-up stops once it has sent at least {@code minRequests}, run at least
 * {@code minDuration} and per-request latency has converged (the median of the last {@code window}
 * latencies within {@code tolerancePercent} % of the median of the window before), or once {@code
 * maxDuration} has passed, whichever comes first.
 *
 * @param enabled whether to warm up at all (off: SERVING as soon as the models are loaded)
 * @param minRequests requests per model before warm-up may stop
 * @param minDuration time per model before warm-up may stop
 * @param maxDuration time per model after which warm-up stops even if not converged
 * @param window latencies per convergence window
 * @param tolerancePercent how close (in %) two consecutive window medians must be
 * @param concurrency synthetic requests in flight at once (so batches larger than one form too)
 * @param retryAfter the retry hint given to client calls shed while warming up
 */
public record WarmupConfig(
    boolean enabled,
    int minRequests,
    Duration minDuration,
    Duration maxDuration,
    int window,
    double tolerancePercent,
    int concurrency,
    Duration retryAfter) {

  public static final int DEFAULT_MIN_REQUESTS = 20_000;
  public static final Duration DEFAULT_MIN_DURATION = Duration.ofSeconds(2);
  public static final Duration DEFAULT_MAX_DURATION = Duration.ofSeconds(20);
  public static final int DEFAULT_WINDOW = 200;
  public static final double DEFAULT_TOLERANCE_PERCENT = 10;
  public static final int DEFAULT_CONCURRENCY = 16;
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMillis(500);

  public WarmupConfig {
    if (minRequests < 0) {
      throw new IllegalArgumentException("minRequests must be >= 0, got " + minRequests);
    }
    Objects.requireNonNull(minDuration, "minDuration");
    Objects.requireNonNull(maxDuration, "maxDuration");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (minDuration.isNegative()) {
      throw new IllegalArgumentException("minMillis must be >= 0, got " + minDuration.toMillis());
    }
    if (maxDuration.compareTo(minDuration) < 0) {
      throw new IllegalArgumentException(
          "maxMillis must be >= minMillis ("
              + minDuration.toMillis()
              + "), got "
              + maxDuration.toMillis());
    }
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    if (!(tolerancePercent > 0 && tolerancePercent <= 100)) {
      throw new IllegalArgumentException(
          "tolerancePercent must be in (0, 100], got " + tolerancePercent);
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("concurrency must be in 1..1024, got " + concurrency);
    }
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException(
          "retryAfterMillis must be >= 0, got " + retryAfter.toMillis());
    }
  }

  /** The defaults, on (what the server binary uses without a {@code server.warmup} key). */
  public static WarmupConfig defaults() {
    return new WarmupConfig(
        true,
        DEFAULT_MIN_REQUESTS,
        DEFAULT_MIN_DURATION,
        DEFAULT_MAX_DURATION,
        DEFAULT_WINDOW,
        DEFAULT_TOLERANCE_PERCENT,
        DEFAULT_CONCURRENCY,
        DEFAULT_RETRY_AFTER);
  }

  /** The defaults, off (tests that start many servers; {@link ServerConfig#of}). */
  public static WarmupConfig disabled() {
    return defaults().withEnabled(false);
  }

  public WarmupConfig withEnabled(boolean value) {
    return new WarmupConfig(
        value,
        minRequests,
        minDuration,
        maxDuration,
        window,
        tolerancePercent,
        concurrency,
        retryAfter);
  }

  public WarmupConfig withMaxDuration(Duration value) {
    return new WarmupConfig(
        enabled,
        minRequests,
        minDuration,
        value,
        window,
        tolerancePercent,
        concurrency,
        retryAfter);
  }

  /**
   * The pass after a hot reload: the process is already warm, so no minimum count or time, only
   * convergence (two windows) within the same cap.
   */
  public WarmupConfig afterReload() {
    return new WarmupConfig(
        enabled, 0, Duration.ZERO, maxDuration, window, tolerancePercent, concurrency, retryAfter);
  }
}
