package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batcher follows the AIMD cap: growing while on target, shrinking when late. */
class BatcherAdaptiveTest {

  @Test
  void effectiveBatchSizeFollowsMeasuredLatency() {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(8)
            .maxQueueSize(100)
            .adaptive(AdaptiveBatching.aimd(Duration.ofMillis(10), 1, 8))
            .build();
    Harness h = new Harness(policy);
    // batches run 1 ms per item: on target up to 10 items; batches 5..: forced late (20 ms)
    h.runner.behaviour =
        (i, instance, batch) -> {
          h.clock.jump(Duration.ofMillis(i >= 5 ? 20 : batch.size()));
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    h.submit(0); // cap 1: runs alone, instance busy
    for (int i = 1; i <= 40; i++) {
      h.submit(i);
    }

    h.executor.runAll();

    List<Integer> sizes = h.listener.sizes();
    assertThat(sizes.subList(0, 7)).containsExactly(1, 2, 3, 4, 5, 6, 5);
    assertThat(sizes.subList(7, 9)).containsExactly(4, 3);
  }

  @Test
  void queueDelayScalesWithTheAdaptiveCap() {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(8)
            .maxQueueDelay(Duration.ofMillis(8))
            .adaptive(AdaptiveBatching.aimd(Duration.ofMillis(10), 2, 8))
            .build();
    Harness h = new Harness(policy);
    h.submit(1);
    assertThat(h.clock.nextTimerInNanos()).isEqualTo(Duration.ofMillis(2).toNanos());
  }
}
