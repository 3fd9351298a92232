package dev.classifier.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.schedule.ConstantSchedule;
import dev.classifier.loadtest.transport.RequestSender;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The open loop on fake time: a stalled send cannot hide the queueing behind it. */
class OpenLoopTest {
  private static final long MS = 1_000_000L;

  /**
   * Fake time: waiting for a due time jumps to it; time ends at {@code horizonNanos} (the loop's
   * sender then stops, as if interrupted).
   */
  static final class FakeClock implements LoadClock {
    final AtomicLong now = new AtomicLong();
    final CountDownLatch ended = new CountDownLatch(1);
    final long horizonNanos;

    FakeClock(long horizonNanos) {
      this.horizonNanos = horizonNanos;
    }

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public void awaitTime(long dueNanos) throws InterruptedException {
      if (dueNanos > horizonNanos) {
        ended.countDown();
        throw new InterruptedException("end of fake time");
      }
      now.accumulateAndGet(dueNanos, Math::max);
    }

    void advance(long nanos) {
      now.addAndGet(nanos);
    }
  }

  /** Answers every request at once, except send number {@code stallAt}, which takes 200 ms. */
  static class StallingSender implements RequestSender {
    final AtomicInteger sent = new AtomicInteger();
    final int stallAt;
    final FakeClock clock;

    StallingSender(int stallAt, FakeClock clock) {
      this.stallAt = stallAt;
      this.clock = clock;
    }

    @Override
    public void send(Consumer<String> done) {
      if (sent.incrementAndGet() == stallAt) {
        clock.advance(200 * MS);
      }
      done.accept("OK");
    }

    @Override
    public int imagesPerRequest() {
      return 1;
    }

    @Override
    public String transport() {
      return "fake";
    }

    @Override
    public int requestBytes() {
      return 1;
    }

    @Override
    public void close() {}
  }

  @Test
  void aStalledSendDelaysEveryRequestScheduledDuringTheStall() throws Exception {
    Outcomes outcomes = new Outcomes();
    FakeClock clock = new FakeClock(1200 * MS);
    StallingSender sender = new StallingSender(100, clock);
    // 500/s for 1.2 s of fake time: 600 requests; number 100 (due at 0.2 s) takes 200 ms, and the
    // ~100 due meanwhile are sent late, by 200 ms down to 0.
    OpenLoop loop = OpenLoop.start(sender, new ConstantSchedule(500), 64, outcomes, clock);
    assertThat(clock.ended.await(10, TimeUnit.SECONDS)).isTrue();
    loop.stop();

    Histogram h = outcomes.snapshot().latencies();
    assertThat(h.getTotalCount()).isEqualTo(sender.sent.get()).isBetween(599L, 601L);
    // Measured from the actual send, only the stalled request would look slow.
    assertThat(h.getCountBetweenValues(50 * MS, 300 * MS)).isBetween(70L, 80L);
    assertThat(h.getValueAtPercentile(99)).isGreaterThanOrEqualTo(150 * MS);
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(195 * MS);
    assertThat(h.getValueAtPercentile(50)).isLessThan(MS);
  }

  @Test
  void stopWaitsForOutstandingAnswersAndSendsNoMore() throws Exception {
    Outcomes outcomes = new Outcomes();
    Queue<Consumer<String>> held = new ConcurrentLinkedQueue<>();
    CountDownLatch windowFull = new CountDownLatch(8);
    java.util.concurrent.atomic.AtomicBoolean answering =
        new java.util.concurrent.atomic.AtomicBoolean();
    StallingSender holding =
        new StallingSender(-1, null) {
          @Override
          public void send(Consumer<String> done) {
            sent.incrementAndGet();
            if (answering.get()) {
              done.accept("OK");
              return;
            }
            held.add(done);
            windowFull.countDown();
          }
        };
    OpenLoop loop =
        OpenLoop.start(
            holding, new ConstantSchedule(1000), 8, outcomes, new FakeClock(Long.MAX_VALUE));
    assertThat(windowFull.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(
            () -> {
              try {
                loop.stop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    // At most 8 outstanding: the sender waits for a slot, and stop() waits for the 8 answers.
    assertThat(held).hasSize(8);
    assertThat(stopping).isNotDone();
    answering.set(true);
    held.forEach(done -> done.accept("OK"));
    stopping.get(10, TimeUnit.SECONDS);

    int sentAtStop = holding.sent.get();
    assertThat(outcomes.snapshot().requests()).isEqualTo(sentAtStop).isGreaterThanOrEqualTo(8);
    assertThat(holding.sent).hasValue(sentAtStop);
  }
}
