package dev.classifier.server.grpc;

import dev.classifier.batching.SubmitOptions;
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
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.engine.InferenceResult;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The classifier.v1 service. Handlers validate, enqueue and return; they never block, so the
 * server can run them directly on its transport threads. Answers are written when the batcher
 * completes each request, on the worker thread that ran its batch.
 *
 * <p>Encoded images ({@code ImageInput.encoded}) are decoded and preprocessed on the bounded
 * {@link ImageDecoding} stage, then submitted to the batcher; {@link #close} shuts down a decode
 * pool the service created itself.
 */
public final class ClassifierService extends ClassifierGrpc.ClassifierImplBase
    implements AutoCloseable {
  private final ModelRegistry registry;
  private final int streamWindow;
  private final Ticker ticker;
  private final ImageDecoding decoding;
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
    this.registry = registry;
    this.streamWindow = streamWindow;
    this.ticker = Ticker.system();
    this.decoding = Objects.requireNonNull(decoding, "decoding");
  }

  /** The decode stage for encoded images. */
  public ImageDecoding decoding() {
    return decoding;
  }

  /** Stops the decode stage's own pool (queued decodes are dropped); call after the server stops. */
  @Override
  public void close() {
    decoding.close();
  }

  /** Counters of streaming calls (open streams, items cancelled with their stream, ...). */
  public StreamStats streamStats() {
    return streamStats;
  }

  @Override
  public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> responses) {
    ServerCallStreamObserver<ClassifyResponse> call =
        (ServerCallStreamObserver<ClassifyResponse>) responses;
    ServedModel model;
    RequestInputs inputs = new RequestInputs();
    int k;
    SubmitOptions options;
    try {
      model = registry.resolve(request.getModel());
      if (request.getImagesCount() == 0) {
        throw new InvalidRequestException("images is empty; send at least one image");
      }
      k =
          RequestReader.topK(
              request.hasTopK(), request.getTopK(), model.signature().numClasses());
      int priority = RequestReader.priority(request.getPriority(), model.policy().priorityLevels());
      options = Admission.options(ticker, priority, model.signature().imageBytes());
      for (int i = 0; i < request.getImagesCount(); i++) {
        RequestReader.read("images", i, request.getImages(i), model, decoding, inputs);
      }
    } catch (RuntimeException e) {
      inputs.cancel();
      responses.onError(Statuses.toException(e));
      return;
    }
    SubmitOptions o = options;
    CompletableFuture<Handover.Outcome<List<InferenceResult>>> pending;
    if (inputs.needsDecoding()) {
      pending =
          Chain.then(
              inputs.whenDecoded(),
              decoded ->
                  Handover.submit(registry, model, mm -> mm.batcher().submitAll(decoded, o)));
    } else {
      List<InferenceInput> ready = inputs.ready();
      pending = Handover.submit(registry, model, mm -> mm.batcher().submitAll(ready, o));
    }
    call.setOnCancelHandler(() -> pending.cancel(false));
    pending.whenComplete(
        (outcome, failure) -> {
          if (call.isCancelled()) {
            return;
          }
          if (failure != null) {
            responses.onError(Statuses.toException(failure));
            return;
          }
          ServedModel ran = outcome.model();
          ClassifyResponse.Builder b =
              ClassifyResponse.newBuilder().setModel(ran.name()).setModelVersion(ran.version());
          for (InferenceResult r : outcome.value()) {
            b.addResults(Predictions.classification(r, k, ran));
          }
          responses.onNext(b.build());
          responses.onCompleted();
        });
  }

  @Override
  public StreamObserver<ClassifyStreamRequest> classifyStream(
      StreamObserver<ClassifyStreamResponse> responses) {
    ClassifyStreamCall call =
        new ClassifyStreamCall(
            (ServerCallStreamObserver<ClassifyStreamResponse>) responses,
            registry,
            streamWindow,
            ticker,
            decoding,
            streamStats);
    call.start();
    return call;
  }

  @Override
  public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
    try {
      ServedModel m = registry.resolve(request.getModel());
      responses.onNext(ModelInfos.describe(m, m.name().equals(registry.defaultName())));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(Statuses.toException(e));
    }
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
    ListModelsResponse.Builder b =
        ListModelsResponse.newBuilder().setDefaultModel(registry.defaultName());
    for (ServedModel m : registry.all()) {
      b.addModels(ModelInfos.describe(m, m.name().equals(registry.defaultName())));
    }
    responses.onNext(b.build());
    responses.onCompleted();
  }

  /** Streaming counters, shared by all streams of this service. */
  public static final class StreamStats {
    final LongAdder streamsOpened = new LongAdder();
    final LongAdder streamsOpen = new LongAdder();
    final LongAdder itemsReceived = new LongAdder();
    final LongAdder itemsAnswered = new LongAdder();
    final LongAdder itemsCancelled = new LongAdder();
    final AtomicLong peakOutstanding = new AtomicLong();

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
