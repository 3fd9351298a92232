package dev.classifier.server.security;

import java.nio.file.Path;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * The server's security flags (a picocli mixin of {@code classifier-server}); each overrides the
 * config file's {@code security} section.
 */
public final class SecurityOptions {
  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Server certificate chain (PEM); with --tls-key turns TLS on.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Server private key (PEM, PKCS#8).")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description = "CA of client certificates: mutual TLS (client auth 'require' unless set).")
  Path tlsClientCa;

  @Option(
      names = "--tls-client-auth",
      paramLabel = "MODE",
      description = "none, optional or require (needs a client CA).")
  ClientAuth tlsClientAuth;

  @Option(
      names = "--tokens-file",
      paramLabel = "FILE",
      description = "Token file (salted hashes, see hash-token): bearer-token authentication.")
  Path tokensFile;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description = "Admin listener port on --admin-host (default 50052); 0 = ephemeral, -1 = off.")
  Integer adminPort;

  @Option(
      names = "--admin-host",
      paramLabel = "ADDR",
      description = "Admin listener address (default 127.0.0.1).")
  String adminHost;

  @Option(
      names = "--model-root",
      paramLabel = "DIR",
      description = "The only folder Admin/ReloadModel may load a new model path from.")
  Path modelRoot;

  @Option(
      names = "--insecure",
      description =
          "Allow listening on a non-loopback address without TLS or without authentication"
              + " (logs a warning). Never in production.")
  boolean insecure;

  /** {@code base} with the flags given applied. */
  public SecurityConfig apply(SecurityConfig base) {
    SecurityConfig out = base;
    TlsConfig tls = base.tls();
    if (tlsCert != null || tlsKey != null) {
      if (tlsCert == null || tlsKey == null) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      tls =
          tls == null
              ? TlsConfig.of(tlsCert, tlsKey)
              : new TlsConfig(
                  tlsCert,
                  tlsKey,
                  tls.clientCa(),
                  tls.clientAuth(),
                  tls.provider(),
                  tls.reloadInterval(),
                  tls.metrics());
    }
    if (tlsClientCa != null || tlsClientAuth != null) {
      if (tls == null) {
        throw new IllegalArgumentException(
            "--tls-client-ca and --tls-client-auth need TLS (--tls-cert, --tls-key)");
      }
      Path ca = tlsClientCa != null ? tlsClientCa : tls.clientCa();
      ClientAuth mode =
          tlsClientAuth != null
              ? tlsClientAuth
              : (tlsClientCa != null ? ClientAuth.REQUIRE : tls.clientAuth());
      tls = tls.withClientCa(ca, mode);
    }
    if (!Objects.equals(tls, base.tls())) {
      out = out.withTls(tls);
    }
    if (tokensFile != null) {
      AuthConfig a = base.auth();
      out =
          out.withAuth(
              new AuthConfig(
                  tokensFile,
                  a.reloadInterval(),
                  a.certificateIdentities(),
                  a.openReflection(),
                  a.protectMetrics()));
    }
    if (adminPort != null || adminHost != null || modelRoot != null) {
      AdminConfig a = base.admin();
      out =
          out.withAdmin(
              new AdminConfig(
                  adminHost != null ? adminHost : a.host(),
                  adminPort != null ? adminPort : a.port(),
                  modelRoot != null ? modelRoot : a.modelRoot()));
    }
    if (insecure) {
      out = out.withAllowInsecure(true);
    }
    return out;
  }
}
