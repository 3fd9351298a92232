package dev.classifier.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.loadtest.transport.ClassifierEchoServer;
import dev.classifier.proto.v1.BatchingInfo;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ModelInfo;
import dev.classifier.proto.v1.TensorSpec;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tester warms its own path before measuring, and never against the server under test:
 * every request the measured server sees comes after the warm-up ended.
 */
class ClientWarmupTest {
  private static final ModelInfo MODEL =
      ModelInfo.newBuilder()
          .setName("fake")
          .setInput(
              TensorSpec.newBuilder()
                  .setName("x")
                  .setDtype(DataType.UINT8)
                  .addShape(-1)
                  .addShape(1)
                  .addShape(4)
                  .addShape(4))
          .setNumClasses(2)
          .setBatching(BatchingInfo.newBuilder().setMaxBatchSize(4).setInstances(1))
          .build();

  @TempDir Path dir;

  private String[] args(String server, String... more) {
    String[] base = {
      "--server", server, "--out", dir.toString(), "--name", "r", "--scenario", "open",
      "--rate", "200", "--transport", "both", "--warmup-ms", "0", "--window-ms", "200",
      "--min-windows", "2", "--max-windows", "2", "--stability-windows", "2"
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void warmUpAgainstAnotherTargetSendsNothingToTheMeasuredServer() throws Exception {
    try (ClassifierEchoServer measured = ClassifierEchoServer.start(MODEL);
        ClassifierEchoServer warm = ClassifierEchoServer.start(MODEL)) {
      int code =
          LoadTestMain.run(
              args(
                  measured.target(),
                  "--warmup-target",
                  warm.target(),
                  "--client-warmup-ms",
                  "600"));
      assertThat(code).isZero();
      assertThat(warm.requests()).as("warm-up requests").isPositive();
      assertThat(measured.requests()).as("measured requests").isPositive();
      assertThat(measured.firstRequestNanos())
          .as("the measured server's first request comes after the warm-up's last")
          .isGreaterThan(warm.lastRequestNanos());
    }
    assertThat(new ObjectMapper().readTree(dir.resolve("r.json").toFile()).toString())
        .contains("requests against 127.0.0.1:");
  }

  @Test
  void defaultWarmUpUsesAnInProcessEchoAndTheMeasuredServerWaits() throws Exception {
    try (ClassifierEchoServer measured = ClassifierEchoServer.start(MODEL)) {
      long start = System.nanoTime();
      int code = LoadTestMain.run(args(measured.target(), "--client-warmup-ms", "600"));
      assertThat(code).isZero();
      assertThat(measured.firstRequestNanos() - start)
          .as("no classify request reached the measured server during the 600 ms warm-up")
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(600));
    }
    assertThat(new ObjectMapper().readTree(dir.resolve("r.json").toFile()).toString())
        .contains("against an in-process echo classifier");
  }

  @Test
  void warmUpOffSendsTheFirstRequestsToTheMeasuredServerAtOnce() throws Exception {
    try (ClassifierEchoServer measured = ClassifierEchoServer.start(MODEL)) {
      int code = LoadTestMain.run(args(measured.target(), "--client-warmup-ms", "0"));
      assertThat(code).isZero();
      assertThat(measured.requests()).isPositive();
    }
    assertThat(new ObjectMapper().readTree(dir.resolve("r.json").toFile()).toString())
        .contains("off (not the server under test)");
  }
}
