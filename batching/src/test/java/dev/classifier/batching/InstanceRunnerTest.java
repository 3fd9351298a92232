package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatcherListener.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-slot runners, results delivered off the run, and cancellation decided under the lock. */
class InstanceRunnerTest {
  private final FakeClock clock = new FakeClock();
  private final FakeExecutor workers = new FakeExecutor();
  private final FakeExecutor completions = new FakeExecutor();
  private final RecordingListener listener = new RecordingListener();

  /** A runner that remembers which batches it ran and answers each input with its own id. */
  private static final class OwnRunner implements InstanceRunner<Integer, String> {
    final int id;
    final List<Integer> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger closed = new AtomicInteger();
    Duration runTime = Duration.ZERO;
    FakeClock clock;

    OwnRunner(int id) {
      this.id = id;
    }

    @Override
    public void run(List<BatchTask<Integer, String>> batch) {
      if (clock != null) {
        clock.advance(runTime);
      }
      for (BatchTask<Integer, String> t : batch) {
        seen.add(t.input());
        t.complete("runner" + id + ":" + t.input());
      }
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  private Batcher<Integer, String> batcher(
      List<Instance> instances, List<OwnRunner> created, boolean ownCompletions) {
    BatchPolicy policy = BatchPolicy.builder().maxBatchSize(4).maxQueueDelay(Duration.ZERO).build();
    Batcher.Builder<Integer, String> b =
        Batcher.<Integer, String>builder(
                "runners",
                policy,
                instance -> {
                  OwnRunner r = new OwnRunner(created.size());
                  r.clock = clock;
                  created.add(r);
                  return r;
                })
            .instances(instances)
            .ticker(clock)
            .scheduler(clock)
            .executor(workers)
            .listener(listener);
    if (ownCompletions) {
      b.completionExecutor(completions);
    }
    return b.build();
  }

  @Test
  void equalInstancesStillGetARunnerEachAndNeverShareIt() {
    Instance same = new Instance("cpu", 0, 4);
    List<OwnRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(List.of(same, same), created, false);
    assertThat(created).hasSize(2);
    assertThat(created.get(0)).isNotSameAs(created.get(1));

    CompletableFuture<String> a = batcher.submit(1, SubmitOptions.defaults());
    CompletableFuture<String> b = batcher.submit(2, SubmitOptions.defaults());
    assertThat(workers.pending()).isEqualTo(2); // both slots busy at once
    workers.runAll();

    assertThat(a.join()).isEqualTo("runner0:1");
    assertThat(b.join()).isEqualTo("runner1:2");
    batcher.close(Duration.ZERO).join();
    assertThat(created).allSatisfy(r -> assertThat(r.closed).hasValue(1));
  }

  @Test
  void completionWorkIsNeitherRunTimeNorInTheWayOfTheNextBatch() {
    List<OwnRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(List.of(new Instance("cpu", 0, 4)), created, true);
    created.get(0).runTime = Duration.ofMillis(10);

    CompletableFuture<String> first = batcher.submit(1, SubmitOptions.defaults());
    // a 50 ms completion callback (serialising, writing the response)
    first.whenComplete((v, e) -> clock.advance(Duration.ofMillis(50)));
    CompletableFuture<String> second = batcher.submit(2, SubmitOptions.defaults()); // waits
    workers.runAll(); // the next batch runs although the first batch's callbacks have not
    assertThat(created.get(0).seen).containsExactly(1, 2);
    assertThat(first).isNotDone(); // handed off: request 2 was waiting for the worker
    assertThat(completions.pending()).isEqualTo(1);
    assertThat(second).isDone(); // nothing waited behind it: settled on the worker, no hand-off

    completions.runAll();
    assertThat(first.join()).isEqualTo("runner0:1");
    assertThat(second.join()).isEqualTo("runner0:2");
    assertThat(listener.completed)
        .extracting(RecordingListener.Completed::runNanos)
        .containsExactly(Duration.ofMillis(10).toNanos(), Duration.ofMillis(10).toNanos());
  }

  @Test
  void closeCompletesOnlyAfterEveryOutcomeIsDelivered() {
    List<OwnRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(List.of(new Instance("cpu", 0, 4)), created, true);
    CompletableFuture<String> f = batcher.submit(1, SubmitOptions.defaults());
    CompletableFuture<String> g = batcher.submit(2, SubmitOptions.defaults()); // f is handed off
    workers.runAll();
    CompletableFuture<Void> closed = batcher.close(Duration.ZERO);
    assertThat(closed).isNotDone();
    completions.runAll();
    assertThat(f).isCompleted();
    assertThat(g).isCompleted();
    assertThat(closed).isCompleted();
  }

  @Test
  void aLoneRequestIsAnsweredByItsWorkerWithoutAHandOff() {
    List<OwnRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(List.of(new Instance("cpu", 0, 4)), created, true);
    CompletableFuture<String> lone = batcher.submit(1, SubmitOptions.defaults());
    assertThat(workers.pending()).isEqualTo(1); // dispatched at once, no wait for a batch to fill

    workers.runAll();

    assertThat(lone).isCompletedWithValue("runner0:1");
    assertThat(completions.pending()).isZero();
    assertThat(listener.reasons()).containsExactly(CloseReason.IMMEDIATE);
  }

  @Test
  void aCancelRacingFormationIsDecidedUnderTheLockSoTheTaskNeverRuns() throws Exception {
    List<OwnRunner> created = new CopyOnWriteArrayList<>();
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(4).maxQueueDelay(Duration.ofMillis(5)).build();
    Batcher<Integer, String> batcher =
        Batcher.<Integer, String>builder(
                "race",
                policy,
                instance -> {
                  OwnRunner r = new OwnRunner(0);
                  created.add(r);
                  return r;
                })
            .ticker(clock)
            .scheduler(clock)
            .executor(workers)
            .build();
    CompletableFuture<String> victim = batcher.submit(1, SubmitOptions.defaults());
    Thread canceller = new Thread(() -> victim.cancel(false));
    // Holding the lock stands in for formation between its scan and its take: a cancel arriving
    // now must not mark the task done behind the formation's back; it must wait for the lock.
    batcher.runUnderLock(
        () -> {
          canceller.start();
          long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (!batcher.isWaitingForLock(canceller) && canceller.isAlive()) {
            assertThat(System.nanoTime())
                .as("canceller neither blocked nor done")
                .isLessThan(giveUp);
            Thread.onSpinWait();
          }
          assertThat(victim).as("cancelled outside the lock").isNotDone();
        });
    canceller.join();
    assertThat(victim).isCancelled();
    assertThat(batcher.queuedRequests()).isZero();

    CompletableFuture<String> other = batcher.submit(2, SubmitOptions.defaults());
    clock.advance(Duration.ofMillis(5));
    workers.runAll();
    assertThat(other.join()).isEqualTo("runner0:2");
    assertThat(created.get(0).seen).containsExactly(2);
  }

  @Test
  void lateOutcomesAfterSettlingAreIgnored() {
    QueuedTask<Integer, String> task = new QueuedTask<>(null, 1, 0, 0, 0, Long.MAX_VALUE);
    BatchEntry<Integer, String> entry = new BatchEntry<>(task);
    assertThat(entry.settle(new IllegalStateException("watchdog"))).isTrue();
    assertThat(entry.complete("late")).isFalse();
    assertThat(entry.settle(null)).isFalse();
    assertThat(TestFutures.failureOf(task)).hasMessage("watchdog");
  }
}
