package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AimdControllerTest {
  private static final long TARGET = Duration.ofMillis(50).toNanos();

  private static AimdController controller(int min, int max, int upperBound) {
    return new AimdController(AdaptiveBatching.aimd(Duration.ofMillis(50), min, max), upperBound);
  }

  @Test
  void startsAtTheMinimum() {
    assertThat(controller(2, 16, 32).cap()).isEqualTo(2);
  }

  @Test
  void fullBatchesWithinTargetIncreaseAdditively() {
    AimdController c = controller(1, 16, 32);
    assertThat(c.onBatch(1, TARGET)).isEqualTo(2);
    assertThat(c.onBatch(2, TARGET - 1)).isEqualTo(3);
    assertThat(c.onBatch(3, 1)).isEqualTo(4);
  }

  @Test
  void partialBatchesLeaveTheCapUnchanged() {
    AimdController c = controller(4, 16, 32);
    assertThat(c.onBatch(2, 1)).isEqualTo(4);
  }

  @Test
  void lateBatchesDecreaseMultiplicativelyAndAtLeastByOne() {
    AimdController c = controller(1, 100, 100);
    for (int i = 0; i < 99; i++) {
      c.onBatch(c.cap(), 1);
    }
    assertThat(c.cap()).isEqualTo(100);
    assertThat(c.onBatch(100, TARGET + 1)).isEqualTo(90);
    assertThat(c.onBatch(90, TARGET + 1)).isEqualTo(81);
    AimdController small = controller(1, 3, 3);
    small.onBatch(1, 1);
    small.onBatch(2, 1);
    assertThat(small.cap()).isEqualTo(3);
    assertThat(small.onBatch(3, TARGET + 1)).isEqualTo(2); // floor(2.7) = 2
    assertThat(small.onBatch(2, TARGET + 1)).isEqualTo(1);
  }

  @Test
  void staysWithinBoundsAndTheHardUpperBound() {
    AimdController c = controller(2, 16, 4);
    for (int i = 0; i < 10; i++) {
      c.onBatch(c.cap(), 1);
    }
    assertThat(c.cap()).isEqualTo(4);
    for (int i = 0; i < 10; i++) {
      c.onBatch(c.cap(), TARGET * 10);
    }
    assertThat(c.cap()).isEqualTo(2);
  }

  @Test
  void adaptiveSettingsAreValidated() {
    assertThat(AdaptiveBatching.disabled().enabled()).isFalse();
    assertThat(new AdaptiveBatching(true, Duration.ofMillis(50), 1, 32))
        .isEqualTo(new AdaptiveBatching(true, Duration.ofMillis(50), 1, 32, 1, 0.9));
    assertThatThrownBy(() -> AdaptiveBatching.aimd(Duration.ZERO, 1, 8))
        .hasMessageContaining("latencyTarget must be > 0");
    assertThatThrownBy(() -> AdaptiveBatching.aimd(Duration.ofMillis(1), 0, 8))
        .hasMessageContaining("minBatchSize must be >= 1, got 0");
    assertThatThrownBy(() -> AdaptiveBatching.aimd(Duration.ofMillis(1), 4, 2))
        .hasMessageContaining("maxBatchSize must be >= minBatchSize (4), got 2");
    assertThatThrownBy(() -> new AdaptiveBatching(true, Duration.ofMillis(1), 1, 2, 1, 1.0))
        .hasMessageContaining("multiplicativeDecrease must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> new AimdController(AdaptiveBatching.disabled(), 8))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
