package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Long-run behaviour of the AIMD cap on fake time, with an engine whose batch run time is {@code
 * fixed + perItem * n} (the model behind docs/ADAPTIVE-BATCHING.md): under a saturated queue the
 * cap climbs to the largest on-target size and then saw-tooths just below and at the target.
 */
class BatcherAdaptiveConvergenceTest {

  private static Harness saturated(
      Duration target, int max, Duration fixed, Duration perItem, int requests) {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(max)
            .maxQueueSize(requests)
            .adaptive(AdaptiveBatching.aimd(target, 1, max))
            .build();
    Harness h = new Harness(policy);
    h.runner.behaviour =
        (i, instance, batch) -> {
          h.clock.advance(fixed.plus(perItem.multipliedBy(batch.size())));
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    return h;
  }

  @Test
  void saturatedQueueClimbsToTheTargetThenSawTeethBelowIt() {
    // 2 ms + 1 ms/item, target 50 ms: 48 items take 50 ms (on target), 49 take 51 ms (late)
    Harness h =
        saturated(Duration.ofMillis(50), 64, Duration.ofMillis(2), Duration.ofMillis(1), 3000);
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      futures.add(h.submit(i));
    }

    h.executor.runAll();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    List<Integer> sizes = h.listener.sizes();
    // additive climb from the minimum, one step per full on-target batch
    for (int i = 0; i < 49; i++) {
      assertThat(sizes.get(i)).as("batch %d", i).isEqualTo(i + 1);
    }
    // then a stable saw-tooth: 49 is late -> floor(49 * 0.9) = 44, climb back to 49, ...
    List<Integer> steady = sizes.subList(49, sizes.size() - 1); // the last batch may be partial
    assertThat(steady).hasSizeGreaterThan(30);
    for (int i = 0; i < steady.size(); i++) {
      assertThat(steady.get(i)).as("steady batch %d", i).isEqualTo(44 + i % 6);
    }
  }

  @Test
  void engineThatCanNeverMeetTheTargetRunsSingleItemBatchesAndLosesNothing() {
    // one item alone takes 12 ms against a 10 ms target
    Harness h = saturated(Duration.ofMillis(10), 8, Duration.ofMillis(7), Duration.ofMillis(5), 50);
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(h.submit(i));
    }

    h.executor.runAll();

    assertThat(h.listener.sizes()).hasSize(50).containsOnly(1);
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
  }
}
