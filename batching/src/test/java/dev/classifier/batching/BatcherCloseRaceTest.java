package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** close() racing with many producers (real threads): nothing is left incomplete. */
class BatcherCloseRaceTest {

  @Test
  void closeWhileProducersAreSubmittingAnswersEveryRequest() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(4)
            .maxQueueDelay(Duration.ofMillis(1))
            .maxQueueSize(64)
            .build();
    Batcher<Integer, Integer> batcher =
        Batcher.<Integer, Integer>builder(
                "race",
                policy,
                (instance, batch) -> {
                  LockSupport.parkNanos(50_000);
                  batch.forEach(t -> t.complete(t.input() + 1));
                })
            .instances(List.of(new Instance("cpu", 0, 4), new Instance("cpu", 1, 2)))
            .build();
    Queue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
    int closedRejections = 0;
    CountDownLatch enoughSubmitted = new CountDownLatch(400);
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      Thread t =
          new Thread(
              () -> {
                // each producer submits until the batcher refuses it as closed
                for (int i = 0; ; i++) {
                  CompletableFuture<Integer> f = batcher.submit(i, SubmitOptions.defaults());
                  futures.add(f);
                  enoughSubmitted.countDown();
                  if (f.handle((v, e) -> e instanceof BatcherClosedException).getNow(false)) {
                    return;
                  }
                  LockSupport.parkNanos(5_000); // pacing, not synchronisation
                }
              });
      producers.add(t);
      t.start();
    }
    assertThat(enoughSubmitted.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closed = batcher.close(Duration.ofMillis(20));
    for (Thread t : producers) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(t.isAlive()).isFalse();
    }
    closed.get(10, TimeUnit.SECONDS);

    for (CompletableFuture<Integer> f : futures) {
      assertThat(f).isDone();
      try {
        f.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof BatcherClosedException) {
          closedRejections++;
        } else {
          assertThat(e.getCause()).isInstanceOf(QueueFullException.class);
        }
      }
    }
    // each of the 4 producers stops only on a closed rejection of its own
    assertThat(closedRejections).isGreaterThanOrEqualTo(4);
    assertThat(batcher.queuedRequests()).isZero();
  }
}
