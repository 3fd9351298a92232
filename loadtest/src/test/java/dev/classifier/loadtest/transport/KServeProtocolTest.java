package dev.classifier.loadtest.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.classifier.loadtest.LoadTestMain;
import dev.classifier.loadtest.TestServers;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --protocol both}: the load tester drives classifier.v1 and the Open Inference Protocol
 * (ModelInfer and ModelStreamInfer, raw and typed contents) against one real server in one run,
 * every request answered OK.
 */
class KServeProtocolTest {
  @TempDir Path dir;

  @Test
  void bothProtocolsBothTransportsBothContentsInOneRun() throws Exception {
    ModelConfig model = TestServers.embeddedModel();
    try (ClassifierServer server =
        new ClassifierServer(ServerConfig.of(0, List.of(model))).start()) {
      int code =
          LoadTestMain.run(
              "--server",
              "127.0.0.1:" + server.port(),
              "--out",
              dir.toString(),
              "--name",
              "r",
              "--warmup-ms",
              "50",
              "--window-ms",
              "150",
              "--min-windows",
              "2",
              "--max-windows",
              "2",
              "--stability-windows",
              "2",
              "--scenario",
              "closed",
              "--concurrency",
              "2",
              "--images-per-request",
              "2",
              "--protocol",
              "both",
              "--transport",
              "both",
              "--kserve-contents",
              "both");
      assertThat(code).isZero();
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    List<String> transports = new ArrayList<>();
    for (JsonNode r : json.get("runs")) {
      transports.add(r.get("transport").asText());
      assertThat(r.get("requests").asLong()).as(r.toString()).isPositive();
      assertThat(r.get("errors").size()).as(r.toString()).isZero();
    }
    assertThat(transports)
        .containsExactly(
            "unary",
            "stream",
            "kserve-unary-raw",
            "kserve-unary-typed",
            "kserve-stream-raw",
            "kserve-stream-typed");
  }
}
