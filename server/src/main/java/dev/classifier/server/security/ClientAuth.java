package dev.classifier.server.security;

/** Whether the TLS server asks clients for a certificate (mutual TLS). */
public enum ClientAuth {
  /** No client certificate is requested. */
  NONE,
  /** A client certificate is requested and verified when given; clients without one connect too. */
  OPTIONAL,
  /** A client certificate signed by the configured client CA is required to connect. */
  REQUIRE
}
