package dev.classifier.server.kserve;

import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.grpc.Statuses;
import dev.classifier.server.grpc.StreamWindow;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One ModelStreamInfer call, with the same flow control as classifier.v1's ClassifyStream (one
 * {@link StreamWindow}: a fixed window of outstanding items, half-close answers everything in
 * flight, cancellation cancels queued items). A bad item is answered with {@code error_message}
 * ("CODE: description") and its id, and the stream goes on.
 */
final class StreamInferCall implements StreamObserver<ModelInferRequest> {
  private final StreamWindow<ModelStreamInferResponse> stream;
  private final BiFunction<
          ModelInferRequest, Answer.Delivery<ModelInferResponse>, CompletableFuture<?>>
      infer;

  StreamInferCall(
      ServerCallStreamObserver<ModelStreamInferResponse> out,
      BiFunction<ModelInferRequest, Answer.Delivery<ModelInferResponse>, CompletableFuture<?>>
          infer,
      int window) {
    this.stream = new StreamWindow<>(out, window, StreamWindow.NO_EVENTS);
    this.infer = infer;
  }

  /** Must run inside the service method, before it returns. */
  void start() {
    stream.start();
  }

  @Override
  public void onNext(ModelInferRequest request) {
    if (!stream.admit()) {
      return;
    }
    // every item gets exactly one entry (result or error_message), which returns its window credit
    stream.track(
        infer.apply(
            request,
            new Answer.Delivery<>() {
              @Override
              public void result(ModelInferResponse response) {
                stream.answer(
                    ModelStreamInferResponse.newBuilder().setInferResponse(response).build());
              }

              @Override
              public void failure(Throwable failure) {
                stream.answer(error(request, failure));
              }
            }));
  }

  @Override
  public void onError(Throwable t) {
    stream.cancelled();
  }

  @Override
  public void onCompleted() {
    stream.halfClosed();
  }

  /** The error form: "CODE: description", with the request's id and model for correlation. */
  static ModelStreamInferResponse error(ModelInferRequest request, Throwable failure) {
    Status s = Statuses.toStatus(failure);
    String message =
        s.getCode().name() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    return ModelStreamInferResponse.newBuilder()
        .setErrorMessage(message)
        .setInferResponse(
            ModelInferResponse.newBuilder()
                .setId(request.getId())
                .setModelName(request.getModelName())
                .setModelVersion(request.getModelVersion()))
        .build();
  }
}
