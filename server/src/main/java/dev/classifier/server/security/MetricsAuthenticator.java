package dev.classifier.server.security;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.util.Locale;
import java.util.Optional;

/**
 * Bearer-token check for the {@code /metrics} endpoint ({@code security.auth.protectMetrics}): any
 * token of the token file is accepted (Prometheus' {@code authorization: {credentials_file: ...}}).
 * Runs on the metrics server's own threads.
 */
final class MetricsAuthenticator extends Authenticator {
  private final TokenStore tokens;

  MetricsAuthenticator(TokenStore tokens) {
    this.tokens = tokens;
  }

  @Override
  public Result authenticate(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null
        && header.length() > 7
        && header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      Optional<Principal> p = tokens.authenticate(header.substring(7).strip());
      if (p.isPresent()) {
        return new Success(new HttpPrincipal(p.get().name(), "classifier"));
      }
    }
    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"classifier\"");
    return new Failure(401);
  }
}
