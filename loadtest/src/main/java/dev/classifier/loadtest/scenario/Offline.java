package dev.classifier.loadtest.scenario;

import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.transport.RequestSender;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * MLPerf "Offline": all {@code requests} are issued at once (as fast as the transport takes them,
 * at most {@code maxOutstanding} in flight); the result is the time until the last answer.
 * Latencies run from the common start, as every request was due at time zero.
 */
public final class Offline {
  private Offline() {}

  /**
   * Blocks until every request is answered or {@code timeoutSeconds} pass; returns seconds taken.
   */
  public static double run(
      RequestSender target,
      int requests,
      int maxOutstanding,
      Outcomes outcomes,
      long timeoutSeconds)
      throws InterruptedException {
    Semaphore outstanding = new Semaphore(maxOutstanding);
    CountDownLatch answered = new CountDownLatch(requests);
    int images = target.imagesPerRequest();
    long start = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      outstanding.acquire();
      target.send(
          code -> {
            outcomes.record(code, System.nanoTime() - start, images);
            outstanding.release();
            answered.countDown();
          });
    }
    answered.await(timeoutSeconds, TimeUnit.SECONDS);
    return (System.nanoTime() - start) / 1e9;
  }
}
