package dev.classifier.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.config.WarmupConfig;
import dev.classifier.server.health.ServingHealth;
import dev.classifier.server.metrics.MetricNames;
import dev.classifier.server.model.ServedModel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Warm-up through the real server on an ephemeral port: readiness stays NOT_SERVING and client
 * inference calls are shed with RESOURCE_EXHAUSTED and a retry hint until warm-up is over, then
 * readiness turns SERVING, and none of the warm-up's hundreds of calls appear in client metrics.
 */
class ServerWarmupTest {

  @Test
  void healthTurnsServingOnlyAfterWarmUpAndMetricsShowNoClientRequests() throws Exception {
    WarmupConfig warmup =
        new WarmupConfig(
            true, 200, Duration.ZERO, Duration.ofSeconds(60), 20, 50, 4, Duration.ofMillis(250));
    MetricRegistry metrics = new MetricRegistry();
    ClassifierServer server =
        new ClassifierServer(
            ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
                .toBuilder()
                .shutdownGrace(Duration.ofSeconds(5))
                .warmup(warmup)
                .build(),
            metrics);
    server.listen();
    // a third warmer the test holds: warm-up cannot finish before the test releases it
    CompletableFuture<Void> release = new CompletableFuture<>();
    CountDownLatch holding = new CountDownLatch(1);
    AtomicLong heldSends = new AtomicLong();
    server
        .warmup()
        .addWarmer(
            ch ->
                new Warmer() {
                  @Override
                  public String name() {
                    return "held";
                  }

                  @Override
                  public CompletableFuture<?> send(ServedModel model) {
                    heldSends.incrementAndGet();
                    holding.countDown();
                    return release.thenApply(v -> null);
                  }

                  @Override
                  public void close() {}
                });
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    CompletableFuture<Void> loading =
        CompletableFuture.runAsync(
            () -> {
              try {
                server.loadModels();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();
      // the serving-path warm-up has begun: the loader's own model runs are over
      long imagesRunByLoader = server.registry().resolve("").engine().imagesRun();
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      assertThat(check(health, ServingHealth.READINESS)).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(check(health, ServingHealth.LIVENESS)).isEqualTo(ServingStatus.SERVING);

      ClassifierGrpc.ClassifierBlockingStub client = ClassifierGrpc.newBlockingStub(channel);
      ClassifyRequest request =
          ClassifyRequest.newBuilder()
              .addImages(SyntheticInputs.zeroImage(server.registry().resolve("")))
              .build();
      StatusRuntimeException shed = null;
      try {
        client.classify(request);
      } catch (StatusRuntimeException e) {
        shed = e;
      }
      assertThat(shed).as("a client call while warming up").isNotNull();
      assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(shed.getStatus().getDescription()).contains("warming up");
      assertThat(
              shed.getTrailers()
                  .get(Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER)))
          .isEqualTo("250");

      release.complete(null);
      loading.get(60, TimeUnit.SECONDS);
      assertThat(check(health, ServingHealth.READINESS)).isEqualTo(ServingStatus.SERVING);

      WarmupReport report = server.warmupReport();
      assertThat(report.models()).hasSize(1);
      assertThat(report.requests()).isGreaterThanOrEqualTo(200);
      assertThat(report.models().get(0).failures()).isZero();
      assertThat(server.describe())
          .contains("warm-up ")
          .contains("SERVING ")
          // TestModels configure 1 intra-op thread: the start-up line shows it, not a chosen count
          .contains("ONNX Runtime intra-op 1 thread (configured, ")
          .contains("spinning off)");

      // the synthetic calls went through the batcher (the whole path) ...
      assertThat(heldSends.get()).isPositive();
      // ... as dry runs: at least 200 requests batched and copied, none of them run by the model
      assertThat(server.registry().resolve("").engine().imagesRun()).isEqualTo(imagesRunByLoader);
      String model = server.registry().defaultName();
      // ... but client metrics hold only the one shed call
      assertThat(metrics.meter(MetricNames.model(model, "requests")).getCount()).isZero();
      assertThat(
              metrics
                  .counter(MetricNames.grpcRequests("classifier", "Classifier/Classify", "OK"))
                  .getCount())
          .isZero();
      assertThat(
              metrics
                  .counter(
                      MetricNames.grpcRequests("classifier", "Classifier/ClassifyStream", "OK"))
                  .getCount())
          .isZero();
      assertThat(
              metrics
                  .counter(
                      MetricNames.grpcRequests(
                          "classifier", "Classifier/Classify", "RESOURCE_EXHAUSTED"))
                  .getCount())
          .isEqualTo(1);

      // now warm: client calls pass, are counted and run the model
      assertThat(client.classify(request).getResultsCount()).isEqualTo(1);
      assertThat(server.registry().resolve("").engine().imagesRun())
          .isEqualTo(imagesRunByLoader + 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  metrics
                          .counter(
                              MetricNames.grpcRequests("classifier", "Classifier/Classify", "OK"))
                          .getCount()
                      == 1);
    } finally {
      release.complete(null);
      channel.shutdownNow();
      loading.handle((v, t) -> null).get(60, TimeUnit.SECONDS);
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void aHotReloadIsFollowedByAWarmUpPassOfTheNewVersion() throws Exception {
    WarmupConfig warmup =
        new WarmupConfig(
            true, 50, Duration.ZERO, Duration.ofSeconds(60), 10, 50, 2, Duration.ofMillis(250));
    MetricRegistry metrics = new MetricRegistry();
    ClassifierServer server =
        new ClassifierServer(
            ServerConfig.of(
                    0,
                    List.of(
                        TestModels.fixtureModel(
                                "probabilities.onnx", BatchPolicy.builder().build(), 1)
                            .withName("probs")))
                .toBuilder()
                .shutdownGrace(Duration.ofSeconds(5))
                .warmup(warmup)
                .build(),
            metrics);
    server.listen();
    java.util.Queue<ServedModel> modelsWarmed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    server
        .warmup()
        .addWarmer(
            ch ->
                new Warmer() {
                  @Override
                  public String name() {
                    return "recording";
                  }

                  @Override
                  public CompletableFuture<?> send(ServedModel model) {
                    modelsWarmed.add(model);
                    return CompletableFuture.completedFuture(null);
                  }

                  @Override
                  public void close() {}
                });
    try {
      server.loadModels();
      int atStart = modelsWarmed.size();
      assertThat(atStart).isPositive();
      ServedModel before = server.registry().resolve("probs");

      server.reloader().reload("probs", null).get(60, TimeUnit.SECONDS);
      ServedModel fresh = server.registry().resolve("probs");
      assertThat(fresh).isNotSameAs(before);
      // the pass after the reload sends synthetic requests for the new version
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> modelsWarmed.stream().skip(atStart).anyMatch(m -> m == fresh));
      assertThat(metrics.meter(MetricNames.model("probs", "requests")).getCount()).isZero();
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String name) {
    return health.check(HealthCheckRequest.newBuilder().setService(name).build()).getStatus();
  }
}
