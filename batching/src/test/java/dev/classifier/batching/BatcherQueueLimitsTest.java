package dev.classifier.batching;

import static dev.classifier.batching.TestFutures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.batching.RejectedException.Reason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Queue-size and byte limits, cancellation, deadline expiry (by timer and at formation). */
class BatcherQueueLimitsTest {

  /** One instance, made busy by a first request that stays in the fake executor. */
  private static Harness busy(BatchPolicy policy) {
    Harness h = new Harness(policy);
    h.submit(0);
    assertThat(h.executor.pending()).isEqualTo(1);
    return h;
  }

  @Test
  void fullQueueRejectsImmediatelyWithATypedException() {
    Harness h =
        busy(
            BatchPolicy.builder()
                .maxBatchSize(1)
                .maxQueueSize(2)
                .maxQueueDelay(Duration.ofMillis(3))
                .build());
    h.submit(1);
    h.submit(2);

    CompletableFuture<String> rejected = h.submit(3);

    Throwable e = failureOf(rejected);
    assertThat(e).isInstanceOf(QueueFullException.class).hasMessageContaining("maxQueueSize=2");
    assertThat(((RejectedException) e).reason()).isEqualTo(Reason.QUEUE_FULL);
    assertThat(((RejectedException) e).retryAfter()).isEqualTo(Duration.ofMillis(3));
    assertThat(h.listener.rejected).containsExactly(Reason.QUEUE_FULL);
    assertThat(h.batcher.queuedRequests()).isEqualTo(2);
  }

