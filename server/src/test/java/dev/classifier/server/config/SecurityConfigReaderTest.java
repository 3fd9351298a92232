package dev.classifier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.server.security.ClientAuth;
import dev.classifier.server.security.TlsConfig;
import dev.classifier.server.security.TlsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityConfigReaderTest {
  private static final Path BASE = Path.of("/etc/classifier");

  @Test
  void noSecuritySectionMeansPlaintextAndNoInsecureOverride() {
    ServerConfig c = ConfigReader.defaults();
    assertThat(c.security().tls()).isNull();
    assertThat(c.security().allowInsecure()).isFalse();
  }

  @Test
  void readsTlsWithPathsRelativeToTheFileAndPrintsItBack() {
    ServerConfig c =
        ConfigReader.fromYaml(
            """
            security:
              allowInsecure: true
              tls:
                certChain: tls/server.pem
                privateKey: tls/server.key
                clientCa: tls/ca.pem
                clientAuth: optional
                provider: jdk
                reloadIntervalSeconds: 5
                metrics: false
            """,
            BASE);
    TlsConfig t = c.security().tls();
    assertThat(t)
        .isEqualTo(
            new TlsConfig(
                BASE.resolve("tls/server.pem"),
                BASE.resolve("tls/server.key"),
                BASE.resolve("tls/ca.pem"),
                ClientAuth.OPTIONAL,
                TlsProvider.JDK,
                Duration.ofSeconds(5),
                false));
    assertThat(c.security().allowInsecure()).isTrue();
    String yaml = ConfigWriter.toYaml(c);
    assertThat(ConfigReader.fromYaml(yaml, Path.of(".")).security()).isEqualTo(c.security());
  }

  @Test
  void clientCaAloneMeansClientCertificatesRequired() {
    TlsConfig t =
        ConfigReader.fromYaml(
                "security: {tls: {certChain: s.pem, privateKey: s.key, clientCa: ca.pem}}", BASE)
            .security()
            .tls();
    assertThat(t.clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(t.provider()).isEqualTo(TlsProvider.AUTO);
    assertThat(t.reloadInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(t.metrics()).isTrue();
  }

  @Test
  void badValuesNameTheKey() {
    List<String[]> cases =
        List.of(
            new String[] {
              "security: {tls: {privateKey: k}}",
              "security.tls.certChain (PEM server certificate) is required with TLS"
            },
            new String[] {
              "security: {tls: {certChain: c, privateKey: k, clientAuth: require}}",
              "security.tls.clientAuth require needs clientCa"
            },
            new String[] {
              "security: {tls: {certChain: c, privateKey: k, clientAuth: maybe}}",
              "security.tls.clientAuth must be one of none, optional, require, got 'maybe'"
            },
            new String[] {
              "security: {tls: {certChain: c, privateKey: k, provider: gnutls}}",
              "security.tls.provider must be one of auto, openssl, jdk, got 'gnutls'"
            },
            new String[] {
              "security: {auth: {protectMetrics: true}}",
              "security.auth.protectMetrics needs tokensFile"
            },
            new String[] {
              "security: {admin: {port: 70000}}",
              "security.admin.port must be -1 (off) or in 0..65535, got 70000"
            },
            new String[] {"security: {tsl: {}}", "security.tsl is not a known setting"});
    for (String[] c : cases) {
      assertThatThrownBy(() -> ConfigReader.fromYaml(c[0], BASE))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(c[1]);
    }
  }
}
