package dev.classifier.loadtest.scenario;

import java.util.concurrent.locks.LockSupport;

/**
 * The time an open loop keeps: where "now" comes from and how it waits for a request's due time.
 * Injected so that tests run the schedule on fake time.
 */
public interface LoadClock {
  long nanoTime();

  /** Returns once {@link #nanoTime()} has reached {@code dueNanos} (or at once if it has). */
  void awaitTime(long dueNanos) throws InterruptedException;

  /** The JVM's monotonic clock, waiting with {@code parkNanos}. */
  static LoadClock system() {
    return new LoadClock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void awaitTime(long dueNanos) throws InterruptedException {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
          LockSupport.parkNanos(Math.min(wait, 50_000_000L));
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      }
    };
  }
}
