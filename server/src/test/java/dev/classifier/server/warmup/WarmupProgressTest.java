package dev.classifier.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.server.config.WarmupConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When a model's warm-up may stop, on a fake clock. */
class WarmupProgressTest {
  private final AtomicLong now = new AtomicLong(1_000);

  private static WarmupConfig config(int minRequests, long minMillis, long maxMillis) {
    return new WarmupConfig(
        true,
        minRequests,
        Duration.ofMillis(minMillis),
        Duration.ofMillis(maxMillis),
        2,
        10,
        1,
        Duration.ofMillis(100));
  }

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000);
  }

  @Test
  void convergedButBelowMinimumCountOrTimeGoesOn() {
    WarmupProgress p = new WarmupProgress(config(6, 50, 1000), 1, now::get);
    for (int i = 0; i < 4; i++) {
      p.answered(0, 100);
    }
    assertThat(p.converged()).isTrue();
    advanceMillis(60);
    assertThat(p.done()).as("4 of 6 requests").isFalse();
    p.answered(0, 100);
    p.answered(0, 100);
    assertThat(p.done()).isTrue();
  }

  @Test
  void minimumTimeHolds() {
    WarmupProgress p = new WarmupProgress(config(4, 50, 1000), 1, now::get);
    for (int i = 0; i < 4; i++) {
      p.answered(0, 100);
    }
    advanceMillis(49);
    assertThat(p.done()).isFalse();
    advanceMillis(1);
    assertThat(p.done()).isTrue();
  }

  @Test
  void everyWarmerMustConverge() {
    WarmupProgress p = new WarmupProgress(config(0, 0, 1000), 2, now::get);
    for (int i = 0; i < 4; i++) {
      p.answered(0, 100);
    }
    p.answered(1, 1000);
    p.answered(1, 1000);
    p.answered(1, 500);
    p.answered(1, 500); // medians 1000 then 500
    assertThat(p.done()).isFalse();
    p.answered(1, 500);
    p.answered(1, 500);
    assertThat(p.done()).isTrue();
  }

  @Test
  void timeCapStopsAnUnconvergedWarmUp() {
    WarmupProgress p = new WarmupProgress(config(0, 0, 1000), 1, now::get);
    p.failed();
    assertThat(p.done()).isFalse();
    advanceMillis(999);
    assertThat(p.done()).isFalse();
    advanceMillis(1);
    assertThat(p.done()).isTrue();
    assertThat(p.timedOut()).isTrue();
    assertThat(p.converged()).isFalse();
    assertThat(p.requests()).isEqualTo(1);
    assertThat(p.failures()).isEqualTo(1);
  }
}
