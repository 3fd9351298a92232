package dev.classifier.server.grpc;

import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ServedModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The admission path a protocol front-end other than classifier.v1 uses to reach a model's batcher:
 * validated images in, results (or a failure that {@link Statuses} maps) out. Temporary seam until
 * the shared protocol-neutral core takes its place.
 */
public interface ImageAdmission {
  /**
   * Submits already validated images as one request of {@code images.size()} to {@code model}'s
   * batcher (split into batches as the batcher does), following a hot reload in between. Must be
   * called on the gRPC call's thread, so the call's deadline applies.
   *
   * @param priority an internal priority level, already checked against the model's levels
   * @param timeoutNanos a request timeout ({@code > 0}) that shortens the call's deadline, or 0
   * @return completes with the results in image order, or fails; cancelling it drops queued work
   */
  CompletableFuture<Admitted> submit(
      ServedModel model, List<InferenceInput> images, int priority, long timeoutNanos);

  /** The results of one submission and the model version that produced them. */
  record Admitted(ServedModel model, List<InferenceResult> results) {}
}
