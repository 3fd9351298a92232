package dev.classifier.loadtest.scenario;

import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.schedule.ArrivalSchedule;
import dev.classifier.loadtest.transport.RequestSender;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Open loop: requests are due at the schedule's times whatever the server does. Each latency is
 * measured from the request's <em>scheduled</em> time, so when the server (or this sender, or a
 * full stream window) falls behind, the delay shows up in the percentiles instead of thinning the
 * load (no coordinated omission). At most {@code maxOutstanding} requests are in flight (bounded
 * memory); waiting for a slot delays sends but not their scheduled times.
 */
public final class OpenLoop implements Load {
  private final Semaphore outstanding;
  private final int maxOutstanding;
  private final Thread sender;
  private volatile boolean running = true;

  private OpenLoop(
      RequestSender target,
      ArrivalSchedule schedule,
      int maxOutstanding,
      Outcomes outcomes,
      LoadClock clock) {
    if (maxOutstanding < 1) {
      throw new IllegalArgumentException("maxOutstanding must be >= 1, got " + maxOutstanding);
    }
    this.maxOutstanding = maxOutstanding;
    this.outstanding = new Semaphore(maxOutstanding);
    int images = target.imagesPerRequest();
    this.sender =
        new Thread(
            () -> {
              long start = clock.nanoTime();
              try {
                while (running) {
                  long due = start + schedule.nextOffsetNanos();
                  clock.awaitTime(due);
                  boolean slot = false;
                  while (running && !slot) {
                    // the scheduled time stands; the wait is part of this request's latency
                    slot = outstanding.tryAcquire(50, TimeUnit.MILLISECONDS);
                  }
                  if (!running) {
                    if (slot) {
                      outstanding.release(); // stopped just as a slot freed: give it back
                    }
                    break;
                  }
                  target.send(
                      code -> {
                        outcomes.record(code, clock.nanoTime() - due, images);
                        outstanding.release();
                      });
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "open-loop-sender");
    sender.setDaemon(true);
  }

  /** Starts the schedule now, on the system clock. */
  public static OpenLoop start(
      RequestSender target, ArrivalSchedule schedule, int maxOutstanding, Outcomes outcomes) {
    return start(target, schedule, maxOutstanding, outcomes, LoadClock.system());
  }

  /** Starts the schedule now on {@code clock}. */
  public static OpenLoop start(
      RequestSender target,
      ArrivalSchedule schedule,
      int maxOutstanding,
      Outcomes outcomes,
      LoadClock clock) {
    OpenLoop l = new OpenLoop(target, schedule, maxOutstanding, outcomes, clock);
    l.sender.start();
    return l;
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    sender.join(30_000);
    outstanding.tryAcquire(maxOutstanding, 30, TimeUnit.SECONDS);
  }
}
