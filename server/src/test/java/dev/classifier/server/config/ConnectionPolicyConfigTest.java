package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.server.security.ConnectionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionPolicyConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    ConnectionPolicy p = ConfigReader.defaults().connection();
    assertThat(p.keepaliveTime()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(p.permitKeepaliveTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.permitKeepaliveWithoutCalls()).isFalse();
    assertThat(p.maxConnectionIdle()).isNull();
    assertThat(p.maxConnectionAge()).isNull();
    assertThat(p.maxConnectionAgeGrace()).isNull();
    assertThat(p.maxConcurrentCallsPerConnection()).isEqualTo(128);
    assertThat(p.maxInboundMetadataBytes()).isEqualTo(8192);
    assertThat(ServerConfig.of(0, ConfigReader.defaults().models()).connection()).isEqualTo(p);
  }

  @Test
  void readsEveryKeyAndPrintsItBack() {
    ServerConfig c =
        ConfigReader.fromYaml(
            """
            server:
              connection:
                keepaliveTimeSeconds: 7
                keepaliveTimeoutSeconds: 3
                permitKeepaliveTimeSeconds: 11
                permitKeepaliveWithoutCalls: true
                maxConnectionIdleSeconds: 300
                maxConnectionAgeSeconds: 600
                maxConnectionAgeGraceSeconds: 30
                maxConcurrentCallsPerConnection: 4
                maxInboundMetadataBytes: 2048
                maxRstFramesPerWindow: 50
                rstWindowSeconds: 5
            """,
            Path.of("."));
    ConnectionPolicy p = c.connection();
    assertThat(p)
        .isEqualTo(
            new ConnectionPolicy(
                Duration.ofSeconds(7),
                Duration.ofSeconds(3),
                Duration.ofSeconds(11),
                true,
                Duration.ofSeconds(300),
                Duration.ofSeconds(600),
                Duration.ofSeconds(30),
                4,
                2048,
                50,
                Duration.ofSeconds(5)));
    String yaml = ConfigWriter.toYaml(c);
    assertThat(yaml).contains("maxConnectionAgeSeconds: 600", "maxConcurrentCallsPerConnection: 4");
    assertThat(ConfigReader.fromYaml(yaml, Path.of(".")).connection()).isEqualTo(p);
  }

  @Test
  void unlimitedSettingsAreLeftOutOfThePrintedConfig() {
    String yaml = ConfigWriter.toYaml(ConfigReader.defaults());
    assertThat(yaml).contains("connection:", "keepaliveTimeSeconds: 60");
    assertThat(yaml).doesNotContain("maxConnectionAgeSeconds", "maxConnectionIdleSeconds");
  }

  @Test
  void badValuesNameTheKey() {
    List<String[]> cases =
        List.of(
            new String[] {
              "server: {connection: {maxConcurrentCallsPerConnection: 0}}",
              "server.connection.maxConcurrentCallsPerConnection must be >= 1, got 0"
            },
            new String[] {
              "server: {connection: {keepaliveTimeSeconds: 0}}",
              "server.connection.keepaliveTimeSeconds must be > 0, got 0"
            },
            new String[] {
              "server: {connection: {maxConnectionAgeSeconds: 0}}",
              "server.connection.maxConnectionAgeSeconds must be > 0"
            },
            new String[] {
              "server: {connection: {maxConnectionAgeGraceSeconds: 5}}",
              "server.connection.maxConnectionAgeGraceSeconds needs maxConnectionAgeSeconds"
            },
            new String[] {
              "server: {connection: {maxInboundMetadataBytes: 10}}",
              "server.connection.maxInboundMetadataBytes must be >= 1024, got 10"
            },
            new String[] {
              "server: {connection: {keepaliveTimeoutSeconds: -1}}",
              "server.connection.keepaliveTimeoutSeconds must be >= 0 seconds, got -1"
            },
            new String[] {
              "server: {connection: {maxAge: 5}}", "server.connection.maxAge is not a known setting"
            });
    for (String[] c : cases) {
      assertThatThrownBy(() -> ConfigReader.fromYaml(c[0], Path.of(".")))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(c[1]);
    }
  }
}
