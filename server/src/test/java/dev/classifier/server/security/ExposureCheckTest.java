package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Safe defaults: no listener off loopback without TLS and authentication unless allowed. (No test
 * here binds a non-loopback address: the refusal comes before any socket is opened, and the allowed
 * case is checked without starting.)
 */
class ExposureCheckTest {
  private static final TlsConfig TLS = TlsConfig.of(Path.of("s.pem"), Path.of("s.key"));
  private static final AuthConfig AUTH = AuthConfig.tokens(Path.of("t.txt"), Duration.ZERO);

  @Test
  void loopbackNeedsNothing() {
    for (String host : List.of("127.0.0.1", "127.0.0.2", "localhost", "::1")) {
      assertThat(ExposureCheck.check(host, SecurityConfig.none())).as(host).isEmpty();
    }
  }

  @Test
  void anotherAddressWithoutTlsOrAuthIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> ExposureCheck.check("0.0.0.0", SecurityConfig.none()))
        .isInstanceOf(ExposureCheck.InsecureExposureException.class)
        .hasMessage(
            "refusing to listen for gRPC and metrics on 0.0.0.0 (not loopback) without TLS and"
                + " authentication: configure security.tls and security.auth (docs/SECURITY.md),"
                + " or pass --insecure (security.allowInsecure: true) to accept the risk");
    assertThatThrownBy(() -> ExposureCheck.check("0.0.0.0", SecurityConfig.none().withTls(TLS)))
        .hasMessageContaining("without authentication:");
    assertThatThrownBy(() -> ExposureCheck.check("0.0.0.0", SecurityConfig.none().withAuth(AUTH)))
        .hasMessageContaining("without TLS:");
    SecurityConfig adminExposed =
        SecurityConfig.none().withAdmin(new AdminConfig("0.0.0.0", 0, null));
    assertThatThrownBy(() -> ExposureCheck.check("127.0.0.1", adminExposed))
        .hasMessageStartingWith("refusing to listen for admin on 0.0.0.0");
    // the admin listener turned off is not checked
    assertThat(
            ExposureCheck.check(
                "127.0.0.1", adminExposed.withAdmin(new AdminConfig("0.0.0.0", -1, null))))
        .isEmpty();
  }

  @Test
  void protectedOrExplicitlyAllowedStartsWithAWarningOnlyWhenInsecure() {
    assertThat(ExposureCheck.check("0.0.0.0", SecurityConfig.none().withTls(TLS).withAuth(AUTH)))
        .isEmpty();
    List<String> warnings =
        ExposureCheck.check("0.0.0.0", SecurityConfig.none().withAllowInsecure(true));
    assertThat(warnings)
        .containsExactly(
            "INSECURE: gRPC and metrics listens on 0.0.0.0 without TLS and authentication"
                + " (--insecure): anyone who can reach this address can classify with every model");
  }

  @Test
  void theServerRefusesToStartBeforeOpeningAnySocket() {
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
            .toBuilder()
            .host("0.0.0.0")
            .build();
    ClassifierServer server = new ClassifierServer(config);
    assertThatThrownBy(server::start)
        .isInstanceOf(ExposureCheck.InsecureExposureException.class)
        .hasMessageStartingWith("refusing to listen for gRPC and metrics on 0.0.0.0");
  }
}
