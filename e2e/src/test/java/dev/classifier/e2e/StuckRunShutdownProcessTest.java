package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.ClassifierGrpc;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real server process whose only instance is stuck in a real ONNX Runtime run (the
 * slow.onnx fixture spins until terminated; the watchdog is set far beyond the test): the process
 * still exits within its grace period, cleanly, and the stuck request is answered UNAVAILABLE.
 */
class StuckRunShutdownProcessTest {
  private static final long GRACE_SECONDS = 2;
  private static final Pattern METRICS =
      Pattern.compile("metrics on (http://[0-9.]+:\\d+/metrics)");

  private static ClassifyRequest stuckImage() {
    ByteBuffer b = ByteBuffer.allocate(784 * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(1000f); // > 100: the model's loop spins (practically) forever
    while (b.hasRemaining()) {
      b.putFloat(0.5f);
    }
    b.flip();
    return ClassifyRequest.newBuilder()
        .addImages(
            ImageInput.newBuilder()
                .setTensor(
                    Tensor.newBuilder()
                        .setDtype(DataType.FLOAT32)
                        .addShape(1)
                        .addShape(28)
                        .addShape(28)
                        .setData(ByteString.copyFrom(b))))
        .build();
  }

  @Test
  void sigtermWithAStuckSessionRunExitsWithinGrace(@TempDir Path tmp) throws Exception {
    Path model = Jars.ROOT.resolve("server/src/test/resources/fixtures/slow.onnx").toAbsolutePath();
    Path config = tmp.resolve("slow.yaml");
    Files.writeString(
        config,
        "server: {shutdownGraceSeconds: "
            + GRACE_SECONDS
            + "}\n"
            + "models:\n"
            + "  - name: slow\n"
            + "    path: "
            + model
            + "\n"
            + "    engine: {intraOpThreads: 1, watchdogMillis: 600000}\n"
            + "    batching: {maxBatchSize: 1}\n");
    Jars.ServerProcess server = new Jars.ServerProcess("--config", config.toString());
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port).usePlaintext().build();
    try {
      Matcher m = METRICS.matcher(server.banner);
      assertThat(m.find()).as("metrics URL in banner: %s", server.banner).isTrue();
      URI metrics = URI.create(m.group(1));
      HttpClient http = HttpClient.newHttpClient();

      CompletableFuture<Status> answer = new CompletableFuture<>();
      ClassifierGrpc.newStub(channel)
          .classify(
              stuckImage(),
              new StreamObserver<ClassifyResponse>() {
                @Override
                public void onNext(ClassifyResponse value) {}

                @Override
                public void onError(Throwable t) {
                  answer.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                  answer.complete(Status.OK);
                }
              });
      // the batch is running once it was dispatched (no other traffic)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  http.send(
                          HttpRequest.newBuilder(metrics).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body()
                      .lines()
                      .anyMatch(
                          l ->
                              l.startsWith("classifier_batch_close_total")
                                  && l.contains("model=\"slow\"")
                                  && !l.endsWith(" 0.0")));
      assertThat(answer).isNotDone();

      long signalled = System.nanoTime();
      server.signal("TERM");
      boolean exited = server.process.waitFor(GRACE_SECONDS + 15, TimeUnit.SECONDS);
      double exitSeconds = (System.nanoTime() - signalled) / 1e9;
      System.out.printf("stuck-run SIGTERM: exited=%s after %.2f s%n", exited, exitSeconds);
      assertThat(exited).as("process exited").isTrue();
      assertThat(exitSeconds).isLessThan(GRACE_SECONDS + 3.0);
      assertThat(server.process.exitValue()).as(server.stderrText()).isEqualTo(143);
      assertThat(server.stderrText()).doesNotContain("SIGSEGV").doesNotContain("fatal error");

      Status status = answer.get(5, TimeUnit.SECONDS);
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).contains("still running");
    } finally {
      channel.shutdownNow();
      server.close();
    }
  }
}
