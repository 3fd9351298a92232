package dev.classifier.server.security;

/** Which TLS implementation runs: BoringSSL through netty-tcnative, or the JDK's own. */
public enum TlsProvider {
  /** OpenSSL (BoringSSL) when its native library loads, the JDK otherwise. */
  AUTO,
  /** OpenSSL (BoringSSL) or fail at start. */
  OPENSSL,
  /** The JDK's TLS implementation. */
  JDK
}
