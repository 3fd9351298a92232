package dev.classifier.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end against the loopback fake classifier. */
class LoadTestMainTest {
  @TempDir Path dir;

  private static final String[] FAST = {
    "--warmup-ms",
    "100",
    "--window-ms",
    "200",
    "--min-windows",
    "2",
    "--max-windows",
    "2",
    "--stability-windows",
    "2",
    "--client-warmup-ms",
    "100"
  };

  private String[] args(String target, String... more) {
    String[] base = {"--server", target, "--out", dir.toString(), "--name", "r"};
    return Stream.of(base, FAST, more).flatMap(Arrays::stream).toArray(String[]::new);
  }

  @Test
  void sweepOverBothTransportsWithEchoBaselineWritesAllOutputs() throws Exception {
    try (FakeClassifier fake = new FakeClassifier(-1, 0)) {
      int code =
          LoadTestMain.run(
              args(
                  fake.target(),
                  "--scenario",
                  "sweep",
                  "--concurrency-range",
                  "1,4",
                  "--transport",
                  "both",
                  "--echo",
                  "--channels",
                  "2",
                  "--git-commit",
                  "0123abc-dirty"));
      assertThat(code).isZero();
    }
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("r.summary.json").toFile());
    assertThat(summary.get("gitCommit").asText()).isEqualTo("0123abc-dirty");
    assertThat(summary.get("command").asText())
        .startsWith("java -jar classifier-loadtest.jar --server 127.0.0.1:")
        .endsWith("--channels 2 --git-commit 0123abc-dirty");
    assertThat(summary.get("machine").get("cores").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(summary.get("runs")).hasSize(6);
    JsonNode json = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    assertThat(json.get("runs")).hasSize(6);
    assertThat(json.toString())
        .contains("closed c=4 stream")
        .contains("echo closed c=4")
        .contains("stream_vs_unary")
        .contains("transport_share_p50_c1");
    for (JsonNode r : json.get("runs")) {
      assertThat(r.get("requests").asLong()).isPositive();
      assertThat(r.get("errors").size()).isZero();
    }
    assertThat(json.get("environment").get("input dtype").asText())
        .isEqualTo("UINT8 (--input-dtype auto), 16 tensor bytes per image");
    assertThat(Files.readAllLines(dir.resolve("r.csv"))).hasSize(7);
    assertThat(Files.readString(dir.resolve("r.html"))).contains("closed c=1 unary");
  }

  @Test
  void aDtypeTheModelDoesNotTakeIsABadArgument() throws Exception {
    // the fake model takes UINT8 pixels only
    try (FakeClassifier fake = new FakeClassifier(-1, 0)) {
      assertThat(LoadTestMain.run(args(fake.target(), "--input-dtype", "float32"))).isEqualTo(2);
      assertThat(LoadTestMain.run(args(fake.target(), "--input-dtype", "fp16"))).isEqualTo(2);
    }
    assertThat(dir.resolve("r.json")).doesNotExist();
  }

  @Test
  void findMaxRateReportsTheRateAndTheCurve() throws Exception {
    try (FakeClassifier fake = new FakeClassifier(-1, 0)) {
      int code =
          LoadTestMain.run(
              args(
                  fake.target(),
                  "--scenario",
                  "find-max-rate",
                  "--rate-low",
                  "50",
                  "--rate-high",
                  "400",
                  "--search-steps",
                  "1",
                  "--p99-bound-ms",
                  "100"));
      assertThat(code).isZero();
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    assertThat(json.get("maxRate").get("bestRatePerSecond").asDouble()).isEqualTo(400);
    assertThat(json.get("maxRate").get("curve")).hasSize(2);
    assertThat(json.get("runs").get(0).get("scenario").asText()).isEqualTo("open");
  }

  @Test
  void inProcessWithoutModelFileIsAUsageErrorBeforeConnecting() {
    // no server is contacted: exit 2 (usage), not 3 (unreachable), shows the check runs first
    assertThat(LoadTestMain.run("--server", "127.0.0.1:1", "--out", dir.toString(), "--inprocess"))
        .isEqualTo(2);
  }

  @Test
  void unreachableServerExitsWith3() throws Exception {
    // a port held open by a peer that hangs up on every connection (not a port assumed closed)
    try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread hangUp =
          new Thread(
              () -> {
                while (!peer.isClosed()) {
                  try {
                    peer.accept().close();
                  } catch (IOException closed) {
                    return;
                  }
                }
              },
              "hang-up-peer");
      hangUp.setDaemon(true);
      hangUp.start();
      String target = "127.0.0.1:" + peer.getLocalPort();
      assertThat(LoadTestMain.run("--server", target, "--out", dir.toString())).isEqualTo(3);
    }
  }
}
