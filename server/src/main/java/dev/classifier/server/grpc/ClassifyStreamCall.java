package dev.classifier.server.grpc;

import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.core.InferenceRequest;
import dev.classifier.server.core.InvalidRequestException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One ClassifyStream call: manual flow control with a fixed window of outstanding items.
 *
 * <p>The server asks the transport for {@code window} requests up front and for one more each time
 * a response has actually been written, so the items this call holds (queued, running, or answered
 * but waiting for the client to read) never exceed the window, however fast the client sends or
 * however slowly it reads. Responses are written only while the transport is ready and resumed from
 * the on-ready handler; all writes happen under one lock, because a {@code StreamObserver} is not
 * thread-safe and answers complete on several worker threads.
 *
 * <p>Half-close: everything in flight is answered, then the call completes. Cancellation (client
 * cancel, deadline, or transport error): queued items are cancelled, so they cost no compute.
 */
final class ClassifyStreamCall implements StreamObserver<ClassifyStreamRequest> {
  private final ServerCallStreamObserver<ClassifyStreamResponse> out;
  private final InferenceCore core;
  private final ResponseRendering rendering;
  private final int window;
  private final ClassifierService.StreamStats stats;

  private final Object lock = new Object();
  private final ArrayDeque<ClassifyStreamResponse> ready = new ArrayDeque<>();

  /** Items queued or decoding (identity set: futures do not override equals). */
  private final Set<CompletableFuture<?>> inFlight = new HashSet<>();

  private int outstanding;
  private boolean halfClosed;
  private boolean finished;

  ClassifyStreamCall(
      ServerCallStreamObserver<ClassifyStreamResponse> out,
      InferenceCore core,
      ResponseRendering rendering,
      int window,
      ClassifierService.StreamStats stats) {
    this.out = out;
    this.core = core;
    this.rendering = rendering;
    this.window = window;
    this.stats = stats;
  }

  /** Must run inside the service method, before it returns. */
  void start() {
    out.disableAutoRequest();
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::cancelled);
    stats.streamsOpened.increment();
    stats.streamsOpen.increment();
    out.request(window);
  }

  // inFlight holds futures by identity (CompletableFuture keeps Object's equals), as meant
  @SuppressWarnings("CollectionUndefinedEquality")
  @Override
  public void onNext(ClassifyStreamRequest request) {
    if (LenientRequests.isMalformed(request)) {
      malformed(request);
      return;
    }
    stats.itemsReceived.increment();
    int held;
    synchronized (lock) {
      if (finished) {
        stats.itemsCancelled.increment(); // arrived after the stream ended: never answered
        return;
      }
      held = ++outstanding;
    }
    if (held > stats.peakOutstanding.get()) { // a CAS only when a new peak is likely
      stats.peakOutstanding.accumulateAndGet(held, Math::max);
    }
    String id = request.getRequestId();
    // every item gets exactly one entry (result or ItemError), which returns its window credit
    Answer<ClassifyStreamResponse> answer =
        Answer.of(
            outcome -> rendering.item(id, outcome),
            new Answer.Delivery<>() {
              @Override
              public void result(ClassifyStreamResponse response) {
                answer(response);
              }

              @Override
              public void failure(Throwable failure) {
                answer(error(id, failure));
              }
            });
    InferenceRequest item;
    try {
      item = GrpcRequests.item(request, Admission.deadlineNanos(core.ticker()), core.ticker());
    } catch (Throwable t) {
      answer.onFailure(t);
      return;
    }
    CompletableFuture<?> pending = core.submit(item, answer);
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

  private static ClassifyStreamResponse error(String id, Throwable failure) {
    return ClassifyStreamResponse.newBuilder()
        .setRequestId(id)
        .setError(Statuses.toItemError(failure))
        .build();
  }

  private void answer(ClassifyStreamResponse response) {
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
      try {
        while (!ready.isEmpty() && out.isReady()) {
          out.onNext(ready.poll());
          written++;
        }
      } catch (Throwable t) { // the transport refused a write: end the stream, release its items
        broken(t);
        return;
      }
      outstanding -= written;
      stats.itemsAnswered.add(written);
      if (halfClosed && outstanding == 0) {
        finished = true;
        stats.streamsOpen.decrement();
        out.onCompleted();
        return;
      }
      if (written > 0 && !halfClosed) {
        out.request(written);
      }
    }
  }

  /**
   * A message that did not parse: the stream's framing can no longer be trusted to carry the
   * client's intent, so the call ends INVALID_ARGUMENT and its held items are released.
   */
  private void malformed(ClassifyStreamRequest marker) {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      toCancel = releaseLocked();
      try {
        out.onError(
            Statuses.toException(new InvalidRequestException(LenientRequests.description(marker))));
      } catch (Throwable ignored) {
        // the call is already closed
      }
    }
    for (CompletableFuture<?> f : toCancel) {
      f.cancel(false);
    }
  }

  /** Under the lock: the stream cannot be written any more; end it INTERNAL, once. */
  private void broken(Throwable t) {
    try {
      out.onError(
          Statuses.toException(
              new dev.classifier.server.core.InternalFailure("writing a stream answer failed", t)));
    } catch (Throwable ignored) {
      // the call is already closed
    }
    for (CompletableFuture<?> f : releaseLocked()) {
      f.cancel(false); // reentrant: their callbacks find the stream finished
    }
  }

  private void cancelled() {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      toCancel = releaseLocked();
    }
    for (CompletableFuture<?> f : toCancel) {
      f.cancel(false);
    }
  }

  /**
   * Under the lock: ends the stream's bookkeeping once. Every item held (queued, decoding, or
   * answered but not yet written) counts as cancelled, so the in-flight gauge returns to zero
   * however the stream ended; returns the futures to cancel outside the lock.
   */
  private List<CompletableFuture<?>> releaseLocked() {
    finished = true;
    stats.streamsOpen.decrement();
    stats.itemsCancelled.add(outstanding);
    outstanding = 0;
    List<CompletableFuture<?>> toCancel = new ArrayList<>(inFlight);
    inFlight.clear();
    ready.clear();
    return toCancel;
  }
}
