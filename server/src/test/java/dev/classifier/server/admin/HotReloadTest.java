package dev.classifier.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.proto.v1.AdminGrpc;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ReloadModelRequest;
import dev.classifier.proto.v1.ReloadModelResponse;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.metrics.MetricNames;
import dev.classifier.server.security.AdminConfig;
import dev.classifier.server.security.SecurityConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload under continuous load over real gRPC: no request fails, and every request sent after
 * the reload answered is served by the new version.
 */
class HotReloadTest {
  private static final int CLIENTS = 4;

  /** Copies the probabilities fixture into {@code dir} with manifest version {@code version}. */
  static Path modelVersion(Path dir, String version) throws Exception {
    Files.createDirectories(dir);
    Files.copy(
        TestModels.fixture("probabilities.onnx"),
        dir.resolve("probabilities.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        TestModels.fixture("probabilities.labels.txt"),
        dir.resolve("probabilities.labels.txt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String manifest =
        Files.readString(TestModels.fixture("probabilities.json"))
            .replace("\"version\": \"1\"", "\"version\": \"" + version + "\"");
    assertThat(manifest).contains("\"version\": \"" + version + "\"");
    Files.writeString(dir.resolve("probabilities.json"), manifest);
    return dir.resolve("probabilities.onnx");
  }

  /** A response's version and whether its request was sent after the reload had answered. */
  record Served(String version, boolean sentAfterReload) {}

  @Test
  void reloadUnderLoadLosesNothingAndSwitchesVersions(@TempDir Path tmp) throws Exception {
    Path onnx = modelVersion(tmp.resolve("model"), "1");
    ModelConfig config =
        new ModelConfig(
            "probs",
            onnx,
            null,
            null,
            BatchPolicy.builder().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(1)).build(),
            List.of("cpu"),
            1,
            TestModels.cpu());
    ServerConfig serverConfig =
        ServerConfig.of(0, List.of(config)).toBuilder()
            .security(SecurityConfig.none().withAdmin(AdminConfig.ephemeral().withModelRoot(tmp)))
            .build();
    try (ClassifierServer server = new ClassifierServer(serverConfig).start()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      // the admin service has its own (loopback) listener
      ManagedChannel adminChannel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.adminPort()).usePlaintext().build();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicBoolean reloaded = new AtomicBoolean(false);
      Queue<Served> served = new ConcurrentLinkedQueue<>();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong sent = new AtomicLong();
      try {
        ClassifierGrpc.ClassifierBlockingStub stub = ClassifierGrpc.newBlockingStub(channel);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          Random random = new Random(c);
          loops.add(
              clients.submit(
                  () -> {
                    while (running.get()) {
                      boolean after = reloaded.get();
                      sent.incrementAndGet();
                      try {
                        ClassifyResponse r =
                            stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .classify(
                                    ClassifyRequest.newBuilder()
                                        .setModel("probs")
                                        .addImages(Tensors.randomMnist(random))
                                        .build());
                        served.add(new Served(r.getModelVersion(), after));
                      } catch (RuntimeException e) {
                        failures.add(e);
                      }
                    }
                  }));
        }
        awaitServed(served, 50);

        // version 2 in place of the file it was loaded from (no path: reload from its file)
        modelVersion(tmp.resolve("model"), "2");
        ReloadModelResponse r =
            AdminGrpc.newBlockingStub(adminChannel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .reloadModel(ReloadModelRequest.newBuilder().setModel("probs").build());
        reloaded.set(true);
        assertThat(r.getModel()).isEqualTo("probs");
        assertThat(r.getPreviousVersion()).isEqualTo("1");
        assertThat(r.getVersion()).isEqualTo("2");
        int before = served.size();
        awaitServed(served, before + 50);

        // version 3 from another folder (a path), while the load goes on
        Path v3 = modelVersion(tmp.resolve("v3"), "3");
        ReloadModelResponse r3 =
            AdminGrpc.newBlockingStub(adminChannel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .reloadModel(
                    ReloadModelRequest.newBuilder()
                        .setModel("probs")
                        .setPath(v3.toString())
                        .build());
        assertThat(r3.getVersion()).isEqualTo("3");
        assertThat(r3.getSource()).isEqualTo(v3.toRealPath().toString());
        awaitServed(served, served.size() + 50);

        running.set(false);
        for (Future<?> f : loops) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertThat(failures).as("failed requests during reloads").isEmpty();
        assertThat(served).hasSize((int) sent.get());
        assertThat(served).anyMatch(s -> s.version().equals("1"));
        assertThat(served).anyMatch(s -> s.version().equals("2"));
        assertThat(served).anyMatch(s -> s.version().equals("3"));
        assertThat(served.stream().filter(Served::sentAfterReload))
            .allMatch(s -> !s.version().equals("1"));
        assertThat(server.metrics().counter(MetricNames.model("probs", "reloads")).getCount())
            .isEqualTo(2);

        // a failed reload leaves the running version serving
        assertThatThrownBy(
                () ->
                    AdminGrpc.newBlockingStub(adminChannel)
                        .reloadModel(
                            ReloadModelRequest.newBuilder()
                                .setModel("probs")
                                .setPath(tmp.resolve("missing.onnx").toString())
                                .build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(
                () ->
                    AdminGrpc.newBlockingStub(adminChannel)
                        .reloadModel(ReloadModelRequest.newBuilder().setModel("nope").build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        ClassifyResponse after =
            stub.classify(
                ClassifyRequest.newBuilder()
                    .setModel("probs")
                    .addImages(Tensors.randomMnist(new Random(9)))
                    .build());
        assertThat(after.getModelVersion()).isEqualTo("3");
      } finally {
        running.set(false);
        clients.shutdownNow();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void embeddedModelNeedsAPath() throws Exception {
    try (ClassifierServer server =
        new ClassifierServer(
                ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1))))
            .start()) {
      assertThatThrownBy(() -> server.reloader().reload("", null).join())
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("embedded");
      assertThat(server.reloader().reloadAllFiles().join()).isEmpty();
    }
  }

  private static void awaitServed(Queue<Served> served, int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> served.size() >= count);
  }
}
