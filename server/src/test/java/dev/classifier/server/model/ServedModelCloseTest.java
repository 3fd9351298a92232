package dev.classifier.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherClosedException;
import dev.classifier.batching.SubmitOptions;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.signature.ElementType;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing a model is bounded even when a batch never returns. */
class ServedModelCloseTest {
  @Test
  void closeAbandonsARunThatNeverReturnsAndAnswersItsRequests() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    ServedModel model =
        TestModels.loadGated(
            TestModels.embedded(BatchPolicy.builder().maxBatchSize(4).build(), 1), gate, sizes);
    try {
      CompletableFuture<InferenceResult> stuck =
          model
              .batcher()
              .submit(
                  InferenceInput.of(
                      Tensors.floatBytes(Tensors.randomFloats(new Random(5), 784)),
                      ElementType.FLOAT32),
                  SubmitOptions.defaults());
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sizes.isEmpty() && System.nanoTime() < giveUp) {
        Thread.onSpinWait(); // until the batch is running (blocked on the gate)
      }
      assertThat(sizes).containsExactly(1);

      CompletableFuture<Void> closed =
          CompletableFuture.runAsync(() -> model.close(Duration.ofMillis(200)));
      closed.get(10, TimeUnit.SECONDS); // returns although the run is still stuck

      assertThat(stuck).isCompletedExceptionally();
      try {
        stuck.join();
      } catch (CompletionException e) {
        assertThat(e.getCause())
            .isInstanceOf(BatcherClosedException.class)
            .hasMessageContaining("still running");
      }
    } finally {
      gate.countDown();
    }
  }
}
