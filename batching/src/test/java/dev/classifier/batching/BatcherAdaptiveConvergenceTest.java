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
    // Expected sizes derived by hand from the engine model and Clipper's AIMD rule (min 1, +1 per
    // full on-target batch, x0.9 rounded down per late batch), not from AimdController:
    //  - run(n) = 2 ms + 1 ms * n is on target (<= 50 ms) up to n = (50 - 2) / 1 = 48, so 49 is
    //    the first late size;
    //  - the cap starts at 1 and every batch is full (the queue holds 3000), so batch i has size
    //    i + 1 up to and including the late batch of 49: 1 + ... + 49 = 1225 items;
    //  - late at 49: floor(49 * 0.9) = floor(44.1) = 44, then the climb repeats 44, 45, ..., 49:
    //    a period of 6 batches and 44 + ... + 49 = 279 items;
    //  - 3000 - 1225 = 1775 = 6 * 279 + 101 and 101 = 44 + 45 + 12: six periods, then 44, 45 and
    //    a last partial batch of 12 (partial batches leave the cap alone).
    //  - fake time: 88 batches * 2 ms + 3000 items * 1 ms = 3176 ms.
    Harness h =
        saturated(Duration.ofMillis(50), 64, Duration.ofMillis(2), Duration.ofMillis(1), 3000);
    long start = h.now();
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      futures.add(h.submit(i));
    }

    h.executor.runAll();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    List<Integer> expected = new ArrayList<>();
    for (int size = 1; size <= 49; size++) {
      expected.add(size); // additive climb
    }
    for (int period = 0; period < 6; period++) {
      for (int size = 44; size <= 49; size++) {
        expected.add(size); // saw-tooth: 49 is late, back to 44
      }
    }
    expected.addAll(List.of(44, 45, 12));
    assertThat(expected).hasSize(88);
    assertThat(expected.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3000);
    assertThat(h.listener.sizes()).containsExactlyElementsOf(expected);
    assertThat(Duration.ofNanos(h.now() - start)).isEqualTo(Duration.ofMillis(3176));
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
