package dev.classifier.server.security;

import java.util.Objects;

/**
 * The server's security settings ({@code security} in YAML; reference docs/SECURITY.md).
 *
 * @param tls TLS on the gRPC port and metrics endpoint; null = plaintext
 * @param auth call authentication (tokens, certificate identities); never null, maybe off
 * @param allowInsecure whether the server may listen on a non-loopback address without TLS or
 *     without authentication (it then logs a loud warning); otherwise it refuses to start
 */
public record SecurityConfig(TlsConfig tls, AuthConfig auth, boolean allowInsecure) {

  public SecurityConfig {
    auth = Objects.requireNonNullElse(auth, AuthConfig.off());
  }

  /** Plaintext, no authentication: only acceptable on loopback. */
  public static SecurityConfig none() {
    return new SecurityConfig(null, AuthConfig.off(), false);
  }

  public boolean tlsEnabled() {
    return tls != null;
  }

  public SecurityConfig withTls(TlsConfig value) {
    return new SecurityConfig(value, auth, allowInsecure);
  }

  public SecurityConfig withAuth(AuthConfig value) {
    return new SecurityConfig(tls, value, allowInsecure);
  }

  public SecurityConfig withAllowInsecure(boolean value) {
    return new SecurityConfig(tls, auth, value);
  }
}
