package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatcherListener.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Batch formation and dispatch by capacity, with fake time and a hand-run executor. */
class BatcherDispatchTest {

  private static BatchPolicy.Builder policy() {
    return BatchPolicy.builder();
  }

  @Test
  void loneRequestOnIdleInstanceIsDispatchedImmediatelyWithZeroDelay() {
    Harness h = new Harness(policy().maxBatchSize(8).build());

    CompletableFuture<String> f = h.submit(1);

    assertThat(h.listener.reasons()).containsExactly(CloseReason.IMMEDIATE);
    assertThat(h.listener.formed.get(0).queueWaitNanos()).containsExactly(0L);
    assertThat(h.clock.pendingTimers()).isZero();
    assertThat(h.executor.pending()).isEqualTo(1);
    h.executor.runAll();
    assertThat(f).isCompletedWithValue("out:1");
  }

  @Test
  void batchesGrowWithLoadWhileTheInstanceIsBusy() {
    Harness h = new Harness(policy().maxBatchSize(4).build());
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      futures.add(h.submit(i));
    }
    assertThat(h.batcher.queuedRequests()).isEqualTo(5);

    h.executor.runAll();

    assertThat(h.runner.batches()).containsExactly(List.of(1), List.of(2, 3, 4, 5), List.of(6));
    assertThat(h.listener.reasons())
        .containsExactly(CloseReason.IMMEDIATE, CloseReason.FULL, CloseReason.IMMEDIATE);
    for (int i = 0; i < 6; i++) {
      assertThat(futures.get(i)).isCompletedWithValue("out:" + (i + 1));
    }
    assertThat(h.batcher.queuedRequests()).isZero();
  }

  @Test
  void idleInstanceWaitsForTheQueueDelayThenDispatches() {
    Harness h = new Harness(policy().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(10)).build());
    h.submit(1);
    h.clock.advance(Duration.ofMillis(4));
    h.submit(2);
    h.submit(3);

    h.clock.advance(Duration.ofMillis(5));
    assertThat(h.listener.formed).isEmpty();
    h.clock.advance(Duration.ofMillis(1));

    assertThat(h.listener.reasons()).containsExactly(CloseReason.DELAY_ELAPSED);
    assertThat(h.listener.formed.get(0).queueWaitNanos())
        .containsExactly(10_000_000L, 6_000_000L, 6_000_000L);
    h.executor.runAll();
    assertThat(h.runner.batches()).containsExactly(List.of(1, 2, 3));
  }

  @Test
  void fullBatchIsDispatchedWithoutWaitingForTheDelay() {
    Harness h = new Harness(policy().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(10)).build());
    for (int i = 1; i <= 4; i++) {
      h.submit(i);
    }
    assertThat(h.listener.reasons()).containsExactly(CloseReason.FULL);
    assertThat(h.listener.sizes()).containsExactly(4);
  }

  @Test
  void queueReachingTheLargestPreferredSizeIsDispatchedAtOnce() {
    Harness h =
        new Harness(
            policy()
                .maxBatchSize(8)
                .maxQueueDelay(Duration.ofMillis(10))
                .preferredBatchSizes(4, 2)
                .build());
    for (int i = 1; i <= 3; i++) {
      h.submit(i);
    }
    assertThat(h.listener.formed).isEmpty();
    h.submit(4);
    assertThat(h.listener.reasons()).containsExactly(CloseReason.PREFERRED_SIZE);
    assertThat(h.listener.sizes()).containsExactly(4);
  }

  @Test
  void onDelayElapsedTheLargestPreferredSizeThatFitsIsTaken() {
    Harness h =
        new Harness(
            policy()
                .maxBatchSize(8)
                .maxQueueDelay(Duration.ofMillis(10))
                .preferredBatchSizes(2, 6)
                .build());
    for (int i = 1; i <= 3; i++) {
      h.submit(i);
    }
    h.clock.advance(Duration.ofMillis(10));
    assertThat(h.listener.reasons()).containsExactly(CloseReason.PREFERRED_SIZE);
    assertThat(h.listener.sizes()).containsExactly(2);
    assertThat(h.batcher.queuedRequests()).isEqualTo(1);

    h.executor.runAll();

    assertThat(h.runner.batches()).containsExactly(List.of(1, 2), List.of(3));
    assertThat(h.listener.reasons())
        .containsExactly(CloseReason.PREFERRED_SIZE, CloseReason.DELAY_ELAPSED);
  }

  @Test
  void preferredSizesAboveTheInstanceCapAreIgnored() {
    Harness h =
        new Harness(
            policy()
                .maxBatchSize(8)
                .maxQueueDelay(Duration.ofMillis(10))
                .preferredBatchSizes(3, 8)
                .build(),
            List.of(new Instance("cpu", 0, 4)));
    for (int i = 1; i <= 3; i++) {
      h.submit(i);
    }
    assertThat(h.listener.reasons()).containsExactly(CloseReason.PREFERRED_SIZE);
    assertThat(h.listener.sizes()).containsExactly(3);
  }

  @Test
  void higherPriorityLevelsAreServedFirstAndFifoWithinALevel() {
    Harness h = new Harness(policy().maxBatchSize(2).priorityLevels(3).build());
    SubmitOptions p0 = SubmitOptions.defaults();
    SubmitOptions p1 = p0.withPriority(1);
    SubmitOptions p2 = p0.withPriority(2);
    h.submit(1, p2); // dispatched at once: the instance was idle
    h.submit(2, p2);
    h.submit(3, p1);
    h.submit(4, p0);
    h.submit(5, p0);
    h.submit(6, p1);

    h.executor.runAll();

    assertThat(h.runner.batches())
        .containsExactly(List.of(1), List.of(4, 5), List.of(3, 6), List.of(2));
  }

  @Test
  void batchIsClosedEarlyEnoughForItsEarliestDeadline() {
    Harness h = new Harness(policy().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(10)).build());
    // teach the run-time estimate: the first batch takes 2 ms
    h.runner.behaviour =
        (i, instance, batch) -> {
          if (i == 0) {
            h.clock.jump(Duration.ofMillis(2));
          }
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    for (int i = 1; i <= 4; i++) {
      h.submit(i);
    }
    h.executor.runAll();
    assertThat(h.listener.completed.get(0).runNanos()).isEqualTo(2_000_000L);

    CompletableFuture<String> f =
        h.submit(5, SubmitOptions.defaults().withDeadlineNanos(h.now() + 5_000_000L));
    assertThat(h.clock.nextTimerInNanos()).isEqualTo(3_000_000L);
    h.clock.advance(Duration.ofNanos(2_999_999));
    assertThat(h.listener.formed).hasSize(1);
    h.clock.advance(Duration.ofNanos(1));

    assertThat(h.listener.reasons()).containsExactly(CloseReason.FULL, CloseReason.DEADLINE);
    h.executor.runAll();
    assertThat(f).isCompletedWithValue("out:5");
  }

  @Test
  void anExpectedRunTimeClosesTheFirstBatchEarlyForItsDeadline() {
    BatchPolicy p = policy().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(10)).build();
    Harness seeded =
        new Harness(
            p, List.of(new Instance("cpu", 0, 4)), b -> b.expectedRunTime(4, Duration.ofMillis(2)));
    CompletableFuture<String> f =
        seeded.submit(1, SubmitOptions.defaults().withDeadlineNanos(seeded.now() + 5_000_000L));
    assertThat(seeded.clock.nextTimerInNanos()).isEqualTo(3_000_000L);
    seeded.clock.advance(Duration.ofMillis(3));
    assertThat(seeded.listener.reasons()).containsExactly(CloseReason.DEADLINE);
    seeded.executor.runAll();
    assertThat(f).isCompletedWithValue("out:1");

    // Without an expected run time nothing is known before the first batch: the close point is
    // the deadline itself, where the request has already expired.
    Harness cold = new Harness(p);
    CompletableFuture<String> g =
        cold.submit(1, SubmitOptions.defaults().withDeadlineNanos(cold.now() + 5_000_000L));
    assertThat(cold.clock.nextTimerInNanos()).isEqualTo(5_000_000L);
    cold.clock.advance(Duration.ofMillis(5));
    cold.executor.runAll();
    assertThat(g).isCompletedExceptionally();
    assertThat(cold.listener.formed).isEmpty();
  }

  @Test
  void aLaterRequestWithAnEarlierDeadlineBringsTheCloseForward() {
    Harness h = new Harness(policy().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(10)).build());
    h.runner.behaviour =
        (i, instance, batch) -> {
          h.clock.jump(Duration.ofMillis(2)); // run-time estimate: 2 ms
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    h.submit(0);
    h.clock.advance(Duration.ofMillis(10));
    h.executor.runAll();

    h.submit(1);
    assertThat(h.clock.nextTimerInNanos()).isEqualTo(10_000_000L);
    h.clock.advance(Duration.ofMillis(1));
    h.submit(2, SubmitOptions.defaults().withDeadlineNanos(h.now() + 5_000_000L));
    assertThat(h.clock.nextTimerInNanos()).isEqualTo(3_000_000L);
    h.clock.advance(Duration.ofMillis(3));

    assertThat(h.listener.reasons())
        .containsExactly(CloseReason.DELAY_ELAPSED, CloseReason.DEADLINE);
    assertThat(h.listener.sizes()).containsExactly(1, 2);
    // left: only the expiry timer of request 2 (harmless); the superseded 10 ms wake-up is gone
    assertThat(h.clock.pendingTimers()).isEqualTo(1);
    assertThat(h.clock.nextTimerInNanos()).isEqualTo(2_000_000L);
    h.executor.runAll();
    assertThat(h.runner.batches()).containsExactly(List.of(0), List.of(1, 2));
  }

  @Test
  void eachInstanceGetsAtMostItsOwnMaxBatchSize() {
    Instance gpu = new Instance("gpu:0", 0, 8);
    Instance cpu = new Instance("cpu", 0, 2);
    Harness h =
        new Harness(
            policy().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(10)).build(),
            List.of(gpu, cpu));
    for (int i = 1; i <= 11; i++) {
      h.submit(i);
    }
    assertThat(h.listener.formed)
        .extracting(RecordingListener.Formed::instance, RecordingListener.Formed::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(gpu, 8),
            org.assertj.core.groups.Tuple.tuple(cpu, 2));
    assertThat(h.batcher.queuedRequests()).isEqualTo(1);

    h.executor.runAll();
    h.clock.advance(Duration.ofMillis(10));
    h.executor.runAll();

    assertThat(h.runner.allInputs()).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    for (RecordingRunner.Run run : h.runner.runs) {
      assertThat(run.inputs().size()).isLessThanOrEqualTo(run.instance().maxBatchSize());
    }
  }

  @Test
  void policyMaxBatchSizeAlsoCapsALargerInstance() {
    Harness h =
        new Harness(policy().maxBatchSize(2).build(), List.of(new Instance("gpu:0", 0, 16)));
    for (int i = 1; i <= 5; i++) {
      h.submit(i);
    }
    h.executor.runAll();
    assertThat(h.runner.batches()).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5));
  }

  @Test
  void anIdleInstanceTakesTheNextBatch() {
    Instance a = new Instance("gpu:0", 0, 4);
    Instance b = new Instance("gpu:1", 0, 4);
    Harness h = new Harness(policy().maxBatchSize(4).build(), List.of(a, b));
    h.submit(1);
    h.submit(2);
    h.submit(3);

    assertThat(h.listener.formed)
        .extracting(RecordingListener.Formed::instance)
        .containsExactly(a, b);
    assertThat(h.batcher.queuedRequests()).isEqualTo(1);
    h.executor.runAll();
    assertThat(h.runner.batches()).containsExactly(List.of(1), List.of(3), List.of(2));
  }

  @Test
  void requestQueuedAfterTheWorkerReadTheClockHasAQueueWaitOfZeroNotANegativeOne() {
    // a closed-loop caller submits its next request from the completion of the last one: it is
    // enqueued (at t + 2 ms) after the worker read the clock for the batch's end (t + 1 ms) and
    // taken into the worker's next batch; its queue wait is 0, never -1 ms (a metrics timer
    // drops negative samples, so such requests went missing from classifier_queue_wait_seconds)
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(4).build());
    h.runner.behaviour =
        (i, instance, batch) -> {
          h.clock.advance(Duration.ofMillis(1));
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    List<CompletableFuture<String>> next = new ArrayList<>();
    h.submit(1)
        .thenRun(
            () -> {
              h.clock.advance(Duration.ofMillis(1));
              next.add(h.submit(2));
            });

    h.executor.runAll();

    assertThat(next).hasSize(1);
    assertThat(next.get(0)).isCompletedWithValue("out:2");
    assertThat(h.runner.batches()).containsExactly(List.of(1), List.of(2));
    assertThat(h.listener.formed).hasSize(2);
    assertThat(h.listener.formed.get(1).queueWaitNanos()).containsExactly(0L);
  }
}
