package dev.classifier.server.security;

import java.util.Objects;

/**
 * The server's security settings ({@code security} in YAML; reference docs/SECURITY.md).
 *
 * @param tls TLS on the gRPC port and metrics endpoint; null = plaintext
 * @param auth call authentication (tokens, certificate identities); never null, maybe off
 * @param admin the admin listener and model root; null = loopback on an ephemeral port
 * @param allowInsecure whether the server may listen on a non-loopback address without TLS or
 *     without authentication (it then logs a loud warning); otherwise it refuses to start
 */
public record SecurityConfig(
    TlsConfig tls, AuthConfig auth, AdminConfig admin, boolean allowInsecure) {

  public SecurityConfig {
    auth = Objects.requireNonNullElse(auth, AuthConfig.off());
    admin = Objects.requireNonNullElse(admin, AdminConfig.ephemeral());
  }

  /**
   * Plaintext, no authentication, admin on loopback at an ephemeral port: only acceptable on
   * loopback (the configuration file's default admin port is 50052).
   */
  public static SecurityConfig none() {
    return new SecurityConfig(null, AuthConfig.off(), AdminConfig.ephemeral(), false);
  }

  public boolean tlsEnabled() {
    return tls != null;
  }

  public SecurityConfig withTls(TlsConfig value) {
    return new SecurityConfig(value, auth, admin, allowInsecure);
  }

  public SecurityConfig withAuth(AuthConfig value) {
    return new SecurityConfig(tls, value, admin, allowInsecure);
  }

  public SecurityConfig withAdmin(AdminConfig value) {
    return new SecurityConfig(tls, auth, value, allowInsecure);
  }

  public SecurityConfig withAllowInsecure(boolean value) {
    return new SecurityConfig(tls, auth, admin, value);
  }
}
