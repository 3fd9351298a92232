package dev.classifier.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.WarmupConfig;
import dev.classifier.server.model.ServedModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver with scripted warmers on a fake clock: each send advances the clock by the latency the
 * script gives for that request, so convergence and the time cap are exact.
 */
class WarmupDriverTest {
  private static ServedModel model;
  private final AtomicLong now = new AtomicLong();

  @BeforeAll
  static void load() throws Exception {
    model = TestModels.load(TestModels.embedded(BatchPolicy.builder().build(), 1));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static WarmupConfig config(int minRequests, long maxMillis, int concurrency) {
    return new WarmupConfig(
        true,
        minRequests,
        Duration.ZERO,
        Duration.ofMillis(maxMillis),
        10,
        10,
        concurrency,
        Duration.ofMillis(100));
  }

  /** A warmer whose n-th request "takes" latency(n) ns of fake time and succeeds or fails. */
  private final class Scripted implements Warmer {
    final LongUnaryOperator latency;
    final boolean fail;
    long sent;

    Scripted(LongUnaryOperator latency, boolean fail) {
      this.latency = latency;
      this.fail = fail;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public CompletableFuture<?> send(ServedModel m) {
      now.addAndGet(latency.applyAsLong(sent++));
      return fail
          ? CompletableFuture.failedFuture(new IllegalStateException("no"))
          : CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  @Test
  void stopsWhenLatencyConvergesAfterTheMinimumCount() throws Exception {
    // latency halves every 10 requests until request 50, then stays flat
    Scripted w = new Scripted(n -> 1_000_000L >> Math.min(n / 10, 5), false);
    WarmupReport.ModelWarmup r =
        new WarmupDriver(List.of(w), config(30, 60_000, 1), now::get).warm(model);
    assertThat(r.converged()).isTrue();
    // the two windows slide: after request 66 the earlier one is requests 46..55, six of them
    // flat, so its median (mean of the 5th and 6th smallest) is already the flat value
    assertThat(r.requests()).isEqualTo(66);
    assertThat(r.failures()).isZero();
  }

  @Test
  void minimumCountKeepsAConvergedWarmUpGoing() throws Exception {
    Scripted w = new Scripted(n -> 1000, false);
    WarmupReport.ModelWarmup r =
        new WarmupDriver(List.of(w), config(500, 60_000, 4), now::get).warm(model);
    assertThat(r.requests()).isEqualTo(500);
  }

  @Test
  void roundsAlternateBetweenWarmersAndEachMustConverge() throws Exception {
    Scripted flat = new Scripted(n -> 1000, false);
    Scripted slowStart = new Scripted(n -> n < 40 ? 100_000 - n * 2000 : 1000, false);
    WarmupReport.ModelWarmup r =
        new WarmupDriver(List.of(flat, slowStart), config(0, 60_000, 2), now::get).warm(model);
    assertThat(r.converged()).isTrue();
    assertThat(flat.sent).isEqualTo(slowStart.sent);
    // slowStart is flat from its request 40; after its request 56 the earlier window (36..45)
    // holds six flat values, so both medians are flat
    assertThat(slowStart.sent).isEqualTo(56);
  }

  @Test
  void timeCapStopsANeverConvergingWarmUp() throws Exception {
    // latency grows by 0.5 ms every 10 requests: consecutive medians stay > 10 % apart
    Scripted w = new Scripted(n -> 1_000_000L + (n / 10) * 500_000L, false);
    WarmupReport.ModelWarmup r =
        new WarmupDriver(List.of(w), config(0, 100, 1), now::get).warm(model);
    assertThat(r.converged()).isFalse();
    assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    // latencies 1, 1.5, 2, ... ms per window of 10: 10+15+20+25+30 = 100 ms after 50 requests
    assertThat(r.requests()).isEqualTo(50);
  }

  @Test
  void givesUpAfterThreeWholeRoundsFail() throws Exception {
    Scripted w = new Scripted(n -> 1000, true);
    WarmupReport.ModelWarmup r =
        new WarmupDriver(List.of(w), config(100, 60_000, 4), now::get).warm(model);
    assertThat(r.requests()).isEqualTo(12);
    assertThat(r.failures()).isEqualTo(12);
    assertThat(r.lastFailure()).contains("scripted");
  }
}
