package dev.classifier.server.grpc;

import dev.classifier.batching.SubmitOptions;
import dev.classifier.batching.Ticker;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link ImageAdmission} through the same {@link Admission} and {@link Handover} as Classify. */
public final class BatcherAdmission implements ImageAdmission {
  private final ModelRegistry registry;
  private final Ticker ticker;

  public BatcherAdmission(ModelRegistry registry, Ticker ticker) {
    this.registry = registry;
    this.ticker = ticker;
  }

  @Override
  public CompletableFuture<Admitted> submit(
      ServedModel model, List<InferenceInput> images, int priority, long timeoutNanos) {
    SubmitOptions options =
        Admission.options(ticker, priority, model.signature().imageBytes(), timeoutNanos);
    var pending = Handover.submit(registry, model, mm -> mm.batcher().submitAll(images, options));
    CompletableFuture<Admitted> result =
        pending.thenApply(o -> new Admitted(o.model(), o.value()));
    result.whenComplete(
        (r, t) -> {
          if (result.isCancelled()) {
            pending.cancel(false);
          }
        });
    return result;
  }
}
