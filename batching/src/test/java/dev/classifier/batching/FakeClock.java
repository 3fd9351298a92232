package dev.classifier.batching;

import java.time.Duration;
import java.util.PriorityQueue;

/** A manually advanced {@link Ticker} and {@link TimerScheduler}: timers run only in advance(). */
final class FakeClock implements Ticker, TimerScheduler {
  private static final class Timer {
    final long dueNanos;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Timer(long dueNanos, long seq, Runnable task) {
      this.dueNanos = dueNanos;
      this.seq = seq;
      this.task = task;
    }
  }

  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.dueNanos != b.dueNanos
                  ? Long.compare(a.dueNanos, b.dueNanos)
                  : Long.compare(a.seq, b.seq));
  private long now = 1_000_000_000L;
  private long seq;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Timer t = new Timer(now + Math.max(0L, delayNanos), seq++, task);
    timers.add(t);
    return () -> {
      synchronized (FakeClock.this) {
        t.cancelled = true;
        timers.remove(t);
      }
    };
  }

  /** Moves time forward, running due timers in order (time set to each timer's due time). */
  void advance(Duration d) {
    advanceNanos(d.toNanos());
  }

  void advanceNanos(long nanos) {
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    while (true) {
      Timer next;
      synchronized (this) {
        next = timers.peek();
        if (next == null || next.dueNanos > target) {
          now = target;
          return;
        }
        timers.poll();
        now = Math.max(now, next.dueNanos);
      }
      if (!next.cancelled) {
        next.task.run();
      }
    }
  }

  /** Moves time forward without running any timer (simulates a late timer thread). */
  synchronized void jump(Duration d) {
    now += d.toNanos();
  }

  synchronized int pendingTimers() {
    return timers.size();
  }

  /** Due time of the earliest pending timer, relative to now, or -1 if none. */
  synchronized long nextTimerInNanos() {
    Timer t = timers.peek();
    return t == null ? -1 : t.dueNanos - now;
  }
}
