package dev.classifier.server.grpc;

import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.core.InferenceRequest;
import dev.classifier.server.core.InvalidRequestException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One ClassifyStream call: each item is translated, submitted and answered with exactly one entry
 * (a result or an {@code ItemError} carrying its request id), under the flow control of a {@link
 * StreamWindow} (a fixed window of outstanding items; half-close answers everything in flight;
 * cancellation drops queued items).
 *
 * <p>A message that does not parse ends the whole call INVALID_ARGUMENT: the stream's framing can
 * no longer be trusted to carry the client's intent.
 */
final class ClassifyStreamCall implements StreamObserver<ClassifyStreamRequest> {
  private final StreamWindow<ClassifyStreamResponse> stream;
  private final InferenceCore core;
  private final ResponseRendering rendering;
  private final ClassifierService.StreamStats stats;

  ClassifyStreamCall(
      ServerCallStreamObserver<ClassifyStreamResponse> out,
      InferenceCore core,
      ResponseRendering rendering,
      int window,
      ClassifierService.StreamStats stats) {
    this.stream = new StreamWindow<>(out, window, stats);
    this.core = core;
    this.rendering = rendering;
    this.stats = stats;
  }

  /** Must run inside the service method, before it returns. */
  void start() {
    stream.start();
  }

  @Override
  public void onNext(ClassifyStreamRequest request) {
    if (LenientRequests.isMalformed(request)) {
      stream.fail(
          Statuses.toException(new InvalidRequestException(LenientRequests.description(request))));
      return;
    }
    stats.itemsReceived.increment();
    if (!stream.admit()) {
      return;
    }
    String id = request.getRequestId();
    // every item gets exactly one entry (result or ItemError), which returns its window credit
    Answer<ClassifyStreamResponse> answer =
        Answer.of(
            outcome -> rendering.item(id, outcome),
            new Answer.Delivery<>() {
              @Override
              public void result(ClassifyStreamResponse response) {
                stream.answer(response);
              }

              @Override
              public void failure(Throwable failure) {
                stream.answer(error(id, failure));
              }
            });
    InferenceRequest item;
    try {
      item = GrpcRequests.item(request, Admission.deadlineNanos(core.ticker()), core.ticker());
    } catch (Throwable t) {
      answer.onFailure(t);
      return;
    }
    stream.track(core.submit(item, answer));
  }

  @Override
  public void onError(Throwable t) {
    stream.cancelled();
  }

  @Override
  public void onCompleted() {
    stream.halfClosed();
  }

  private static ClassifyStreamResponse error(String id, Throwable failure) {
    return ClassifyStreamResponse.newBuilder()
        .setRequestId(id)
        .setError(Statuses.toItemError(failure))
        .build();
  }
}
