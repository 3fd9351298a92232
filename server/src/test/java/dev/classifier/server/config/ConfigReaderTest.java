package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.batching.BatchPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
  private static final Path SAMPLE = Path.of("..", "deploy", "config", "sample.yaml");

  @Test
  void sampleConfigReadsAndMatchesTheDefaults() {
    ServerConfig sample = ConfigReader.read(SAMPLE);
    assertThat(sample.port()).isEqualTo(50051);
    assertThat(sample.metricsPort()).isEqualTo(ServerConfig.DEFAULT_METRICS_PORT);
    assertThat(sample.jmx()).isTrue();
    assertThat(sample.accessLog()).isFalse();
    assertThat(sample.defaultModel()).isEqualTo("fashion-mnist");
    assertThat(sample.models()).hasSize(1);
    ModelConfig m = sample.models().get(0);
    assertThat(m.embedded()).isTrue();
    assertThat(m.batching()).isEqualTo(BatchPolicy.builder().build());
    ServerConfig defaults = ConfigReader.defaults();
    ServerConfig namedDefaults =
        defaults.toBuilder()
            .defaultModel("fashion-mnist")
            .models(List.of(defaults.models().get(0).withName("fashion-mnist")))
            .build();
    assertThat(ConfigWriter.toYaml(sample)).isEqualTo(ConfigWriter.toYaml(namedDefaults));
  }

  @Test
  void readsEveryBatchingFieldIncludingAdaptive(@TempDir Path dir) {
    ServerConfig c =
        ConfigReader.fromYaml(
            """
            server: {port: 0, metricsPort: -1, shutdownGraceSeconds: 3, accessLog: true}
            models:
              - name: m
                path: models/m.onnx
                labels: m.txt
                output: probabilities
                instancesPerDevice: 2
                engine: {intraOpThreads: 1, adaptiveWidth: false, adaptiveWidthMinRunMillis: 7}
                batching:
                  maxBatchSize: 16
                  maxQueueDelayMicros: 1500
                  preferredBatchSizes: [8, 4]
                  maxQueueSize: 99
                  maxQueuedBytes: 4096
                  defaultTimeoutMillis: 250
                  priorityLevels: 3
                  adaptive: {enabled: true, latencyTargetMicros: 20000, minBatchSize: 2, maxBatchSize: 16}
            """,
            dir);
    assertThat(c.metricsEnabled()).isFalse();
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.accessLog()).isTrue();
    ModelConfig m = c.models().get(0);
    assertThat(m.path()).isEqualTo(dir.resolve("models/m.onnx"));
    assertThat(m.labels()).isEqualTo(dir.resolve("m.txt"));
    assertThat(m.instancesPerDevice()).isEqualTo(2);
    assertThat(m.engine().intraOpThreads()).isEqualTo(1);
    assertThat(m.engine().adaptiveWidth()).isFalse();
    assertThat(m.engine().adaptiveWidthMinRun()).isEqualTo(Duration.ofMillis(7));
    BatchPolicy p = m.batching();
    assertThat(p.maxBatchSize()).isEqualTo(16);
    assertThat(p.maxQueueDelay()).isEqualTo(Duration.ofNanos(1_500_000));
    assertThat(p.preferredBatchSizes()).containsExactly(4, 8);
    assertThat(p.maxQueueSize()).isEqualTo(99);
    assertThat(p.maxQueuedBytes()).isEqualTo(4096);
    assertThat(p.defaultTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(p.priorityLevels()).isEqualTo(3);
    assertThat(p.adaptive().enabled()).isTrue();
    assertThat(p.adaptive().latencyTarget()).isEqualTo(Duration.ofMillis(20));
    assertThat(p.adaptive().minBatchSize()).isEqualTo(2);
    // printing and reading back gives the same configuration
    ServerConfig again = ConfigReader.fromYaml(ConfigWriter.toYaml(c), dir);
    assertThat(again).isEqualTo(c);
  }

  @Test
  void errorsNameTheKeyAndTheValueOnOneLine() {
    List<String[]> cases =
        List.of(
            new String[] {
              "models: [{batching: {maxBatchSize: 0}}]",
              "models[0].batching.maxBatchSize must be >= 1, got 0"
            },
            new String[] {
              "models: [{}, {batching: {adaptive: {enabled: true, minBatchSize: 1}}}]",
              "models[1].batching.adaptive.latencyTarget must be > 0 when enabled, got ZERO"
            },
            new String[] {"server: {port: 70000}", "server.port must be in 0..65535, got 70000"},
            new String[] {"server: {port: abc}", "server.port must be an integer, got 'abc'"},
            new String[] {"server: {prot: 1}", "server.prot is not a known setting"},
            new String[] {
              "models: [{instancesPerDevice: 0}]",
              "models[0].instancesPerDevice must be >= 1, got 0"
            },
            new String[] {
              "models: [{output: soft}]",
              "models[0].output must be logits, probabilities or detect, got 'soft'"
            },
            new String[] {
              "models: [{preprocessing: {width: 0, height: 1, colorMode: GRAY, interpolation: BILINEAR,"
                  + " scale: 1, mean: [0], std: [1], layout: NCHW, dtype: FLOAT32}}]",
              "models[0].preprocessing"
            });
    for (String[] c : cases) {
      assertThatThrownBy(() -> ConfigReader.fromYaml(c[0], Path.of(".")))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(c[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void unreadableFileIsAConfigError(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigReader.read(dir.resolve("missing.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.yaml");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "server: [unclosed\n");
    assertThatThrownBy(() -> ConfigReader.read(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("not valid YAML");
  }
}
