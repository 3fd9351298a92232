package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reusable check for stress and fault tests: every tracked future completes exactly once. A
 * future's state can only be set once, so this counts what callers actually observe: the completion
 * callbacks fired (one per future, never zero, never two) and, for futures handed out again (e.g.
 * by {@code thenApply} chains), none left pending.
 */
public final class ExactlyOnce {
  private final List<CompletableFuture<?>> futures = new ArrayList<>();
  private final List<AtomicInteger> callbacks = new ArrayList<>();

  /** Starts watching {@code f}; returns it. */
  public synchronized <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    AtomicInteger count = new AtomicInteger();
    futures.add(f);
    callbacks.add(count);
    f.whenComplete((v, e) -> count.incrementAndGet());
    return f;
  }

  public synchronized int size() {
    return futures.size();
  }

  /** Fails unless every tracked future is done and its completion callback ran exactly once. */
  public synchronized void assertAllCompletedExactlyOnce() {
    int pending = 0;
    int wrongCount = 0;
    for (int i = 0; i < futures.size(); i++) {
      if (!futures.get(i).isDone()) {
        pending++;
      } else if (callbacks.get(i).get() != 1) {
        wrongCount++;
      }
    }
    assertThat(pending).as("futures never completed, of %d", futures.size()).isZero();
    assertThat(wrongCount).as("futures whose callback did not run exactly once").isZero();
  }
}
