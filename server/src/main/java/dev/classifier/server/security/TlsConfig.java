package dev.classifier.server.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * TLS on the gRPC port (and, with {@code metrics}, on {@code /metrics}); {@code security.tls} in
 * YAML. Protocols are TLS 1.3 and 1.2 only, cipher suites the HTTP/2-approved AEAD ones, ALPN h2.
 *
 * @param certChain PEM server certificate chain (leaf first)
 * @param privateKey PEM private key (PKCS#8 or PKCS#1, unencrypted; protect it with file
 *     permissions)
 * @param clientCa PEM CA certificate(s) that sign client certificates; null = no mutual TLS
 * @param clientAuth whether a client certificate is asked for; needs {@code clientCa} unless NONE
 * @param provider OpenSSL (BoringSSL), JDK, or AUTO (OpenSSL where it loads)
 * @param reloadInterval how often the files are checked for changes (rotation without restart);
 *     zero = never
 * @param metrics whether the {@code /metrics} endpoint is served over HTTPS with the same settings
 */
public record TlsConfig(
    Path certChain,
    Path privateKey,
    Path clientCa,
    ClientAuth clientAuth,
    TlsProvider provider,
    Duration reloadInterval,
    boolean metrics) {

  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

  public TlsConfig {
    Objects.requireNonNull(certChain, "certChain (PEM server certificate) is required with TLS");
    Objects.requireNonNull(privateKey, "privateKey (PEM key) is required with TLS");
    clientAuth =
        clientAuth == null ? (clientCa == null ? ClientAuth.NONE : ClientAuth.REQUIRE) : clientAuth;
    provider = provider == null ? TlsProvider.AUTO : provider;
    reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
    if (reloadInterval.isNegative()) {
      throw new IllegalArgumentException(
          "reloadIntervalSeconds must be >= 0 (0 = never), got " + reloadInterval.toSeconds());
    }
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      throw new IllegalArgumentException(
          "clientAuth "
              + clientAuth.name().toLowerCase(java.util.Locale.ROOT)
              + " needs clientCa (the CA that signs client certificates)");
    }
  }

  /** Server-only TLS with the defaults (client auth none, provider auto, 30 s reload check). */
  public static TlsConfig of(Path certChain, Path privateKey) {
    return new TlsConfig(certChain, privateKey, null, null, null, null, true);
  }

  /** Mutual TLS against {@code clientCa} with the given client-auth mode. */
  public TlsConfig withClientCa(Path ca, ClientAuth mode) {
    return new TlsConfig(certChain, privateKey, ca, mode, provider, reloadInterval, metrics);
  }

  public TlsConfig withReloadInterval(Duration interval) {
    return new TlsConfig(certChain, privateKey, clientCa, clientAuth, provider, interval, metrics);
  }

  public TlsConfig withProvider(TlsProvider p) {
    return new TlsConfig(certChain, privateKey, clientCa, clientAuth, p, reloadInterval, metrics);
  }
}
