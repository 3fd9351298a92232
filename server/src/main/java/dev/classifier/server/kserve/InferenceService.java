package dev.classifier.server.kserve;

import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelConfigRequest;
import dev.classifier.proto.inference.ModelConfigResponse;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferResponse;
import dev.classifier.proto.inference.ModelMetadataRequest;
import dev.classifier.proto.inference.ModelMetadataResponse;
import dev.classifier.proto.inference.ModelReadyRequest;
import dev.classifier.proto.inference.ModelReadyResponse;
import dev.classifier.proto.inference.ModelStatisticsRequest;
import dev.classifier.proto.inference.ModelStatisticsResponse;
import dev.classifier.proto.inference.ModelStreamInferResponse;
import dev.classifier.proto.inference.ServerLiveRequest;
import dev.classifier.proto.inference.ServerLiveResponse;
import dev.classifier.proto.inference.ServerMetadataRequest;
import dev.classifier.proto.inference.ServerMetadataResponse;
import dev.classifier.proto.inference.ServerReadyRequest;
import dev.classifier.proto.inference.ServerReadyResponse;
import dev.classifier.server.core.Answer;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.core.InvalidRequestException;
import dev.classifier.server.grpc.Admission;
import dev.classifier.server.grpc.LenientRequests;
import dev.classifier.server.grpc.Statuses;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol's {@code inference.GRPCInferenceService}, on the same server and port
 * as classifier.v1: a translator over the same {@link InferenceCore} (one admission path,
 * exactly-once answers, shared status mapping). Handlers translate, submit and return without
 * blocking; answers are written when the batcher completes each request.
 */
