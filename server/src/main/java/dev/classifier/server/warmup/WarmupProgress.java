package dev.classifier.server.warmup;

import dev.classifier.server.config.WarmupConfig;
import java.util.function.LongSupplier;

/**
 * When one model's warm-up may stop: at least {@code minRequests} sent and {@code minDuration}
 * passed and every warmer's latency converged ({@link LatencyConvergence}), or {@code maxDuration}
 * passed. Time comes from an injected clock (nanoseconds).
 */
public final class WarmupProgress {
  private final WarmupConfig config;
  private final LongSupplier clock;
  private final long startNanos;
  private final LatencyConvergence[] perWarmer;
  private long requests;
  private long failures;

  public WarmupProgress(WarmupConfig config, int warmers, LongSupplier clock) {
    this.config = config;
    this.clock = clock;
    this.startNanos = clock.getAsLong();
    this.perWarmer = new LatencyConvergence[warmers];
    for (int i = 0; i < warmers; i++) {
      perWarmer[i] = new LatencyConvergence(config.window(), config.tolerancePercent());
    }
  }

  /** One synthetic request of warmer {@code warmer} answered after {@code latencyNanos}. */
  public void answered(int warmer, long latencyNanos) {
    requests++;
    perWarmer[warmer].record(latencyNanos);
  }

  /** One synthetic request failed (counted, no latency). */
  public void failed() {
    requests++;
    failures++;
  }

  public long requests() {
    return requests;
  }

  public long failures() {
    return failures;
  }

  public long elapsedNanos() {
    return clock.getAsLong() - startNanos;
  }

  /** Whether every warmer's latency has converged. */
  public boolean converged() {
    for (LatencyConvergence c : perWarmer) {
      if (!c.converged()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the time cap has passed. */
  public boolean timedOut() {
    return elapsedNanos() >= config.maxDuration().toNanos();
  }

  /** Whether warm-up of this model may stop now. */
  public boolean done() {
    long elapsed = elapsedNanos();
    if (elapsed >= config.maxDuration().toNanos()) {
      return true;
    }
    return requests >= config.minRequests()
        && elapsed >= config.minDuration().toNanos()
        && converged();
  }
}
