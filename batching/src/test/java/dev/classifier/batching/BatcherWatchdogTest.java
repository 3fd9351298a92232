package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A run past the watchdog limit is terminated, answered once, and its instance replaced. */
class BatcherWatchdogTest {
  private static final Duration LIMIT = Duration.ofMillis(100);
  private final FakeClock clock = new FakeClock();
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final RecordingListener listener = new RecordingListener();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ExactlyOnce answers = new ExactlyOnce();

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  /** Hangs on inputs < 0 until terminated (like ONNX Runtime with RunOptions), else echoes. */
  private final class HangingRunner implements InstanceRunner<Integer, String> {
    final int id;
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final boolean terminates;
    final AtomicInteger closes = new AtomicInteger();

    HangingRunner(int id, boolean terminates) {
      this.id = id;
      this.terminates = terminates;
    }

    @Override
    public void run(List<BatchTask<Integer, String>> batch) throws Exception {
      if (batch.get(0).input() < 0) {
        started.countDown();
        release.await();
        throw new IllegalStateException("run terminated");
      }
      for (BatchTask<Integer, String> t : batch) {
        t.complete("r" + id + ":" + t.input());
      }
    }

    @Override
    public void terminate() {
      events.add("terminate r" + id);
      if (terminates) {
        release.countDown();
      }
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private Batcher<Integer, String> batcher(
      int instances, List<HangingRunner> created, boolean terminates, int replacements) {
    AtomicInteger budget = new AtomicInteger(instances + replacements);
    List<Instance> list = new java.util.ArrayList<>();
    for (int i = 0; i < instances; i++) {
      list.add(new Instance("cpu", i, 1));
    }
    return Batcher.<Integer, String>builder(
            "wd",
            BatchPolicy.builder().maxBatchSize(1).build(),
            instance -> {
              if (budget.getAndDecrement() <= 0) {
                throw new IllegalStateException("no memory for another instance");
              }
              HangingRunner r = new HangingRunner(created.size(), terminates);
              created.add(r);
              return r;
            })
        .instances(list)
        .ticker(clock)
        .scheduler(clock)
        .executor(workers)
        .watchdog(LIMIT)
        .listener(listener)
        .build();
  }

  private CompletableFuture<String> submit(Batcher<Integer, String> b, int input) {
    return answers.track(b.submit(input, SubmitOptions.defaults()));
  }

  @Test
  void aHungRunIsTerminatedAnsweredAndItsInstanceReplaced() throws Exception {
    List<HangingRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(2, created, false, 1);
    CompletableFuture<String> hung = submit(batcher, -1);
    assertThat(created.get(0).started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(submit(batcher, 5).get(10, TimeUnit.SECONDS)).isEqualTo("r1:5"); // other instance

    clock.advance(LIMIT);

    assertThat(TestFutures.failureOf(hung))
        .isInstanceOf(WatchdogTimeoutException.class)
        .hasMessageContaining("watchdog limit of 100 ms")
        .hasMessageContaining("instance replaced");
    assertThat(events).containsExactly("terminate r0");
    assertThat(created).hasSize(3);
    assertThat(batcher.healthyInstances()).isEqualTo(2);
    // the replacement and the healthy instance serve while r0 is still stuck
    assertThat(submit(batcher, 6).get(10, TimeUnit.SECONDS)).matches("r[12]:6");
    assertThat(submit(batcher, 7).get(10, TimeUnit.SECONDS)).matches("r[12]:7");
    assertThat(created.get(0).closes).hasValue(0);

    created.get(0).release.countDown(); // the stuck run returns at last: its answer is ignored
    batcher.close(Duration.ZERO).get(10, TimeUnit.SECONDS);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (created.get(0).closes.get() == 0 && System.nanoTime() < giveUp) {
      Thread.onSpinWait(); // the returning run closes its runner on its own thread
    }
    assertThat(created.get(0).closes).hasValue(1);
    assertThat(listener.completed).hasSize(4);
    answers.assertAllCompletedExactlyOnce();
  }

  @Test
  void withoutAReplacementTheModelReportsNoHealthyInstanceAndRejectsWithAReason() throws Exception {
    List<HangingRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(1, created, true, 0);
    CompletableFuture<String> hung = submit(batcher, -1);
    assertThat(created.get(0).started.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> queued = submit(batcher, 1);

    clock.advance(LIMIT);

    assertThat(TestFutures.failureOf(hung)).isInstanceOf(WatchdogTimeoutException.class);
    assertThat(batcher.healthyInstances()).isZero();
    assertThat(batcher.unhealthyReason()).contains("no healthy instance");
    assertThat(TestFutures.failureOf(queued))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("no healthy instance")
        .hasMessageContaining("no memory for another instance");
    assertThat(TestFutures.failureOf(submit(batcher, 2)))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("no healthy instance");
    batcher.close(Duration.ZERO).get(10, TimeUnit.SECONDS);
    answers.assertAllCompletedExactlyOnce();
  }

  @Test
  void closeCanAbandonARunThatNeverReturns() throws Exception {
    List<HangingRunner> created = new CopyOnWriteArrayList<>();
    Batcher<Integer, String> batcher = batcher(1, created, false, 0);
    CompletableFuture<String> hung = submit(batcher, -1);
    assertThat(created.get(0).started.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closed = batcher.close(Duration.ZERO);
    assertThat(closed).isNotDone();

    batcher.abandonRunning("model closed while a batch was still running");

    closed.get(10, TimeUnit.SECONDS);
    assertThat(TestFutures.failureOf(hung))
        .isInstanceOf(BatcherClosedException.class)
        .hasMessageContaining("still running");
    assertThat(events).containsExactly("terminate r0");
    created.get(0).release.countDown();
    answers.assertAllCompletedExactlyOnce();
  }
}
