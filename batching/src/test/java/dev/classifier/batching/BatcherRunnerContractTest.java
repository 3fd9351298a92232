package dev.classifier.batching;

import static dev.classifier.batching.TestFutures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What happens when the runner throws or leaves tasks incomplete. */
class BatcherRunnerContractTest {

  @Test
  void runnerThrowingFailsOnlyTheIncompleteTasksOfThatBatch() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(2).build());
    IllegalStateException boom = new IllegalStateException("engine crashed");
    h.runner.behaviour =
        (i, instance, batch) -> {
          if (i == 1) {
            batch.get(0).complete("early");
            throw boom;
          }
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    CompletableFuture<String> a = h.submit(1);
    CompletableFuture<String> b = h.submit(2);
    CompletableFuture<String> c = h.submit(3);
    CompletableFuture<String> d = h.submit(4);

    h.executor.runAll();

    assertThat(h.runner.batches()).containsExactly(List.of(1), List.of(2, 3), List.of(4));
    assertThat(a).isCompletedWithValue("out:1");
    assertThat(b).isCompletedWithValue("early");
    assertThat(failureOf(c)).isSameAs(boom);
    assertThat(d).isCompletedWithValue("out:4");
    assertThat(h.listener.completed.get(1).failure()).isSameAs(boom);
    assertThat(h.listener.completed.get(2).failure()).isNull();
  }

  @Test
  void tasksLeftIncompleteByTheRunnerAreFailed() {
    Harness h = new Harness(BatchPolicy.builder().build());
    h.runner.behaviour = (i, instance, batch) -> {};
    CompletableFuture<String> f = h.submit(1);

    h.executor.runAll();

    assertThat(failureOf(f))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("runner did not complete task");
  }

  @Test
  void tasksExposeInputAndQueueWait() {
    Harness h = new Harness(BatchPolicy.builder().build());
    h.submit(0);
    h.clock.jump(java.time.Duration.ofMillis(1));
    h.submit(7);
    long[] wait = new long[1];
    h.runner.behaviour =
        (i, instance, batch) -> {
          if (i == 1) {
            wait[0] = batch.get(0).queueWaitNanos();
          }
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    h.clock.jump(java.time.Duration.ofMillis(2));

    h.executor.runAll();

    assertThat(wait[0]).isEqualTo(2_000_000L);
  }

  @Test
  void batchListIsUnmodifiable() {
    Harness h = new Harness(BatchPolicy.builder().build());
    Throwable[] seen = new Throwable[1];
    h.runner.behaviour =
        (i, instance, batch) -> {
          try {
            batch.clear();
          } catch (UnsupportedOperationException e) {
            seen[0] = e;
          }
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    CompletableFuture<String> f = h.submit(1);
    h.executor.runAll();
    assertThat(seen[0]).isInstanceOf(UnsupportedOperationException.class);
    assertThat(f).isCompletedWithValue("out:1");
  }

  @Test
  void aThrowingListenerDoesNotBreakTheBatcher() {
    FakeClock clock = new FakeClock();
    FakeExecutor executor = new FakeExecutor();
    BatcherListener broken =
        new BatcherListener() {
          @Override
          public void onBatchFormed(
              Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
            throw new IllegalStateException("metrics down");
          }

          @Override
          public void onEnqueued(int priority, int queuedRequests, long queuedBytes) {
            throw new IllegalStateException("metrics down");
          }
        };
    Thread current = Thread.currentThread();
    Thread.UncaughtExceptionHandler previous = current.getUncaughtExceptionHandler();
    java.util.List<Throwable> reported = new java.util.ArrayList<>();
    current.setUncaughtExceptionHandler((t, e) -> reported.add(e));
    try {
      Batcher<Integer, String> batcher =
          Batcher.<Integer, String>builder(
                  "guarded", BatchPolicy.builder().build(), new RecordingRunner())
              .ticker(clock)
              .scheduler(clock)
              .executor(executor)
              .listener(broken)
              .build();
      CompletableFuture<String> f = batcher.submit(1, SubmitOptions.defaults());
      executor.runAll();
      assertThat(f).isCompletedWithValue("out:1");
      assertThat(reported).hasSize(2);
    } finally {
      current.setUncaughtExceptionHandler(previous);
    }
  }
}
