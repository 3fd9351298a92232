package dev.classifier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.ClassifierServer;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code security.auth.protectMetrics}: /metrics needs a bearer token of the token file. */
class MetricsAuthTest {
  @Test
  void metricsNeedAValidBearerTokenWhenProtected(@TempDir Path dir) throws Exception {
    String token = TokenHash.newToken();
    Path tokens =
        Files.writeString(
            dir.resolve("tokens.txt"),
            TokenAuthEndToEndTest.entry("prometheus", token, Set.of("*"), false) + "\n");
    ServerConfig config =
        ServerConfig.of(0, List.of(TestModels.embedded(BatchPolicy.builder().build(), 1)))
            .toBuilder()
            .metricsPort(0)
            .jmx(false)
            .security(
                SecurityConfig.none()
                    .withAuth(AuthConfig.tokens(tokens, Duration.ZERO).withProtectMetrics(true)))
            .build();
    ClassifierServer server = new ClassifierServer(config).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics");
      HttpResponse<String> none =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer clf_nope").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("classifier_");
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
  }
}
