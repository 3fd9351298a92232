package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The runner, every listener hook and every future's dependents run without the batcher's lock, on
 * every path: immediate and delayed dispatch, deadline expiry, cancellation, rejection, runner
 * failure, multi-image requests and shutdown with a grace period.
 */
class BatcherLockDisciplineTest {
  private final FakeClock clock = new FakeClock();
  private final FakeExecutor executor = new FakeExecutor();
  private final Queue<String> underLock = new ConcurrentLinkedQueue<>();
  private final Queue<String> calls = new ConcurrentLinkedQueue<>();
  private Batcher<Integer, String> batcher;

  private void check(String where) {
    calls.add(where);
    if (batcher.lockHeldByCurrentThread()) {
      underLock.add(where);
    }
  }

  private <T> CompletableFuture<T> watched(CompletableFuture<T> f) {
    f.whenComplete((v, e) -> check("future"));
    return f;
  }

  @Test
  void noCallbackRunsUnderTheLock() {
    BatcherListener listener =
        new BatcherListener() {
          @Override
          public void onEnqueued(int priority, int queuedRequests, long queuedBytes) {
            check("onEnqueued");
          }

          @Override
          public void onRejected(RejectedException.Reason reason) {
            check("onRejected");
          }

          @Override
          public void onExpired(int priority) {
            check("onExpired");
          }

          @Override
          public void onCancelled(int priority) {
            check("onCancelled");
          }

          @Override
          public void onBatchFormed(
              Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
            check("onBatchFormed");
          }

          @Override
          public void onBatchCompleted(
              Instance instance, int batchSize, long runNanos, Throwable failureOrNull) {
            check("onBatchCompleted");
          }

          @Override
          public void onQueueDepth(int priority, int queuedRequests, long queuedBytes) {
            check("onQueueDepth");
          }
        };
    BatchRunner<Integer, String> runner =
        (instance, batch) -> {
          check("runner");
          for (BatchTask<Integer, String> t : batch) {
            if (t.input() < 0) {
              throw new IllegalStateException("engine failure");
            }
            t.complete("out:" + t.input());
          }
        };
    batcher =
        Batcher.builder(
                "locks",
                BatchPolicy.builder()
                    .maxBatchSize(2)
                    .maxQueueDelay(Duration.ofMillis(10))
                    .maxQueueSize(4)
                    .build(),
                runner)
            .ticker(clock)
            .scheduler(clock)
            .executor(executor)
            .listener(listener)
            .build();
    SubmitOptions none = SubmitOptions.defaults();

    watched(batcher.submit(1, none)); // waits for the delay timer
    clock.advance(Duration.ofMillis(10)); // delay elapsed: formed, instance busy
    watched(batcher.submit(2, none.withDeadlineNanos(clock.nanoTime() + 1_000_000)));
    clock.advance(Duration.ofMillis(1)); // expired by the timer
    watched(batcher.submit(3, none)).cancel(false); // cancelled while queued
    watched(batcher.submitAll(List.of(4, -5), none)); // second part fails in the runner
    watched(batcher.submit(6, none.withPriority(7))); // invalid
    watched(batcher.submit(7, none));
    watched(batcher.submit(8, none));
    watched(batcher.submit(9, none)); // queue full
    executor.runAll();
    watched(batcher.submit(10, none));
    watched(batcher.submit(11, none)); // full: formed, pending in the executor
    watched(batcher.submit(12, none)); // queued behind it
    CompletableFuture<Void> closed = watched(batcher.close(Duration.ofMillis(5)));
    watched(batcher.submit(13, none)); // closed
    clock.advance(Duration.ofMillis(5)); // grace over: 12 fails
    executor.runAll(); // the running batch returns: the batcher terminates

    assertThat(calls)
        .contains(
            "runner",
            "future",
            "onEnqueued",
            "onRejected",
            "onExpired",
            "onCancelled",
            "onBatchFormed",
            "onBatchCompleted",
            "onQueueDepth");
    assertThat(underLock).isEmpty();
    assertThat(closed).isCompleted();
  }
}