  @Test
  void retryHintEstimatesDrainTimeFromMeasuredThroughput() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(1).maxQueueSize(2).build());
    h.runner.behaviour =
        (i, instance, batch) -> {
          h.clock.jump(Duration.ofMillis(4));
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    h.submit(0);
    h.executor.runAll(); // measured: 4 ms per item
    h.submit(1); // busy again
    h.submit(2);
    h.submit(3);

    RejectedException e = (RejectedException) failureOf(h.submit(4));

    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(8));
  }

  /** One instance measured at 4 ms per item (fake clock), then busy again with request 1. */
  private static Harness measuredAndBusy(BatchPolicy policy) {
    Harness h = new Harness(policy);
    h.runner.behaviour =
        (i, instance, batch) -> {
          h.clock.jump(Duration.ofMillis(4));
          RecordingRunner.COMPLETE_ALL.apply(i, instance, batch);
        };
    h.submit(0);
    h.executor.runAll();
    h.submit(1);
    assertThat(h.executor.pending()).isEqualTo(1);
    return h;
  }

  @Test
  void queuedWorkBoundRejectsWhatWouldWaitTooLongWithADrainHint() {
    Harness h =
        measuredAndBusy(
            BatchPolicy.builder().maxBatchSize(1).maxQueuedWork(Duration.ofMillis(10)).build());
    // queued work with each request: 1 x 4 ms, 2 x 4 ms (both <= 10 ms), then 3 x 4 = 12 ms
    assertThat(h.submit(2)).isNotDone();
    assertThat(h.submit(3)).isNotDone();

    RejectedException e = (RejectedException) failureOf(h.submit(4));

    assertThat(e)
        .isInstanceOf(QueueFullException.class)
        .hasMessageContaining("maxQueuedWork=10 ms");
    assertThat(e.reason()).isEqualTo(Reason.QUEUE_FULL);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(8)); // the two queued, 4 ms each
    assertThat(h.batcher.queuedRequests()).isEqualTo(2);
    h.executor.runAll(); // drains: 1, then 2 and 3
    assertThat(h.batcher.queuedRequests()).isZero();
  }

  @Test
  void queuedWorkBoundAdmitsIntoAnEmptyQueueAndIgnoresAnUnmeasuredInstance() {
    Harness h =
        measuredAndBusy(
            BatchPolicy.builder().maxBatchSize(1).maxQueuedWork(Duration.ofMillis(1)).build());
    // 4 ms alone exceeds 1 ms, but an empty queue always admits (it could never succeed else)
    assertThat(h.submit(2)).isNotDone();
    assertThat(failureOf(h.submit(3))).hasMessageContaining("maxQueuedWork=1 ms");

    Harness unmeasured =
        busy(BatchPolicy.builder().maxBatchSize(1).maxQueuedWork(Duration.ofNanos(1)).build());
    assertThat(unmeasured.submit(1)).isNotDone();
    assertThat(unmeasured.submit(2)).isNotDone();
    assertThat(unmeasured.batcher.queuedRequests()).isEqualTo(2);
  }

  @Test
  void byteBudgetRejectsImmediatelyWithATypedException() {
    Harness h = busy(BatchPolicy.builder().maxQueuedBytes(100).build());
    h.submit(1, SubmitOptions.defaults().withPayloadBytes(60));

    Throwable e = failureOf(h.submit(2, SubmitOptions.defaults().withPayloadBytes(41)));

    assertThat(e).isInstanceOf(QueueFullException.class).hasMessageContaining("maxQueuedBytes=100");
    assertThat(((RejectedException) e).reason()).isEqualTo(Reason.BYTES_EXHAUSTED);
    assertThat(h.batcher.queuedBytes()).isEqualTo(60);
    assertThat(h.submit(3, SubmitOptions.defaults().withPayloadBytes(40))).isNotDone();
    assertThat(h.batcher.queuedBytes()).isEqualTo(100);
  }

  @Test
  void invalidSubmissionsAreRejectedAsInvalid() {
    Harness h = new Harness(BatchPolicy.builder().priorityLevels(2).maxQueuedBytes(10).build());
    assertThat(
            ((RejectedException) failureOf(h.submit(1, SubmitOptions.defaults().withPriority(2))))
                .reason())
        .isEqualTo(Reason.INVALID);
    assertThat(failureOf(h.submit(1, SubmitOptions.defaults().withPayloadBytes(11))))
        .hasMessageContaining("maxQueuedBytes=10");
    assertThat(failureOf(h.batcher.submit(null, SubmitOptions.defaults())))
        .hasMessageContaining("input must not be null");
    assertThatThrownBy(() -> SubmitOptions.defaults().withPayloadBytes(-1))
        .hasMessageContaining("payloadBytes must be >= 0, got -1");
    assertThat(h.listener.rejected).containsOnly(Reason.INVALID);
  }

  @Test
  void cancellingAQueuedRequestFreesItsSlotAndBytesAtOnce() {
    Harness h = busy(BatchPolicy.builder().maxQueueSize(2).maxQueuedBytes(100).build());
    CompletableFuture<String> a = h.submit(1, SubmitOptions.defaults().withPayloadBytes(50));
    h.submit(2, SubmitOptions.defaults().withPayloadBytes(50));
    assertThat(h.submit(3)).isCompletedExceptionally();

    assertThat(a.cancel(true)).isTrue();

    assertThat(h.batcher.queuedRequests()).isEqualTo(1);
    assertThat(h.batcher.queuedBytes()).isEqualTo(50);
    assertThat(h.listener.cancelled).hasValue(1);
    CompletableFuture<String> c = h.submit(3, SubmitOptions.defaults().withPayloadBytes(50));
    assertThat(c).isNotDone();
    h.executor.runAll();
    assertThat(h.runner.allInputs()).containsExactly(0, 2, 3);
    assertThat(a).isCancelled();
    assertThat(c).isCompletedWithValue("out:3");
  }

  @Test
  void cancellingARequestThatIsAlreadyInABatchOnlyCancelsTheFuture() {
    Harness h = new Harness(BatchPolicy.builder().build());
    CompletableFuture<String> f = h.submit(1);
    boolean[] completedByRunner = new boolean[1];
    h.runner.behaviour = (i, instance, batch) -> completedByRunner[0] = batch.get(0).complete("x");

    f.cancel(false);
    h.executor.runAll();

    assertThat(completedByRunner[0]).isFalse();
    assertThat(f).isCancelled();
    assertThat(h.listener.cancelled).hasValue(0);
  }

  @Test
  void queuedRequestExpiresByTimerEvenIfNoInstanceFreesUp() {
    Harness h = busy(BatchPolicy.builder().build());
    CompletableFuture<String> f =
        h.submit(1, SubmitOptions.defaults().withDeadlineNanos(h.now() + 5_000_000L));
    CompletableFuture<String> g =
        h.submit(2, SubmitOptions.defaults().withDeadlineNanos(h.now() + 7_000_000L));

    h.clock.advance(Duration.ofMillis(5));
    assertThat(failureOf(f)).isInstanceOf(DeadlineExpiredException.class);
    assertThat(g).isNotDone();
    h.clock.advance(Duration.ofMillis(2));
    assertThat(failureOf(g)).isInstanceOf(DeadlineExpiredException.class);

    assertThat(h.batcher.queuedRequests()).isZero();
    assertThat(h.listener.expired).hasValue(2);
    h.executor.runAll();
    assertThat(h.runner.allInputs()).containsExactly(0);
  }

  @Test
  void aLaterRequestWithAnEarlierDeadlineBringsTheExpiryForward() {
    Harness h = busy(BatchPolicy.builder().build());
    CompletableFuture<String> late =
        h.submit(
            1,
            SubmitOptions.defaults().withDeadlineNanos(h.now() + 7_000_000L).withPayloadBytes(10));
    CompletableFuture<String> early =
        h.submit(
            2,
            SubmitOptions.defaults().withDeadlineNanos(h.now() + 5_000_000L).withPayloadBytes(20));

    h.clock.advance(Duration.ofMillis(5));
    assertThat(failureOf(early)).isInstanceOf(DeadlineExpiredException.class);
    assertThat(late).isNotDone();
    assertThat(h.batcher.queuedBytes()).isEqualTo(10);
    h.clock.advance(Duration.ofMillis(2));
    assertThat(failureOf(late)).isInstanceOf(DeadlineExpiredException.class);
    assertThat(h.batcher.queuedRequests()).isZero();
    assertThat(h.batcher.queuedBytes()).isZero();
  }

  @Test
  void expiredRequestsAreRemovedAtBatchFormationAndNeverReachTheRunner() {
    Harness h = busy(BatchPolicy.builder().build());
    CompletableFuture<String> f =
        h.submit(1, SubmitOptions.defaults().withDeadlineNanos(h.now() + 5_000_000L));
    CompletableFuture<String> g = h.submit(2);
    h.clock.jump(Duration.ofMillis(5)); // the timer has not fired yet

    h.executor.runAll();

    assertThat(h.runner.batches()).containsExactly(java.util.List.of(0), java.util.List.of(2));
    assertThat(failureOf(f)).isInstanceOf(DeadlineExpiredException.class);
    assertThat(g).isCompletedWithValue("out:2");
    assertThat(h.listener.expired).hasValue(1);
  }

  @Test
  void defaultTimeoutAppliesWhenASubmissionHasNoDeadline() {
    Harness h = busy(BatchPolicy.builder().defaultTimeout(Duration.ofMillis(20)).build());
    CompletableFuture<String> f = h.submit(1);
    h.clock.advance(Duration.ofMillis(19));
    assertThat(f).isNotDone();
    h.clock.advance(Duration.ofMillis(1));
    assertThat(failureOf(f)).isInstanceOf(DeadlineExpiredException.class);
  }

  @Test
  void deadlineAlreadyPassedFailsAtSubmit() {
    Harness h = new Harness(BatchPolicy.builder().build());
    CompletableFuture<String> f = h.submit(1, SubmitOptions.defaults().withDeadlineNanos(h.now()));
    assertThat(failureOf(f)).isInstanceOf(DeadlineExpiredException.class);
    assertThat(h.executor.pending()).isZero();
  }
}
