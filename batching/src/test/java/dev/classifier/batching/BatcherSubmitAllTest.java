package dev.classifier.batching;

import static dev.classifier.batching.TestFutures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.RejectedException.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Multi-image submissions: splitting, ordering, all-or-nothing admission, failure, cancel. */
class BatcherSubmitAllTest {

  @Test
  void partsAreSplitAcrossBatchesAndOutputsKeepInputOrder() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(2).build());
    h.runner.behaviour =
        (i, instance, batch) -> {
          List<BatchTask<Integer, String>> reversed = new ArrayList<>(batch);
          Collections.reverse(reversed);
          reversed.forEach(t -> t.complete("out:" + t.input()));
        };

    CompletableFuture<List<String>> f =
        h.batcher.submitAll(List.of(1, 2, 3, 4, 5), SubmitOptions.defaults());
    h.executor.runAll();

    assertThat(h.runner.batches()).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
    assertThat(f).isCompletedWithValue(List.of("out:1", "out:2", "out:3", "out:4", "out:5"));
    assertThat(h.listener.enqueued).hasValue(5);
  }

  @Test
  void admissionIsAllOrNothing() {
    Harness h = new Harness(BatchPolicy.builder().maxQueueSize(4).maxQueuedBytes(1000).build());
    h.submit(0); // occupies the instance
    h.submit(1, SubmitOptions.defaults().withPayloadBytes(600));

    CompletableFuture<List<String>> tooMany =
        h.batcher.submitAll(List.of(2, 3, 4, 5), SubmitOptions.defaults());
    CompletableFuture<List<String>> tooBig =
        h.batcher.submitAll(List.of(2, 3), SubmitOptions.defaults().withPayloadBytes(250));

    assertThat(((RejectedException) failureOf(tooMany)).reason()).isEqualTo(Reason.QUEUE_FULL);
    assertThat(((RejectedException) failureOf(tooBig)).reason()).isEqualTo(Reason.BYTES_EXHAUSTED);
    assertThat(h.batcher.queuedRequests()).isEqualTo(1);
    assertThat(h.batcher.queuedBytes()).isEqualTo(600);
    CompletableFuture<List<String>> fits =
        h.batcher.submitAll(List.of(2, 3, 4), SubmitOptions.defaults());
    assertThat(fits).isNotDone();
    assertThat(h.batcher.queuedRequests()).isEqualTo(4);
  }

  @Test
  void moreInputsThanTheQueueCanEverHoldIsInvalid() {
    Harness h = new Harness(BatchPolicy.builder().maxQueueSize(2).build());
    Throwable e = failureOf(h.batcher.submitAll(List.of(1, 2, 3), SubmitOptions.defaults()));
    assertThat(((RejectedException) e).reason()).isEqualTo(Reason.INVALID);
    assertThat(e).hasMessageContaining("maxQueueSize=2");
  }

  @Test
  void emptyInputCompletesWithAnEmptyList() {
    Harness h = new Harness(BatchPolicy.builder().build());
    assertThat(h.batcher.submitAll(List.of(), SubmitOptions.defaults()))
        .isCompletedWithValue(List.of());
    assertThat(h.batcher.submitAll(List.of(), SubmitOptions.defaults().withPayloadBytes(10)))
        .isCompletedWithValue(List.of());
  }

  @Test
  void onePartFailingFailsTheWholeRequestAndCancelsTheOtherParts() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(2).build());
    IllegalArgumentException bad = new IllegalArgumentException("bad image");
    h.runner.behaviour =
        (i, instance, batch) -> {
          for (BatchTask<Integer, String> t : batch) {
            if (t.input() == 2) {
              t.fail(bad);
            } else {
              t.complete("out:" + t.input());
            }
          }
        };

    CompletableFuture<List<String>> f =
        h.batcher.submitAll(List.of(1, 2, 3, 4), SubmitOptions.defaults());
    h.executor.runAll();

    assertThat(failureOf(f)).isSameAs(bad);
    assertThat(h.runner.allInputs()).containsExactly(1, 2);
    assertThat(h.batcher.queuedRequests()).isZero();
    assertThat(h.listener.cancelled).hasValue(2);
  }

  @Test
  void cancellingTheWholeRequestCancelsEveryPart() {
    Harness h = new Harness(BatchPolicy.builder().maxBatchSize(2).build());
    h.submit(0); // occupies the instance
    CompletableFuture<List<String>> f =
        h.batcher.submitAll(List.of(1, 2, 3), SubmitOptions.defaults());
    assertThat(h.batcher.queuedRequests()).isEqualTo(3);

    f.cancel(true);

    assertThat(h.batcher.queuedRequests()).isZero();
    h.executor.runAll();
    assertThat(h.runner.allInputs()).containsExactly(0);
  }
}
