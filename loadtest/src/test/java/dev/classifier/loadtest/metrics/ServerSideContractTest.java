package dev.classifier.loadtest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.loadtest.LoadTestMain;
import dev.classifier.loadtest.TestServers;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tester's server-side numbers read the families a real server exports: a fixture written
 * by hand once named a summary's {@code _sum} the server never writes, and the mean queue wait was
 * NaN against every real server. Here the load tester scrapes a real server's {@code /metrics} over
 * real HTTP, and the server-side means must be finite and fit inside what the client saw.
 */
class ServerSideContractTest {
  @TempDir Path dir;

  @Test
  void meansComeFromTheFamiliesARealServerExports() throws Exception {
    ModelConfig model = TestServers.embeddedModel();
    try (ClassifierServer server =
        new ClassifierServer(ServerConfig.of(0, List.of(model)).toBuilder().metricsPort(0).build())
            .start()) {
      int code =
          LoadTestMain.run(
              "--server",
              "127.0.0.1:" + server.port(),
              "--metrics-url",
              "http://127.0.0.1:" + server.metricsPort() + "/metrics",
              "--out",
              dir.toString(),
              "--name",
              "r",
              "--client-warmup-ms",
              "0",
              "--warmup-ms",
              "50",
              "--window-ms",
              "300",
              "--min-windows",
              "2",
              "--max-windows",
              "2",
              "--stability-windows",
              "2",
              "--scenario",
              "closed",
              "--concurrency",
              "4");
      assertThat(code).isZero();
    }
    JsonNode run = new ObjectMapper().readTree(dir.resolve("r.json").toFile()).get("runs").get(0);
    JsonNode server = run.get("server");
    assertThat(run.get("requests").asLong()).isPositive();
    double clientMean = run.get("latency").get("meanMillis").asDouble();
    double wait = server.get("meanQueueWaitMillis").asDouble();
    double compute = server.get("meanComputeMillisPerBatch").asDouble();
    double request = server.get("meanRequestMillis").asDouble();
    // batches of 1 to 8 images, counted in the server's histogram of images per batch
    assertThat(server.get("meanBatchSize").asDouble()).isBetween(1.0, 8.0);
    assertThat(server.get("batchSizeBuckets").get("8.0").asDouble()).isPositive();
    assertThat(server.get("batchSizeBuckets").get("+Inf").asDouble())
        .isEqualTo(server.get("batchSizeBuckets").get("8.0").asDouble());
    // each is a mean of real observations in ms: finite, and the server's share of a request
    // (its queue wait, its batch's run, its whole time on the server) is inside the client's
    // round trip; a unit slip (seconds, or microseconds) breaks one of these
    assertThat(wait).as(server.toString()).isGreaterThanOrEqualTo(0).isLessThan(clientMean);
    assertThat(compute).as(server.toString()).isPositive().isLessThan(clientMean);
    assertThat(request).as(server.toString()).isGreaterThan(compute / 8).isLessThan(clientMean);
  }
}
