package dev.classifier.server.grpc;

import dev.classifier.batching.Ticker;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ClassifyStreamRequest;
import dev.classifier.proto.v1.ClassifyStreamResponse;
import dev.classifier.proto.v1.GetModelInfoRequest;
import dev.classifier.proto.v1.ListModelsRequest;
import dev.classifier.proto.v1.ListModelsResponse;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.server.core.Answer;
import dev.classifier.server.core.ImageDecoding;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.core.InferenceRequest;
import dev.classifier.server.core.InvalidRequestException;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The classifier.v1 service: a thin translator over {@link InferenceCore}. Each call becomes an
 * {@link InferenceRequest}; the core validates, decodes and enqueues it and answers exactly once
 * through an {@link Answer} whose rendering ({@link ResponseRendering}) and writing run inside the
 * guard, so nothing that throws leaves a call unanswered. Handlers never block, so the server runs
 * them directly on its transport threads; answers are written on the thread that completes them.
 *
 * <p>{@link #close} shuts down the core's decode stage.
 */
public final class ClassifierService extends ClassifierGrpc.ClassifierImplBase
    implements AutoCloseable {
  private final InferenceCore core;
  private final ModelRegistry registry;
  private final int streamWindow;
  private final ResponseRendering rendering;
  private final StreamStats streamStats = new StreamStats();

  /**
   * @param registry the served models
   * @param streamWindow images a stream may have received but not yet answered
   */
  public ClassifierService(ModelRegistry registry, int streamWindow) {
    this(registry, streamWindow, ImageDecoding.withDefaultPool());
  }

  /**
   * @param registry the served models
   * @param streamWindow images a stream may have received but not yet answered
   * @param decoding the decode stage for encoded images (closed by {@link #close})
   */
  public ClassifierService(ModelRegistry registry, int streamWindow, ImageDecoding decoding) {
    this(new InferenceCore(registry, decoding, Ticker.system(), Duration.ZERO), streamWindow);
  }

  /**
   * @param core the admission path (its decode stage is closed by {@link #close})
   * @param streamWindow images a stream may have received but not yet answered
   */
  public ClassifierService(InferenceCore core, int streamWindow) {
    this(core, streamWindow, new ResponseRendering());
  }

  ClassifierService(InferenceCore core, int streamWindow, ResponseRendering rendering) {
    this.core = Objects.requireNonNull(core, "core");
    this.registry = core.registry();
    this.streamWindow = streamWindow;
    this.rendering = rendering;
  }

  /** The protocol-neutral admission path this service translates to. */
  public InferenceCore core() {
    return core;
  }

  /** The decode stage for encoded images. */
  public ImageDecoding decoding() {
    return core.decoding();
  }

  /**
   * Stops the decode stage's own pool (queued decodes are dropped); call after the server stops.
   */
  @Override
  public void close() {
    core.decoding().close();
  }

  /** Counters of streaming calls (open streams, items cancelled with their stream, ...). */
  public StreamStats streamStats() {
    return streamStats;
  }

  @Override
  public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> responses) {
    ServerCallStreamObserver<ClassifyResponse> call =
        (ServerCallStreamObserver<ClassifyResponse>) responses;
    Answer<ClassifyResponse> answer =
        Answer.of(
            rendering::unary,
            new Answer.Delivery<>() {
              @Override
              public void result(ClassifyResponse response) {
                if (!call.isCancelled()) {
                  responses.onNext(response);
                  responses.onCompleted();
                }
              }

              @Override
              public void failure(Throwable failure) {
                if (!call.isCancelled()) {
                  responses.onError(Statuses.toException(failure));
                }
              }
            });
    if (LenientRequests.isMalformed(request)) {
      answer.onFailure(new InvalidRequestException(LenientRequests.description(request)));
      return;
    }
    InferenceRequest translated;
    try {
      translated = GrpcRequests.unary(request, Admission.deadlineNanos(core.ticker()));
    } catch (Throwable t) {
      answer.onFailure(t);
      return;
    }
    CompletableFuture<?> pending = core.submit(translated, answer);
    if (!pending.isDone()) {
      call.setOnCancelHandler(() -> pending.cancel(false));
    }
  }

  @Override
  public StreamObserver<ClassifyStreamRequest> classifyStream(
      StreamObserver<ClassifyStreamResponse> responses) {
    ClassifyStreamCall call =
        new ClassifyStreamCall(
            (ServerCallStreamObserver<ClassifyStreamResponse>) responses,
            core,
            rendering,
            streamWindow,
            streamStats);
    call.start();
    return call;
  }

  @Override
  public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
    try {
      if (LenientRequests.isMalformed(request)) {
        throw new InvalidRequestException(LenientRequests.description(request));
      }
      ServedModel m = registry.resolve(request.getModel());
      responses.onNext(ModelInfos.describe(m, m.name().equals(registry.defaultName())));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(Statuses.toException(e));
    }
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
    if (LenientRequests.isMalformed(request)) {
      responses.onError(
          Statuses.toException(new InvalidRequestException(LenientRequests.description(request))));
      return;
    }
    ListModelsResponse.Builder b =
        ListModelsResponse.newBuilder().setDefaultModel(registry.defaultName());
    for (ServedModel m : registry.all()) {
      b.addModels(ModelInfos.describe(m, m.name().equals(registry.defaultName())));
    }
    responses.onNext(b.build());
    responses.onCompleted();
  }

  /** Streaming counters, shared by all streams of this service. */
  public static final class StreamStats implements StreamWindow.Events {
    final LongAdder streamsOpened = new LongAdder();
    final LongAdder streamsOpen = new LongAdder();
    final LongAdder itemsReceived = new LongAdder();
    final LongAdder itemsAnswered = new LongAdder();
    final LongAdder itemsCancelled = new LongAdder();
    final AtomicLong peakOutstanding = new AtomicLong();

    @Override
    public void opened() {
      streamsOpened.increment();
      streamsOpen.increment();
    }

    @Override
    public void admitted(int held) {
      if (held > peakOutstanding.get()) { // a CAS only when a new peak is likely
        peakOutstanding.accumulateAndGet(held, Math::max);
      }
    }

    @Override
    public void answered(int n) {
      itemsAnswered.add(n);
    }

    @Override
    public void cancelled(int n) {
      itemsCancelled.add(n);
    }

    @Override
    public void closed() {
      streamsOpen.decrement();
    }

    public long streamsOpened() {
      return streamsOpened.sum();
    }

    public long streamsOpen() {
      return streamsOpen.sum();
    }

    public long itemsReceived() {
      return itemsReceived.sum();
    }

    public long itemsAnswered() {
      return itemsAnswered.sum();
    }

    /**
     * The most items any one stream has held at once (received and not yet written out): never
     * above the stream window, however slowly the client reads.
     */
    public long peakOutstanding() {
      return peakOutstanding.get();
    }

    /** Items dropped because their stream was cancelled before they were answered. */
    public long itemsCancelled() {
      return itemsCancelled.sum();
    }
  }
}
