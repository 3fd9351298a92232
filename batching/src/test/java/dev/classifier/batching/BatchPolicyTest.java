package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPolicyTest {

  @Test
  void builderDefaults() {
    BatchPolicy p = BatchPolicy.builder().build();
    assertThat(p.maxBatchSize()).isEqualTo(8);
    assertThat(p.maxQueueDelay()).isEqualTo(Duration.ZERO);
    assertThat(p.preferredBatchSizes()).isEmpty();
    assertThat(p.maxQueueSize()).isEqualTo(1024);
    assertThat(p.maxQueuedBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(p.defaultTimeout()).isEqualTo(Duration.ZERO);
    assertThat(p.priorityLevels()).isEqualTo(1);
    assertThat(p.adaptive()).isEqualTo(AdaptiveBatching.disabled());
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }

  @Test
  void preferredSizesAreStoredSortedDistinctAndImmutable() {
    BatchPolicy p = BatchPolicy.builder().preferredBatchSizes(8, 2, 4, 2).build();
    assertThat(p.preferredBatchSizes()).containsExactly(2, 4, 8);
    assertThatThrownBy(() -> p.preferredBatchSizes().add(1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void invalidValuesAreRejectedWithTheFieldAndValue() {
    assertThatThrownBy(() -> BatchPolicy.builder().maxBatchSize(0).build())
        .hasMessage("maxBatchSize must be >= 1, got 0");
    assertThatThrownBy(() -> BatchPolicy.builder().maxQueueDelay(Duration.ofMillis(-1)).build())
        .hasMessageContaining("maxQueueDelay must be >= 0");
    assertThatThrownBy(() -> BatchPolicy.builder().preferredBatchSizes(9).build())
        .hasMessageContaining("preferredBatchSizes entries must be in [1, maxBatchSize=8], got 9");
    assertThatThrownBy(() -> BatchPolicy.builder().maxQueueSize(0).build())
        .hasMessage("maxQueueSize must be >= 1, got 0");
    assertThatThrownBy(() -> BatchPolicy.builder().maxQueuedBytes(0).build())
        .hasMessage("maxQueuedBytes must be >= 1, got 0");
    assertThatThrownBy(() -> BatchPolicy.builder().priorityLevels(0).build())
        .hasMessage("priorityLevels must be >= 1, got 0");
    assertThatThrownBy(() -> BatchPolicy.builder().defaultTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("defaultTimeout must be >= 0");
    assertThatThrownBy(
            () ->
                BatchPolicy.builder()
                    .adaptive(AdaptiveBatching.aimd(Duration.ofMillis(1), 16, 32))
                    .build())
        .hasMessageContaining("adaptive.minBatchSize must be <= maxBatchSize (8), got 16");
    assertThatThrownBy(() -> BatchPolicy.builder().adaptive(null).build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void otherRecordsValidateToo() {
    assertThatThrownBy(() -> new Instance(" ", 0, 1)).hasMessage("deviceId must not be blank");
    assertThatThrownBy(() -> new Instance("cpu", -1, 1)).hasMessage("index must be >= 0, got -1");
    assertThatThrownBy(() -> new Instance("cpu", 0, 0))
        .hasMessage("maxBatchSize must be >= 1, got 0");
    assertThatThrownBy(() -> SubmitOptions.defaults().withPriority(-1))
        .hasMessage("priority must be >= 0, got -1");
    SubmitOptions o =
        SubmitOptions.defaults().withPriority(2).withDeadlineNanos(5).withPayloadBytes(7);
    assertThat(o).isEqualTo(new SubmitOptions(2, 5, 7));
    assertThat(SubmitOptions.defaults().hasDeadline()).isFalse();
    assertThatThrownBy(
            () -> new QueueFullException(RejectedException.Reason.CLOSED, "x", Duration.ZERO))
        .hasMessageContaining("reason must be QUEUE_FULL or BYTES_EXHAUSTED, got CLOSED");
    assertThatThrownBy(
            () ->
                Batcher.builder("m", BatchPolicy.builder().build(), (i, b) -> {})
                    .instances(List.of()))
        .hasMessage("instances must not be empty");
  }
}
