package dev.classifier.loadtest.scenario;

import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.transport.RequestSender;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Closed loop: {@code concurrency} requests in flight; a sender thread issues the next one as soon
 * as any is answered. Latency runs from the actual send. Completions only release a permit, so no
 * gRPC thread ever blocks or sends.
 */
public final class ClosedLoop implements Load {
  private final Semaphore inFlight;
  private final int concurrency;
  private final Thread sender;
  private volatile boolean running = true;

  private ClosedLoop(RequestSender target, int concurrency, Outcomes outcomes) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    }
    this.concurrency = concurrency;
    this.inFlight = new Semaphore(concurrency);
    int images = target.imagesPerRequest();
    this.sender =
        new Thread(
            () -> {
              try {
                while (running) {
                  if (!inFlight.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                  }
                  long start = System.nanoTime();
                  target.send(
                      code -> {
                        outcomes.record(code, System.nanoTime() - start, images);
                        inFlight.release();
                      });
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "closed-loop-sender");
    sender.setDaemon(true);
  }

  /** Starts sending at once. */
  public static ClosedLoop start(RequestSender target, int concurrency, Outcomes outcomes) {
    ClosedLoop l = new ClosedLoop(target, concurrency, outcomes);
    l.sender.start();
    return l;
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    sender.join(30_000);
    inFlight.tryAcquire(concurrency, 30, TimeUnit.SECONDS);
  }
}
