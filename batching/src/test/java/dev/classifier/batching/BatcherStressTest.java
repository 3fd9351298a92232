package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Many producers with random priorities, deadlines, payloads, multi-image requests and cancels,
 * against a slow, sometimes failing runner on 2 devices x 2 instances, with real threads and time.
 * Every future must complete exactly once with the right value, and the queue must stay within its
 * bounds.
 */
class BatcherStressTest {
  private static final int PRODUCERS = 6;
  private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
  private static final int MAX_QUEUE = 200;
  private static final long MAX_BYTES = 150_000;

  @Test
  void everyFutureCompletesExactlyOnceWithItsOwnResult() throws Exception {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(8)
            .maxQueueDelay(Duration.ofMillis(1))
            .preferredBatchSizes(4, 8)
            .maxQueueSize(MAX_QUEUE)
            .maxQueuedBytes(MAX_BYTES)
            .priorityLevels(3)
            .build();
    List<Instance> instances =
        List.of(
            new Instance("gpu:0", 0, 8),
            new Instance("gpu:0", 1, 8),
            new Instance("cpu", 0, 3),
            new Instance("cpu", 1, 3));

    Set<Long> seenByRunner = ConcurrentHashMap.newKeySet();
    Set<Long> completedByRunner = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicateDeliveries = new AtomicInteger();
    AtomicInteger oversizedBatches = new AtomicInteger();
    AtomicLong runnerCompletions = new AtomicLong();
    BatchRunner<Long, Long> runner =
        (instance, batch) -> {
          if (batch.size() > instance.maxBatchSize()) {
            oversizedBatches.incrementAndGet();
          }
          for (BatchTask<Long, Long> t : batch) {
            if (!seenByRunner.add(t.input())) {
              duplicateDeliveries.incrementAndGet();
            }
          }
          ThreadLocalRandom rnd = ThreadLocalRandom.current();
          LockSupport.parkNanos(rnd.nextLong(20_000, 150_000));
          int mode = rnd.nextInt(20);
          for (int i = 0; i < batch.size(); i++) {
            BatchTask<Long, Long> t = batch.get(i);
            if (mode == 0 && i == batch.size() / 2) {
              throw new IllegalStateException("injected engine failure");
            }
            if (mode == 1 && i % 2 == 1) {
              continue; // left incomplete: the batcher must fail it
            }
            if (t.complete(t.input() * 2)) {
              runnerCompletions.incrementAndGet();
              if (!completedByRunner.add(t.input())) {
                duplicateDeliveries.incrementAndGet();
              }
            }
          }
        };

    Batcher<Long, Long> batcher =
        Batcher.builder("stress", policy, runner).instances(instances).build();

    AtomicLong submitted = new AtomicLong();
    AtomicLong futureCompletions = new AtomicLong();
    AtomicLong successes = new AtomicLong();
    AtomicInteger wrongResults = new AtomicInteger();
    AtomicInteger unexpectedErrors = new AtomicInteger();
    Set<Long> deliveredToCaller = ConcurrentHashMap.newKeySet();
    Set<Long> partsOfFailedAggregates = ConcurrentHashMap.newKeySet();
    Set<Long> cancelledByCaller = ConcurrentHashMap.newKeySet();
    Queue<CompletableFuture<?>> all = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger maxQueued = new AtomicInteger();
    AtomicLong maxBytes = new AtomicLong();

    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                maxQueued.accumulateAndGet(batcher.queuedRequests(), Math::max);
                maxBytes.accumulateAndGet(batcher.queuedBytes(), Math::max);
                Thread.onSpinWait();
              }
            });
    sampler.start();

    CountDownLatch start = new CountDownLatch(1);
    List<Thread> producers = new ArrayList<>();
    long endAt = System.nanoTime() + RUN_NANOS;
    for (int p = 0; p < PRODUCERS; p++) {
      final long idBase = (long) p << 40;
      Thread t =
          new Thread(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                List<CompletableFuture<?>> recent = new ArrayList<>();
                long seq = 0;
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                while (System.nanoTime() < endAt) {
                  SubmitOptions options =
                      SubmitOptions.defaults()
                          .withPriority(rnd.nextInt(3))
                          .withPayloadBytes(rnd.nextInt(2000));
                  if (rnd.nextInt(10) < 3) {
                    options =
                        options.withDeadlineNanos(System.nanoTime() + rnd.nextLong(0, 3_000_000));
                  }
                  CompletableFuture<?> f;
                  if (rnd.nextInt(10) == 0) {
                    int n = 1 + rnd.nextInt(4);
                    List<Long> ids = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                      ids.add(idBase + seq++);
                    }
                    CompletableFuture<List<Long>> g = batcher.submitAll(ids, options);
                    g.whenComplete(
                        (values, error) -> {
                          futureCompletions.incrementAndGet();
                          if (error == null) {
                            successes.incrementAndGet();
                            for (int i = 0; i < n; i++) {
                              if (values.get(i) != ids.get(i) * 2) {
                                wrongResults.incrementAndGet();
                              }
                              if (!deliveredToCaller.add(ids.get(i))) {
                                duplicateDeliveries.incrementAndGet();
                              }
                            }
                          } else {
                            partsOfFailedAggregates.addAll(ids);
                            checkError(error, unexpectedErrors);
                          }
                        });
                    f = g;
                  } else {
                    long id = idBase + seq++;
                    CompletableFuture<Long> g = batcher.submit(id, options);
                    g.whenComplete(
                        (value, error) -> {
                          futureCompletions.incrementAndGet();
                          if (error == null) {
                            successes.incrementAndGet();
                            if (value != id * 2) {
                              wrongResults.incrementAndGet();
                            }
                            if (!deliveredToCaller.add(id)) {
                              duplicateDeliveries.incrementAndGet();
                            }
                          } else {
                            if (error instanceof java.util.concurrent.CancellationException) {
                              cancelledByCaller.add(id); // may cancel after the runner's outcome
                            }
                            checkError(error, unexpectedErrors);
                          }
                        });
                    f = g;
                  }
                  submitted.incrementAndGet();
                  all.add(f);
                  recent.add(f);
                  if (recent.size() > 32) {
                    recent.remove(0);
                  }
                  if (rnd.nextInt(10) == 0) {
                    recent.get(rnd.nextInt(recent.size())).cancel(rnd.nextBoolean());
                  }
                  if (f.isCompletedExceptionally() && !f.isCancelled()) {
                    LockSupport.parkNanos(rnd.nextLong(10_000, 100_000)); // back off when rejected
                  }
                }
              });
      producers.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : producers) {
      t.join();
    }
    long producersDone = System.nanoTime();
    CompletableFuture<Void> closed = batcher.close(Duration.ofMillis(500));
    closed.get(10, TimeUnit.SECONDS);
    System.out.printf(
        "stress: submitted=%d successes=%d runnerCompletions=%d maxQueued=%d maxBytes=%d"
            + " closeMillis=%d%n",
        submitted.get(),
        successes.get(),
        runnerCompletions.get(),
        maxQueued.get(),
        maxBytes.get(),
        (System.nanoTime() - producersDone) / 1_000_000);
    running.set(false);
    sampler.join();

    assertThat(all.stream().filter(f -> !f.isDone()).count()).isZero();
    assertThat(futureCompletions.get()).isEqualTo(submitted.get());
    assertThat(duplicateDeliveries).hasValue(0);
    assertThat(wrongResults).hasValue(0);
    assertThat(unexpectedErrors).hasValue(0);
    assertThat(oversizedBatches).hasValue(0);
    assertThat(successes.get()).isPositive();
    assertThat(maxQueued.get()).isLessThanOrEqualTo(MAX_QUEUE);
    assertThat(maxBytes.get()).isLessThanOrEqualTo(MAX_BYTES);
    long deliveredButNotCompletedByRunner =
        deliveredToCaller.stream().filter(id -> !completedByRunner.contains(id)).count();
    assertThat(deliveredButNotCompletedByRunner).isZero();
    long completedButLost =
        completedByRunner.stream()
            .filter(
                id ->
                    !deliveredToCaller.contains(id)
                        && !partsOfFailedAggregates.contains(id)
                        && !cancelledByCaller.contains(id))
            .count();
    assertThat(completedButLost).isZero();
    assertThat(runnerCompletions.get()).isEqualTo(completedByRunner.size());
    assertThat(batcher.queuedRequests()).isZero();
    assertThat(batcher.queuedBytes()).isZero();
    assertThat(batcher.submit(1L, SubmitOptions.defaults())).isCompletedExceptionally();
  }

  private static void checkError(Throwable error, AtomicInteger unexpected) {
    Throwable e =
        error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
    boolean expected =
        e instanceof CancellationException
            || e instanceof RejectedException
            || e instanceof DeadlineExpiredException
            || (e instanceof IllegalStateException
                && ("injected engine failure".equals(e.getMessage())
                    || "runner did not complete task".equals(e.getMessage())));
    if (!expected) {
      unexpected.incrementAndGet();
      e.printStackTrace();
    }
  }
}
