package dev.classifier.batching;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of a multi-image submission: completes with the parts' outputs in input order, fails
 * with the first part's failure (cancelling the other parts), and cancelling it cancels every part.
 */
final class AllOfFuture<O> extends CompletableFuture<List<O>> {
  private final QueuedTask<?, O>[] parts;
  private final Object[] results;
  private final AtomicInteger remaining;

  AllOfFuture(QueuedTask<?, O>[] parts) {
    this.parts = parts;
    this.results = new Object[parts.length];
    this.remaining = new AtomicInteger(parts.length);
    for (int i = 0; i < parts.length; i++) {
      final int index = i;
      var unused = parts[i].whenComplete((value, error) -> onPart(index, value, error));
    }
  }

  private void onPart(int index, O value, Throwable error) {
    if (error != null) {
      if (completeExceptionally(error)) {
        cancelParts();
      }
      return;
    }
    results[index] = value;
    if (remaining.decrementAndGet() == 0) {
      @SuppressWarnings("unchecked")
      List<O> outputs = (List<O>) Collections.unmodifiableList(Arrays.asList(results));
      complete(outputs);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      cancelParts();
    }
    return cancelled;
  }

  private void cancelParts() {
    for (QueuedTask<?, O> part : parts) {
      part.cancel(false);
    }
  }
}
