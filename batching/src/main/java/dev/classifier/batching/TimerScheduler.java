package dev.classifier.batching;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Schedules one-shot timers (batch delay, deadline expiry, shutdown grace). Injectable so tests can
 * fire timers by hand.
 */
@FunctionalInterface
public interface TimerScheduler {

  /**
   * Runs {@code task} once, {@code delayNanos} from now (0 or negative: as soon as possible).
   *
   * @return a handle to cancel the timer; cancelling a timer that already ran is a no-op
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Adapts a {@link ScheduledExecutorService}; the caller keeps ownership of it. */
  static TimerScheduler of(ScheduledExecutorService ses) {
    Objects.requireNonNull(ses, "ses");
    return (task, delayNanos) -> {
      ScheduledFuture<?> f = ses.schedule(task, Math.max(0L, delayNanos), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }

  /** Handle to a scheduled timer. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the timer if it has not run yet. */
    void cancel();
  }
}
