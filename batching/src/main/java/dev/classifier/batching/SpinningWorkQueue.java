package dev.classifier.batching;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Work queue of the batcher's own worker threads: an idle worker polls for a short while before
 * blocking, so a request arriving right after a batch finished does not pay a thread wake-up (tens
 * of microseconds on a virtual machine). Bounded spin: an idle batcher costs no CPU.
 */
final class SpinningWorkQueue extends LinkedBlockingQueue<Runnable> {
  private static final long serialVersionUID = 1L;

  private final long spinNanos;

  SpinningWorkQueue(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  @Override
  public Runnable take() throws InterruptedException {
    Runnable r = spin();
    return r != null ? r : super.take();
  }

  @Override
  public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
    Runnable r = spin();
    return r != null ? r : super.poll(timeout, unit);
  }

  // Thread.yield is the point: a spinning worker gives the core to producers between polls
  @SuppressWarnings("ThreadPriorityCheck")
  private Runnable spin() {
    if (spinNanos <= 0) {
      return null;
    }
    long start = System.nanoTime();
    do {
      Runnable r = poll();
      if (r != null) {
        return r;
      }
      Thread.yield(); // not onSpinWait: on a busy machine, let producers have the core
    } while (System.nanoTime() - start < spinNanos);
    return null;
  }
}
