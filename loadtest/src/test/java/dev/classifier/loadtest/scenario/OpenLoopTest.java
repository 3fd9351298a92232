package dev.classifier.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.loadtest.measure.Outcomes;
import dev.classifier.loadtest.schedule.ConstantSchedule;
import dev.classifier.loadtest.transport.RequestSender;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The open loop against a sender that stalls: no coordinated omission. */
class OpenLoopTest {
  /** Answers at once, except that send number {@code stallAt} blocks the caller for 200 ms. */
  static final class StallingSender implements RequestSender {
    final AtomicInteger sent = new AtomicInteger();
    final int stallAt;

    StallingSender(int stallAt) {
      this.stallAt = stallAt;
    }

    @Override
    public void send(Consumer<String> done) throws InterruptedException {
      if (sent.incrementAndGet() == stallAt) {
        Thread.sleep(200);
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
    StallingSender sender = new StallingSender(100);
    // 500/s for ~1.2 s: ~100 requests are due during the 200 ms stall that starts at 0.2 s.
    OpenLoop loop = OpenLoop.start(sender, new ConstantSchedule(500), 64, outcomes);
    Thread.sleep(1200);
    loop.stop();
    Histogram h = outcomes.snapshot().latencies();
    long delayed = h.getCountBetweenValues(50_000_000L, 300_000_000L);
    // Measured from the actual send, only one request would look slow; from the schedule,
    // the ~100 queued behind it are late by 200 ms down to 0: about 75 of them by > 50 ms.
    assertThat(delayed).isGreaterThanOrEqualTo(40);
    assertThat(h.getValueAtPercentile(99)).isGreaterThanOrEqualTo(150_000_000L);
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(195_000_000L);
  }

  @Test
  void stopWaitsForOutstandingAnswersAndSendsNoMore() throws Exception {
    Outcomes outcomes = new Outcomes();
    StallingSender sender = new StallingSender(-1);
    OpenLoop loop = OpenLoop.start(sender, new ConstantSchedule(1000), 8, outcomes);
    Thread.sleep(100);
    loop.stop();
    int after = sender.sent.get();
    Thread.sleep(50);
    assertThat(sender.sent.get()).isEqualTo(after);
    assertThat(outcomes.snapshot().requests()).isEqualTo(after);
  }
}
