package dev.classifier.batching;

import static dev.classifier.batching.TestFutures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatcherListener.CloseReason;
import dev.classifier.batching.RejectedException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** close(grace): intake stops, queued work drains within the grace, the rest fails. */
class BatcherShutdownTest {

  @Test
  void closeStopsIntake() {
    Harness h = new Harness(BatchPolicy.builder().build());
    h.batcher.close(Duration.ofSeconds(1));

    Throwable e = failureOf(h.submit(1));
    assertThat(e).isInstanceOf(BatcherClosedException.class);
    assertThat(((RejectedException) e).reason()).isEqualTo(Reason.CLOSED);
    assertThat(failureOf(h.batcher.submitAll(List.of(1, 2), SubmitOptions.defaults())))
        .isInstanceOf(BatcherClosedException.class);
    assertThat(h.listener.rejected).containsExactly(Reason.CLOSED, Reason.CLOSED);
  }

  @Test
  void emptyIdleBatcherClosesAtOnceAndCloseIsIdempotent() {
    Harness h = new Harness(BatchPolicy.builder().build());
    CompletableFuture<Void> first = h.batcher.close(Duration.ofSeconds(5));
    assertThat(first).isCompleted();
    assertThat(h.batcher.close(Duration.ZERO)).isSameAs(first);
    h.batcher.close();
    assertThat(h.clock.pendingTimers()).isZero();
  }

  @Test
  void queuedWorkDrainsWithinTheGraceWithoutWaitingForTheDelay() {
    Harness h =
        new Harness(
            BatchPolicy.builder().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(50)).build());
    CompletableFuture<String> a = h.submit(1);
    CompletableFuture<String> b = h.submit(2);
    assertThat(h.listener.formed).isEmpty();

    CompletableFuture<Void> closed = h.batcher.close(Duration.ofSeconds(1));

    assertThat(h.listener.reasons()).containsExactly(CloseReason.DRAINING);
    assertThat(closed).isNotDone();
    h.executor.runAll();
    assertThat(a).isCompletedWithValue("out:1");
    assertThat(b).isCompletedWithValue("out:2");
    assertThat(closed).isCompleted();
    assertThat(h.clock.pendingTimers()).isZero();
  }

  @Test
  void busyInstanceDrainsTheQueueInDrainingBatches() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(2).build());
    h.submit(1);
    h.submit(2);
    h.submit(3);
    h.submit(4);

    CompletableFuture<Void> closed = h.batcher.close(Duration.ofSeconds(1));
    h.executor.runAll();

    assertThat(h.runner.batches()).containsExactly(List.of(1), List.of(2, 3), List.of(4));
    assertThat(h.listener.reasons())
        .containsExactly(CloseReason.IMMEDIATE, CloseReason.DRAINING, CloseReason.DRAINING);
    assertThat(closed).isCompleted();
  }

  @Test
  void whatIsStillQueuedAfterTheGraceFailsWithBatcherClosed() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(2).build());
    CompletableFuture<String> running = h.submit(1);
    CompletableFuture<String> queued1 = h.submit(2);
    CompletableFuture<String> queued2 = h.submit(3);

    CompletableFuture<Void> closed = h.batcher.close(Duration.ofMillis(100));
    h.clock.advance(Duration.ofMillis(99));
    assertThat(queued1).isNotDone();
    h.clock.advance(Duration.ofMillis(1));

    assertThat(failureOf(queued1)).isInstanceOf(BatcherClosedException.class);
    assertThat(failureOf(queued2)).isInstanceOf(BatcherClosedException.class);
    assertThat(h.batcher.queuedRequests()).isZero();
    assertThat(closed).as("a batch is still running").isNotDone();

    h.executor.runAll();

    assertThat(running).isCompletedWithValue("out:1");
    assertThat(closed).isCompleted();
    assertThat(h.runner.allInputs()).containsExactly(1);
  }

  @Test
  void zeroGraceFailsQueuedRequestsAtOnce() {
    Harness h = new Harness(BatchPolicy.builder().build());
    h.submit(1);
    CompletableFuture<String> queued = h.submit(2);

    CompletableFuture<Void> closed = h.batcher.close(Duration.ZERO);

    assertThat(failureOf(queued)).isInstanceOf(BatcherClosedException.class);
    assertThat(closed).isNotDone();
    h.executor.runAll();
    assertThat(closed).isCompleted();
  }

  @Test
  void cancellingTheLastQueuedRequestWhileDrainingCompletesTheClose() {
    Harness h = new Harness(BatchPolicy.builder().build());
    CompletableFuture<String> running = h.submit(0); // instance busy
    CompletableFuture<String> queued = h.submit(1);
    CompletableFuture<Void> closed = h.batcher.close(Duration.ofSeconds(1));

    assertThat(queued.cancel(false)).isTrue();

    assertThat(h.batcher.queuedRequests()).isZero();
    assertThat(h.listener.cancelled).hasValue(1);
    assertThat(closed).as("a batch is still running").isNotDone();
    h.executor.runAll();
    assertThat(running).isCompletedWithValue("out:0");
    assertThat(closed).isCompleted();
    assertThat(h.runner.allInputs()).containsExactly(0);
    assertThat(h.clock.pendingTimers()).as("grace timer cancelled").isZero();
  }

  @Test
  void aRequestQueuedAtCloseRunsOnTheWorkerThatFrees() {
    Harness h = new Harness(BatchPolicy.builder().maxQueueDelay(Duration.ofMillis(10)).build());
    h.submit(0, SubmitOptions.defaults());
    h.clock.advance(Duration.ofMillis(10)); // dispatched, instance busy
    CompletableFuture<String> queued = h.submit(1);
    CompletableFuture<Void> closed = h.batcher.close(Duration.ofSeconds(1));
    h.executor.runNext();
    assertThat(closed).isCompleted();
    assertThat(queued).isCompletedWithValue("out:1");
  }

  @Test
  void ownThreadsServeAndAreReleasedOnClose() throws Exception {
    try (Batcher<Integer, Integer> batcher =
        Batcher.<Integer, Integer>builder(
                "own",
                BatchPolicy.builder().build(),
                (instance, batch) -> batch.forEach(t -> t.complete(t.input() * 2)))
            .build()) {
      assertThat(batcher.submit(21, SubmitOptions.defaults()).get(5, TimeUnit.SECONDS))
          .isEqualTo(42);
      assertThat(
              batcher
                  .submitAll(List.of(1, 2, 3), SubmitOptions.defaults())
                  .get(5, TimeUnit.SECONDS))
          .containsExactly(2, 4, 6);
    }
  }

  @Test
  void aBatchTheWorkerPoolRefusesIsAnsweredClosedNotAsAnInternalError() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(1).build());
    h.executor.shutDown();
    CompletableFuture<String> f = h.submit(1);
    assertThat(f).isCompletedExceptionally();
    // BatcherClosedException maps to UNAVAILABLE; a raw RejectedExecutionException was INTERNAL
    assertThat(failureOf(f)).isInstanceOf(BatcherClosedException.class);
  }
}
