package dev.classifier.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.health.ServingHealth;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The health service over real gRPC through the server's life: NOT_SERVING (but live) before the
 * models are warmed up, SERVING after, NOT_SERVING as soon as shutdown begins; reflection lists the
 * services.
 */
class HealthAndReflectionTest {
  private static final List<String> READINESS =
      List.of(
          ServingHealth.OVERALL,
          ServingHealth.READINESS,
          ServingHealth.CLASSIFIER_SERVICE,
          "probs");

  @Test
  void healthFollowsWarmUpAndDrainAndReflectionListsTheServices() throws Exception {
    ModelConfig probs =
        TestModels.fixtureModel("probabilities.onnx", BatchPolicy.builder().build(), 1)
            .withName("probs");
    ClassifierServer server =
        new ClassifierServer(
            ServerConfig.of(0, List.of(probs)).toBuilder()
                .shutdownGrace(Duration.ofSeconds(5))
                .build());
    server.listen();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      for (String name : READINESS) {
        assertThat(check(health, name))
            .as("'%s' before warm-up", name)
            .isEqualTo(ServingStatus.NOT_SERVING);
      }
      assertThat(check(health, ServingHealth.LIVENESS)).isEqualTo(ServingStatus.SERVING);

      server.loadModels();
      for (String name : READINESS) {
        assertThat(check(health, name))
            .as("'%s' after warm-up", name)
            .isEqualTo(ServingStatus.SERVING);
      }
      assertThat(reflectedServices(channel))
          .contains("classifier.v1.Classifier", "grpc.health.v1.Health")
          .doesNotContain("classifier.v1.Admin"); // served on the admin listener only

      BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(channel)
          .watch(
              HealthCheckRequest.newBuilder().setService(ServingHealth.READINESS).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(HealthCheckResponse value) {
                  watched.add(value.getStatus());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
      assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(
              () -> {
                try {
                  server.stop(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      channel.shutdownNow();
      stopping.get(20, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop(Duration.ZERO);
    }
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String service) {
    return health
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static List<String> reflectedServices(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    names.complete(
                        r.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    List<String> result = names.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return result;
  }
}
