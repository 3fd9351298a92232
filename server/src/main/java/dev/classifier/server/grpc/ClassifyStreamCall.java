package dev.classifier.server.grpc;

import dev.classifier.batching.SubmitOptions;
import dev.classifier.batching.Ticker;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
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
 * <p>The server asks the transport for {@code window} requests up front and for one more each time a
 * response has actually been written, so the items this call holds (queued, running, or answered
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
  private final ModelRegistry registry;
  private final int window;
  private final Ticker ticker;
  private final ImageDecoding decoding;
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
      ModelRegistry registry,
      int window,
      Ticker ticker,
      ImageDecoding decoding,
      ClassifierService.StreamStats stats) {
    this.out = out;
    this.registry = registry;
    this.window = window;
    this.ticker = ticker;
    this.decoding = decoding;
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

  @Override
  public void onNext(ClassifyStreamRequest request) {
    stats.itemsReceived.increment();
    int held;
    synchronized (lock) {
      if (finished) {
        return;
      }
      held = ++outstanding;
    }
    if (held > stats.peakOutstanding.get()) { // a CAS only when a new peak is likely
      stats.peakOutstanding.accumulateAndGet(held, Math::max);
    }
    String id = request.getRequestId();
    ServedModel model;
    int k;
    RequestInputs inputs = new RequestInputs();
    try {
      model = registry.resolve(request.getModel());
      k = RequestReader.topK(request.hasTopK(), request.getTopK(), model.signature().numClasses());
      int priority = RequestReader.priority(request.getPriority(), model.policy().priorityLevels());
      if (!request.hasImage()) {
        throw new InvalidRequestException("image is not set");
      }
      SubmitOptions options =
          Admission.options(ticker, priority, model.signature().imageBytes());
      RequestReader.read("image", -1, request.getImage(), model, decoding, inputs);
      if (inputs.size() != 1) {
        inputs.cancel();
        throw new InvalidRequestException(
            "a stream item carries exactly one image, got " + inputs.size());
      }
      ServedModel resolved = model;
      // an item being decoded is outstanding (counted above) and cancellable like a queued one
      CompletableFuture<Handover.Outcome<InferenceResult>> pending;
      if (inputs.needsDecoding()) {
        pending =
            Chain.then(
                inputs.whenDecoded(),
                in ->
                    Handover.submit(
                        registry, resolved, mm -> mm.batcher().submit(in.get(0), options)));
      } else {
        InferenceInput in = inputs.ready().get(0);
        pending = Handover.submit(registry, resolved, mm -> mm.batcher().submit(in, options));
      }
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
      int topK = k;
      pending.whenComplete(
          (outcome, failure) -> {
            synchronized (lock) {
              inFlight.remove(pending);
            }
            if (failure != null) {
              answer(error(id, failure));
            } else {
              ServedModel ran = outcome.model();
              answer(
                  ClassifyStreamResponse.newBuilder()
                      .setRequestId(id)
                      .setModel(ran.name())
                      .setModelVersion(ran.version())
                      .setResult(Predictions.classification(outcome.value(), topK, ran))
                      .build());
            }
          });
    } catch (RuntimeException e) {
      answer(error(id, e));
    }
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
      while (!ready.isEmpty() && out.isReady()) {
        out.onNext(ready.poll());
        written++;
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

  private void cancelled() {
    List<CompletableFuture<?>> toCancel;
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      stats.streamsOpen.decrement();
      toCancel = new ArrayList<>(inFlight);
      inFlight.clear();
      ready.clear();
    }
    int cancelled = 0;
    for (CompletableFuture<?> f : toCancel) {
      if (f.cancel(false)) {
        cancelled++;
      }
    }
    stats.itemsCancelled.add(cancelled);
  }
}
