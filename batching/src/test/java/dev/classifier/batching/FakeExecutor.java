package dev.classifier.batching;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** An executor that queues tasks until the test runs them by hand. */
final class FakeExecutor implements Executor {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean rejecting;

  /** From now on refuses every task, as a shut-down pool does. */
  synchronized void shutDown() {
    rejecting = true;
  }

  @Override
  public synchronized void execute(Runnable command) {
    if (rejecting) {
      throw new java.util.concurrent.RejectedExecutionException("fake executor shut down");
    }
    tasks.addLast(command);
  }

  synchronized int pending() {
    return tasks.size();
  }

  /** Runs the oldest queued task; false if none. */
  boolean runNext() {
    Runnable r;
    synchronized (this) {
      r = tasks.pollFirst();
    }
    if (r == null) {
      return false;
    }
    r.run();
    return true;
  }

  /** Runs tasks until none are left (including ones queued meanwhile). */
  int runAll() {
    int n = 0;
    while (runNext()) {
      n++;
    }
    return n;
  }
}
