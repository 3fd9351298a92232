package dev.classifier.server.core;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Two asynchronous stages where cancelling the result cancels whichever stage is current: the first
 * (e.g. a queued decode, then skipped) or the second (e.g. a queued batch request, then dropped
 * before it runs). {@code CompletableFuture.thenCompose} does not propagate cancellation.
 */
final class Chain {
  private Chain() {}

  static <A, B> CompletableFuture<B> then(
      CompletableFuture<A> first, Function<A, CompletableFuture<B>> next) {
    CompletableFuture<B> result = new CompletableFuture<>();
    var unused =
        result.whenComplete(
            (r, t) -> {
              if (result.isCancelled()) {
                first.cancel(false);
              }
            });
    var unused2 =
        first.whenComplete(
            (a, failure) -> {
              if (failure != null) {
                result.completeExceptionally(failure);
                return;
              }
              if (result.isDone()) {
                return;
              }
              CompletableFuture<B> second;
              try {
                second = next.apply(a);
              } catch (Throwable e) { // an Error too: the caller's future must complete
                result.completeExceptionally(e);
                return;
              }
              var unused3 =
                  result.whenComplete(
                      (r, t) -> {
                        if (result.isCancelled()) {
                          second.cancel(false);
                        }
                      });
              var unused4 =
                  second.whenComplete(
                      (b, t) -> {
                        if (t != null) {
                          result.completeExceptionally(t);
                        } else {
                          result.complete(b);
                        }
                      });
            });
    return result;
  }
}
