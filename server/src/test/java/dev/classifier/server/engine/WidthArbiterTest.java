package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.server.engine.WidthArbiter.Width;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wide-or-narrow decision of an adaptive CPU device, without ONNX Runtime. */
class WidthArbiterTest {
  private final WidthArbiter arbiter = new WidthArbiter();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private void awaitWaiting(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (arbiter.waiting() != n) {
      assertThat(System.nanoTime()).as("runs waiting for the wide run").isLessThan(deadline);
      LockSupport.parkNanos(50_000); // polls another thread's progress; no timing asserted
    }
  }

  @Test
  void aRunAloneIsWideEveryTime() {
    for (int i = 0; i < 3; i++) {
      Width width = arbiter.acquire(() -> false);
      assertThat(width).isEqualTo(Width.WIDE);
      arbiter.release(width);
    }
    assertThat(arbiter.wideRuns()).isEqualTo(3);
    assertThat(arbiter.narrowRuns()).isZero();
  }

  @Test
  void aRunStartingDuringAWideRunWaitsForItThenRunsNarrowAndSoDoesTheNextBesideIt()
      throws Exception {
    Width wide = arbiter.acquire(() -> false);
    Future<Width> second = threads.submit(() -> arbiter.acquire(() -> false));
    awaitWaiting(1);
    assertThat(second.isDone()).as("must not start while the wide run holds every core").isFalse();

    arbiter.release(wide);
    Width narrow = second.get(10, TimeUnit.SECONDS);
    assertThat(narrow).isEqualTo(Width.NARROW);
    // the first instance's next batch starts while the other runs: narrow too
    Width next = arbiter.acquire(() -> false);
    assertThat(next).isEqualTo(Width.NARROW);
    arbiter.release(narrow);
    arbiter.release(next);
    // load gone: a lone run is wide again
    Width alone = arbiter.acquire(() -> false);
    assertThat(alone).isEqualTo(Width.WIDE);
    arbiter.release(alone);
    assertThat(arbiter.wideRuns()).isEqualTo(2);
    assertThat(arbiter.narrowRuns()).isEqualTo(2);
  }

  @Test
  void aCancelledWaiterTakesNoWidth() throws Exception {
    Width wide = arbiter.acquire(() -> false);
    AtomicBoolean cancelled = new AtomicBoolean();
    Future<Width> waiter = threads.submit(() -> arbiter.acquire(cancelled::get));
    awaitWaiting(1);
    cancelled.set(true);
    arbiter.wakeAll();
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(arbiter.waiting()).isZero();
    arbiter.release(wide);
    arbiter.release(null); // what the cancelled run releases: nothing
    // nothing runs and nothing waits: the next run is wide (the cancelled one left no trace)
    Width next = arbiter.acquire(() -> false);
    assertThat(next).isEqualTo(Width.WIDE);
    arbiter.release(next);
    assertThat(arbiter.narrowRuns()).isZero();
  }

  @Test
  void releasingARunThatNeverStartedIsAnError() {
    assertThatThrownBy(() -> arbiter.release(Width.WIDE)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> arbiter.release(Width.NARROW))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void underContentionAWideRunNeverOverlapsAnyOtherAndEveryRunEnds() throws Exception {
    int workers = 4;
    int runsEach = 5_000;
    AtomicInteger wideNow = new AtomicInteger();
    AtomicInteger narrowNow = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      done.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                for (int i = 0; i < runsEach; i++) {
                  Width width = arbiter.acquire(() -> false);
                  if (width == Width.WIDE) {
                    if (wideNow.incrementAndGet() != 1 || narrowNow.get() != 0) {
                      overlaps.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    wideNow.decrementAndGet();
                  } else {
                    narrowNow.incrementAndGet();
                    if (wideNow.get() != 0) {
                      overlaps.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    narrowNow.decrementAndGet();
                  }
                  arbiter.release(width);
                  ended.incrementAndGet();
                }
              },
              threads));
    }
    start.countDown();
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(overlaps.get()).isZero();
    assertThat(ended.get()).isEqualTo(workers * runsEach);
    assertThat(arbiter.wideRuns() + arbiter.narrowRuns()).isEqualTo((long) workers * runsEach);
    assertThat(arbiter.waiting()).isZero();
  }
}
