package dev.classifier.server.kserve;

import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.grpc.Statuses;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One ModelStreamInfer call, with the same flow control as classifier.v1's ClassifyStream: the
 * server asks the transport for {@code window} requests up front and one more each time a response
 * has been written, so the items held (queued, running, or answered but unread) never exceed the
 * window. Writes happen under one lock, only while the transport is ready, resumed from the
 * on-ready handler. A bad item is answered with {@code error_message} ("CODE: description") and its
 * id, and the stream goes on. Half-close: everything in flight is answered, then the call
 * completes; cancellation cancels queued items.
 */
final class StreamInferCall implements StreamObserver<ModelInferRequest> {
  private final ServerCallStreamObserver<ModelStreamInferResponse> out;
  private final BiFunction<
          ModelInferRequest, Answer.Delivery<ModelInferResponse>, CompletableFuture<?>>
      infer;
  private final int window;

  private final Object lock = new Object();
  private final ArrayDeque<ModelStreamInferResponse> ready = new ArrayDeque<>();

  /** Items queued (identity set: futures do not override equals). */
  private final Set<CompletableFuture<?>> inFlight = new HashSet<>();

  private int outstanding;
  private boolean halfClosed;
  private boolean finished;

  StreamInferCall(
      ServerCallStreamObserver<ModelStreamInferResponse> out,
      BiFunction<ModelInferRequest, Answer.Delivery<ModelInferResponse>, CompletableFuture<?>>
          infer,
      int window) {
    this.out = out;
    this.infer = infer;
    this.window = window;
  }

  /** Must run inside the service method, before it returns. */
  void start() {
    out.disableAutoRequest();
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::cancelled);
    out.request(window);
  }

  // inFlight holds futures by identity (CompletableFuture keeps Object's equals), as meant
  @SuppressWarnings("CollectionUndefinedEquality")
  @Override
  public void onNext(ModelInferRequest request) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      outstanding++;
    }
    // every item gets exactly one entry (result or error_message), which returns its window credit
    CompletableFuture<?> pending =
        infer.apply(
            request,
            new Answer.Delivery<>() {
              @Override
              public void result(ModelInferResponse response) {
                answer(ModelStreamInferResponse.newBuilder().setInferResponse(response).build());
              }

              @Override
              public void failure(Throwable failure) {
                answer(error(request, failure));
              }
            });
    boolean cancelNow = false;
    synchronized (lock) {
      if (finished) {
        cancelNow = true; // the stream was cancelled while this item was being read
      } else if (!pending.isDone()) {
        inFlight.add(pending);
      }
    }
    if (cancelNow) {
      pending.cancel(false);
    }
    var unused =
        pending.whenComplete(
            (r, t) -> {
              synchronized (lock) {
                inFlight.remove(pending);
              }
            });
  }

  @Override
  public void onError(Throwable t) {
    cancelled();
  }

  @Override
  public void onCompleted() {
    synchronized (lock) {
      halfClosed = true;
    }
    drain();
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

  private void answer(ModelStreamInferResponse response) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      ready.add(response);
    }
    drain();
  }

  /** Writes what the transport can take now; completes the call once half-closed and empty. */
  private void drain() {
    synchronized (lock) {
      if (finished) {
        return;
      }
      int written = 0;
      while (!ready.isEmpty() && out.isReady()) {
        out.onNext(ready.poll());
        written++;
      }
      outstanding -= written;
      if (halfClosed && outstanding == 0) {
        finished = true;
        out.onCompleted();
        return;
      }
      if (written > 0 && !halfClosed) {
        out.request(written);
      }
    }
  }

  private void cancelled() {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      toCancel = new ArrayList<>(inFlight);
      inFlight.clear();
      ready.clear();
    }
    for (CompletableFuture<?> f : toCancel) {
      f.cancel(false);
    }
  }
}
