package dev.classifier.server.core;

import dev.classifier.batching.BatcherClosedException;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Submits work to a model and follows a hot reload that happens in between: a handler resolves a
 * model, then submits to its batcher; if the model was replaced and its old batcher closed in that
 * window, the submission is rejected as closed. Then, and only if the registry now serves a newer
 * version of the same name with the same input signature (so the already validated tensors fit),
 * the work is submitted once more, to the new version. Shutdown (same model still registered) and
 * signature changes are not retried: those callers get UNAVAILABLE.
 *
 * <p>Cancelling the returned future cancels whichever attempt is current.
 */
final class Handover {
  /** The result and the model version that produced it. */
  record Outcome<T>(ServedModel model, T value) {}

  private Handover() {}

  static <T> CompletableFuture<Outcome<T>> submit(
      ModelRegistry registry,
      ServedModel model,
      Function<ServedModel, CompletableFuture<T>> submit) {
    CompletableFuture<Outcome<T>> result = new CompletableFuture<>();
    attempt(registry, model, submit, result, true);
    return result;
  }

  private static <T> void attempt(
      ModelRegistry registry,
      ServedModel model,
      Function<ServedModel, CompletableFuture<T>> submit,
      CompletableFuture<Outcome<T>> result,
      boolean mayRetry) {
    CompletableFuture<T> current;
    try {
      current = submit.apply(model);
    } catch (Throwable t) { // the future must complete whatever the submission throws
      result.completeExceptionally(t);
      return;
    }
    var unused =
        result.whenComplete(
            (r, t) -> {
              if (result.isCancelled()) {
                current.cancel(false);
              }
            });
    var unused2 =
        current.whenComplete(
            (value, failure) -> {
              if (failure == null) {
                result.complete(new Outcome<>(model, value));
                return;
              }
              ServedModel successor =
                  mayRetry && Failures.unwrap(failure) instanceof BatcherClosedException
                      ? successor(registry, model)
                      : null;
              if (successor == null || result.isDone()) {
                result.completeExceptionally(failure);
              } else {
                attempt(registry, successor, submit, result, false);
              }
            });
  }

  /** The version that replaced {@code model}, if it takes the same input (shape and dtypes). */
  private static ServedModel successor(ModelRegistry registry, ServedModel model) {
    try {
      ServedModel now = registry.resolve(model.name());
      return now != model
              && now.signature().equals(model.signature())
              && now.engine().acceptedInputTypes().equals(model.engine().acceptedInputTypes())
          ? now
          : null;
    } catch (ModelNotFoundException e) {
      return null;
    }
  }
}
