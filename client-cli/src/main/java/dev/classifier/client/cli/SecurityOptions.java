package dev.classifier.client.cli;

import dev.classifier.client.ConnectionSecurity;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS, client-certificate and token flags, shared (as a picocli mixin) by every command that talks
 * to a server: classify, models and evaluate, and the load tester. They become a {@link
 * ConnectionSecurity} through {@link ConnectionSecurity#fromFlags}.
 */
public final class SecurityOptions {
  @Option(names = "--tls", description = "Use TLS (trusting the system CAs unless --ca).")
  boolean tls;

  @Option(
      names = "--ca",
      paramLabel = "PEM",
      description = "CA certificate(s) to trust (implies --tls).")
  Path ca;

  @Option(
      names = "--cert",
      paramLabel = "PEM",
      description = "Client certificate for mutual TLS (implies --tls).")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM", description = "Private key (PKCS#8) of --cert.")
  Path key;

  @Option(
      names = "--server-name",
      paramLabel = "NAME",
      description = "Name the server certificate must carry when it differs from --server's host.")
  String serverName;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token (visible in ps and shell history: prefer --token-file).")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File whose first line is the bearer token.")
  Path tokenFile;

  /** The connection settings these flags give. */
  public ConnectionSecurity toConnectionSecurity() {
    return ConnectionSecurity.fromFlags(tls, ca, cert, key, serverName, token, tokenFile);
  }
}
