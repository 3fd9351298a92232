package dev.classifier.server.kserve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.inference.GRPCInferenceServiceGrpc;
import dev.classifier.proto.inference.ModelMetadataRequest;
import dev.classifier.proto.inference.ModelReadyRequest;
import dev.classifier.proto.inference.ServerLiveRequest;
import dev.classifier.proto.inference.ServerReadyRequest;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.health.ServingHealth;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Open Inference Protocol readiness over real gRPC through the server's life: live but not ready
 * (and no model ready) while models load, ready after warm-up; neither once shutdown begins.
 */
class ReadinessLifecycleTest {
  @Test
  void liveFirstReadyAfterLoadingNeitherWhenDraining() throws Exception {
    ClassifierServer server =
        new ClassifierServer(
            ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1))));
    server.listen();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      var stub =
          GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      ModelReadyRequest model = ModelReadyRequest.newBuilder().setName("fashion-mnist").build();
      assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
      assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
      assertThat(stub.modelReady(model).getReady()).isFalse();
      assertThatThrownBy(
              () ->
                  stub.modelMetadata(
                      ModelMetadataRequest.newBuilder().setName("fashion-mnist").build()))
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .isEqualTo(Status.Code.UNIMPLEMENTED));

      server.loadModels();
      assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
      assertThat(stub.modelReady(model).getReady()).isTrue();
      assertThat(
              stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("fashion-mnist").build())
                  .getName())
          .isEqualTo("fashion-mnist");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void servingHealthReportsReadinessUntilDraining() {
    ServingHealth health = new ServingHealth();
    assertThat(health.isLive()).isTrue();
    assertThat(health.isReady()).isFalse();
    health.ready();
    assertThat(health.isReady()).isTrue();
    health.draining();
    assertThat(health.isReady()).isFalse();
    assertThat(health.isLive()).isFalse();
  }
}
