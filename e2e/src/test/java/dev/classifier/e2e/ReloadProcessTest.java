package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.ImageInput;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP to a real server process under continuous load: the file-based model is reloaded with its
 * new manifest version, no request fails, and responses switch to the new version.
 */
class ReloadProcessTest {
  private static final Path FIXTURES = Jars.ROOT.resolve("server/src/test/resources/fixtures");

  static Path writeVersion(Path dir, String version) throws Exception {
    Files.createDirectories(dir);
    for (String f : List.of("probabilities.onnx", "probabilities.labels.txt")) {
      Files.copy(FIXTURES.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    String manifest =
        Files.readString(FIXTURES.resolve("probabilities.json"))
            .replace("\"version\": \"1\"", "\"version\": \"" + version + "\"");
    Files.writeString(dir.resolve("probabilities.json"), manifest);
    return dir.resolve("probabilities.onnx");
  }

  @Test
  void sighupReloadsUnderLoadWithoutFailures(@TempDir Path tmp) throws Exception {
    Path onnx = writeVersion(tmp, "1");
    try (Jars.ServerProcess server =
        new Jars.ServerProcess("--model", "probs=" + onnx, "--intra-op-threads", "1")) {
      assertThat(server.banner).contains("probs[default] v1");
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port).usePlaintext().build();
      ExecutorService clients = Executors.newFixedThreadPool(2);
      AtomicBoolean running = new AtomicBoolean(true);
      Queue<String> versions = new ConcurrentLinkedQueue<>();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      try {
        ClassifierGrpc.ClassifierBlockingStub stub = ClassifierGrpc.newBlockingStub(channel);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
          ImageInput image = DrainProcessTest.randomImage(new Random(c));
          loops.add(
              clients.submit(
                  () -> {
                    while (running.get()) {
                      try {
                        ClassifyResponse r =
                            stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .classify(ClassifyRequest.newBuilder().addImages(image).build());
                        versions.add(r.getModelVersion());
                      } catch (RuntimeException e) {
                        failures.add(e);
                      }
                    }
                  }));
        }
        waitFor(() -> versions.size() >= 50, "first responses");
        writeVersion(tmp, "2");
        server.signal("HUP");
        waitFor(() -> versions.contains("2"), "a response from version 2");
        int atSwitch = versions.size();
        waitFor(() -> versions.size() >= atSwitch + 100, "responses after the switch");
        running.set(false);
        for (Future<?> f : loops) {
          f.get(30, TimeUnit.SECONDS);
        }
        assertThat(failures).as("failed requests").isEmpty();
        List<String> all = List.copyOf(versions);
        int firstV2 = all.indexOf("2");
        assertThat(all.subList(0, firstV2)).containsOnly("1");
        // after the switch (allowing for the other client's request that was already running)
        assertThat(all.subList(Math.min(all.size(), firstV2 + 2), all.size())).containsOnly("2");
        assertThat(server.stderrText()).contains("reloaded model probs: v1 -> v2");
        System.out.printf(
            "reload: %d responses, %d from v1, %d from v2, 0 failures%n",
            all.size(), firstV2, all.size() - firstV2);
      } finally {
        running.set(false);
        clients.shutdownNow();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) {
    org.awaitility.Awaitility.await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .until(condition::getAsBoolean);
  }
}
