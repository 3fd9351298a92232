package dev.classifier.server.kserve;

import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelReadyRequest;
import dev.classifier.proto.inference.ModelReadyResponse;
import dev.classifier.proto.inference.ServerLiveRequest;
import dev.classifier.proto.inference.ServerLiveResponse;
import dev.classifier.proto.inference.ServerReadyRequest;
import dev.classifier.proto.inference.ServerReadyResponse;
import io.grpc.stub.StreamObserver;

/**
 * What the Open Inference Protocol answers while the server listens but its models are still
 * loading: live, not ready, no model ready (so Triton's and KServe's clients can poll readiness
 * from the start); every other method is UNIMPLEMENTED until {@link InferenceService} replaces this
 * service.
 */
public final class StartingInferenceService
    extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private final InferenceService.Readiness readiness;

  public StartingInferenceService(InferenceService.Readiness readiness) {
    this.readiness = readiness;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
    responses.onNext(ServerLiveResponse.newBuilder().setLive(readiness.live()).build());
    responses.onCompleted();
  }

  @Override
  public void serverReady(
      ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
    responses.onNext(ServerReadyResponse.newBuilder().setReady(false).build());
    responses.onCompleted();
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
    responses.onNext(ModelReadyResponse.newBuilder().setReady(false).build());
    responses.onCompleted();
  }
}
