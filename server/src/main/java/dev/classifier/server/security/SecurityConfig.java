package dev.classifier.server.security;

/**
 * The server's security settings ({@code security} in YAML).
 *
 * @param tls TLS on the gRPC port and metrics endpoint; null = plaintext
 * @param allowInsecure whether the server may listen on a non-loopback address without TLS or
 *     without authentication (it then logs a loud warning); otherwise it refuses to start
 */
public record SecurityConfig(TlsConfig tls, boolean allowInsecure) {

  /** Plaintext, no authentication: only acceptable on loopback. */
  public static SecurityConfig none() {
    return new SecurityConfig(null, false);
  }

  public boolean tlsEnabled() {
    return tls != null;
  }

  public SecurityConfig withTls(TlsConfig value) {
    return new SecurityConfig(value, allowInsecure);
  }

  public SecurityConfig withAllowInsecure(boolean value) {
    return new SecurityConfig(tls, value);
  }
}
