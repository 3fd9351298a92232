package dev.classifier.server.engine;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Decides, run by run, whether a batch of an adaptive CPU device runs <b>wide</b> (on the session
 * whose intra-op pool has all the device's threads) or <b>narrow</b> (on the instance's own session
 * with its share of them), so that the threads never outnumber the cores:
 *
 * <ul>
 *   <li>a run that starts while no other run of the device is in progress or waiting runs wide: at
 *       low load one request gets every core (the lowest latency);
 *   <li>a run that starts while another is in progress runs narrow: under load the instances run
 *       side by side, each on its own cores, with no barrier between them (the highest throughput,
 *       and a preempted thread then delays only its own batch);
 *   <li>a run that starts while a wide run is in progress waits for it to end, then runs narrow
 *       (the wide run already holds every core).
 * </ul>
 *
 * <p>Thread-safe; one arbiter per adaptive device, shared by that device's instances. It holds no
 * sessions: callers pick the session from the {@link Width} they are given and must {@link
 * #release} it once their run returns, in a {@code finally}.
 */
public final class WidthArbiter {
  /** How one run uses the device's threads. */
  public enum Width {
    /** Every thread of the device, one run alone. */
    WIDE,
    /** The instance's share of the threads, beside the other instances' runs. */
    NARROW
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wideEnded = lock.newCondition();
  private boolean wideRunning;
  private int narrowRunning;
  private int waiting;
  private long wideRuns;
  private long narrowRuns;

  /**
   * The width of a run about to start; waits while a wide run is in progress. Returns null, without
   * taking a width, when {@code cancelled} turns true while waiting (checked whenever {@link
   * #wakeAll} is called or the wide run ends).
   */
  public Width acquire(BooleanSupplier cancelled) {
    lock.lock();
    try {
      if (!wideRunning && narrowRunning == 0 && waiting == 0) {
        wideRunning = true;
        wideRuns++;
        return Width.WIDE;
      }
      waiting++;
      try {
        while (wideRunning) {
          if (cancelled.getAsBoolean()) {
            return null;
          }
          wideEnded.awaitUninterruptibly();
        }
      } finally {
        waiting--;
      }
      if (cancelled.getAsBoolean()) {
        return null;
      }
      narrowRunning++;
      narrowRuns++;
      return Width.NARROW;
    } finally {
      lock.unlock();
    }
  }

  /** Ends a run of {@code width} (the value {@link #acquire} returned; null is ignored). */
  public void release(Width width) {
    if (width == null) {
      return;
    }
    lock.lock();
    try {
      if (width == Width.WIDE) {
        if (!wideRunning) {
          throw new IllegalStateException("no wide run to release");
        }
        wideRunning = false;
        wideEnded.signalAll();
      } else {
        if (narrowRunning == 0) {
          throw new IllegalStateException("no narrow run to release");
        }
        narrowRunning--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes waiting runs so that they re-check their cancellation (a watchdog terminating one). */
  public void wakeAll() {
    lock.lock();
    try {
      wideEnded.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Runs waiting for a wide run to end (tests). */
  int waiting() {
    return (int) read(() -> waiting);
  }

  /** Runs started wide so far. */
  public long wideRuns() {
    return read(() -> wideRuns);
  }

  /** Runs started narrow so far. */
  public long narrowRuns() {
    return read(() -> narrowRuns);
  }

  private long read(LongSupplier field) {
    lock.lock();
    try {
      return field.getAsLong();
    } finally {
      lock.unlock();
    }
  }
}
