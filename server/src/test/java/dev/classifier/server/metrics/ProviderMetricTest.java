package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.ops.Scrape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The provider each instance runs on, as a real server reports it on {@code /metrics} and in its
 * start-up line.
 */
class ProviderMetricTest {
  @Test
  void everyInstanceReportsTheCpuProvider() throws Exception {
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 2)))
            .toBuilder()
            .metricsPort(0)
            .build();
    try (ClassifierServer server = new ClassifierServer(config).start()) {
      Scrape s = Scrape.of("127.0.0.1", server.metricsPort());
      String m = "model=\"fashion-mnist\"";
      for (String instance : List.of("0", "1")) {
        assertThat(
                s.value(
                    "classifier_instance_provider{device=\"cpu\",instance=\""
                        + instance
                        + "\","
                        + m
                        + ",provider=\"cpu\"}"))
            .as(s.family("classifier_instance_provider"))
            .isEqualTo(1.0);
      }
      assertThat(s.family("classifier_instance_provider")).doesNotContain("provider=\"cuda\"");
      assertThat(server.describe()).contains("2 instance(s) on cpu=cpu, ONNX Runtime intra-op");
    }
  }
}
