package dev.classifier.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.SubmitOptions;
import dev.classifier.batching.Ticker;
import io.grpc.Context;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The call's gRPC deadline becomes an absolute batcher deadline on the batcher's clock. */
class AdmissionTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private static SubmitOptions withDeadlineInOneSecond(Ticker ticker) throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (Context.CancellableContext call =
        Context.current().withDeadlineAfter(1, TimeUnit.SECONDS, scheduler)) {
      return call.call(() -> Admission.options(ticker, 1, 3136));
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void noDeadlineMeansNone() {
    assertThat(Admission.options(() -> 42L, 0, 10))
        .isEqualTo(new SubmitOptions(0, SubmitOptions.NO_DEADLINE, 10));
  }

  @Test
  void deadlineIsNowPlusWhatRemains() throws Exception {
    for (long now : new long[] {0L, 123_456_789L, -5 * SECOND, Long.MIN_VALUE / 2}) {
      SubmitOptions o = withDeadlineInOneSecond(() -> now);
      assertThat(o.priority()).isEqualTo(1);
      assertThat(o.payloadBytes()).isEqualTo(3136);
      assertThat(o.deadlineNanos()).as("now = %d", now).isBetween(now, now + SECOND);
    }
  }

  @Test
  void aDeadlineBeyondTheClocksRangeSaturates() throws Exception {
    assertThat(withDeadlineInOneSecond(() -> Long.MAX_VALUE - 10).deadlineNanos())
        .isEqualTo(SubmitOptions.NO_DEADLINE);
  }
}