public final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  /** The server name ServerMetadata reports. */
  public static final String SERVER_NAME = "classifier";

  /** Protocol extensions this server implements (ServerMetadata.extensions). */
  public static final List<String> EXTENSIONS =
      List.of("classification", "model_configuration", "statistics", "schedule_policy");

  private final ModelRegistry registry;
  private final InferenceCore core;
  private final Readiness readiness;
  private final InferenceStatistics statistics;
  private final int streamWindow;
  private final String version;

  /** Whether the server is live and ready (ServerLive, ServerReady, ModelReady). */
  public interface Readiness {
    boolean live();

    boolean ready();

    static Readiness of(BooleanSupplier live, BooleanSupplier ready) {
      return new Readiness() {
        @Override
        public boolean live() {
          return live.getAsBoolean();
        }

        @Override
        public boolean ready() {
          return ready.getAsBoolean();
        }
      };
    }
  }

  /**
   * @param core the admission path shared with classifier.v1
   * @param readiness server liveness and readiness
   * @param statistics per-model statistics (ModelStatistics)
   * @param streamWindow items a ModelStreamInfer stream may have received but not yet answered
   */
  public InferenceService(
      InferenceCore core, Readiness readiness, InferenceStatistics statistics, int streamWindow) {
    this.core = Objects.requireNonNull(core, "core");
    this.registry = core.registry();
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    this.statistics = Objects.requireNonNull(statistics, "statistics");
    if (streamWindow < 1) {
      throw new IllegalArgumentException("streamWindow must be >= 1, got " + streamWindow);
    }
    this.streamWindow = streamWindow;
    String v = InferenceService.class.getPackage().getImplementationVersion();
    this.version = v == null ? "dev" : v;
  }

  /**
   * The model a request message names (for per-model interceptors such as authorisation), or null
   * for a message that names none (server-wide calls; ModelStatistics with an empty name means
   * every model). An empty name in ModelInfer selects the default model, as in classifier.v1.
   */
  public static String requestedModel(Object message) {
    if (message instanceof ModelInferRequest r) {
      return r.getModelName();
    }
    if (message instanceof ModelMetadataRequest r) {
      return r.getName();
    }
    if (message instanceof ModelReadyRequest r) {
      return r.getName();
    }
    if (message instanceof ModelConfigRequest r) {
      return r.getName();
    }
    if (message instanceof ModelStatisticsRequest r) {
      return r.getName().isEmpty() ? null : r.getName();
    }
    return null;
  }

  /**
   * A valid ModelInferRequest of one all-zero image for {@code model} (raw contents, the
   * probability output): what a warm-up driver sends through this protocol's real path.
   */
  public static ModelInferRequest syntheticRequest(ServedModel model) {
    var s = model.signature();
    var input =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName(s.inputName())
            .setDatatype(Datatypes.name(s.inputType()))
            .addShape(1);
    for (long d : s.imageShape()) {
      input.addShape(d);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model.name())
        .setId("warmup")
        .addInputs(input)
        .addRawInputContents(
            com.google.protobuf.ByteString.copyFrom(new byte[(int) s.imageBytes()]))
        .build();
  }

  /** Rejects the marker of a request that did not parse (see {@link LenientRequests}). */
  private static void wellFormed(Object request) {
    if (LenientRequests.isMalformed(request)) {
      throw new InvalidRequestException(LenientRequests.description(request));
    }
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
    responses.onNext(ServerLiveResponse.newBuilder().setLive(readiness.live()).build());
    responses.onCompleted();
  }

  @Override
  public void serverReady(
      ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
    responses.onNext(ServerReadyResponse.newBuilder().setReady(readiness.ready()).build());
    responses.onCompleted();
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
    boolean ready;
    try {
      wellFormed(request);
    } catch (InvalidRequestException e) {
      responses.onError(Statuses.toException(e));
      return;
    }
    try {
      InferRequestReader.model(registry, request.getName(), request.getVersion());
      ready = readiness.ready();
    } catch (ModelNotFoundException e) {
      ready = false;
    }
    responses.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
    responses.onCompleted();
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
    responses.onNext(
        ServerMetadataResponse.newBuilder()
            .setName(SERVER_NAME)
            .setVersion(version)
            .addAllExtensions(EXTENSIONS)
            .build());
    responses.onCompleted();
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
    try {
      wellFormed(request);
      ServedModel m = InferRequestReader.model(registry, request.getName(), request.getVersion());
      responses.onNext(ModelDescriptions.metadata(m));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(Statuses.toException(e));
    }
  }

  @Override
  public void modelConfig(
      ModelConfigRequest request, StreamObserver<ModelConfigResponse> responses) {
    try {
      wellFormed(request);
      ServedModel m = InferRequestReader.model(registry, request.getName(), request.getVersion());
      responses.onNext(
          ModelConfigResponse.newBuilder().setConfig(ModelDescriptions.config(m)).build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(Statuses.toException(e));
    }
  }

  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> responses) {
    try {
      wellFormed(request);
      ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
      if (request.getName().isEmpty()) {
        for (ServedModel m : registry.all()) {
          b.addModelStats(statistics.of(m));
        }
      } else {
        ServedModel m = InferRequestReader.model(registry, request.getName(), request.getVersion());
        b.addModelStats(statistics.of(m));
      }
      responses.onNext(b.build());
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(Statuses.toException(e));
    }
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
    ServerCallStreamObserver<ModelInferResponse> call =
        (ServerCallStreamObserver<ModelInferResponse>) responses;
    CompletableFuture<?> pending =
        infer(
            request,
            new Answer.Delivery<>() {
              @Override
              public void result(ModelInferResponse response) {
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
    if (!pending.isDone()) {
      call.setOnCancelHandler(() -> pending.cancel(false));
    }
  }

  @Override
  public StreamObserver<ModelInferRequest> modelStreamInfer(
      StreamObserver<ModelStreamInferResponse> responses) {
    StreamInferCall call =
        new StreamInferCall(
            (ServerCallStreamObserver<ModelStreamInferResponse>) responses,
            this::infer,
            streamWindow);
    call.start();
    return call;
  }

  /**
   * Translates one request and submits it to the core, which answers exactly once through {@code
   * delivery} (at once when the request is rejected). The returned future is done once the request
   * is; cancelling it drops the queued work. Must run on the call's thread (its deadline applies).
   */
  CompletableFuture<?> infer(
      ModelInferRequest request, Answer.Delivery<ModelInferResponse> delivery) {
    InferPlan[] plan = new InferPlan[1];
    Answer<ModelInferResponse> answer =
        Answer.of(outcome -> InferResponses.render(plan[0], outcome), delivery);
    try {
      wellFormed(request);
      plan[0] =
          InferRequestReader.read(
              request, registry, Admission.deadlineNanos(core.ticker()), core.ticker().nanoTime());
    } catch (Throwable t) {
      answer.onFailure(t);
      return CompletableFuture.completedFuture(null);
    }
    return core.submit(plan[0].request(), answer);
  }
}
