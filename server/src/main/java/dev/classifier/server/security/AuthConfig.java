package dev.classifier.server.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Call authentication ({@code security.auth} in YAML): on when a token file or certificate
 * identities are configured. Health is always open (probes); reflection is open only when said.
 *
 * @param tokensFile the token file (salted hashes; see {@link TokenFile}); null = no tokens
 * @param reloadInterval how often the token file is checked for changes; zero = never
 * @param certificateIdentities client-certificate subjects that stand in for tokens (mutual TLS)
 * @param openReflection whether server reflection answers without credentials
 * @param protectMetrics whether {@code /metrics} needs {@code Authorization: Bearer <token>} (any
 *     token of the file); needs a token file
 */
public record AuthConfig(
    Path tokensFile,
    Duration reloadInterval,
    List<CertificateIdentity> certificateIdentities,
    boolean openReflection,
    boolean protectMetrics) {

  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

  public AuthConfig {
    reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
    if (reloadInterval.isNegative()) {
      throw new IllegalArgumentException(
          "reloadIntervalSeconds must be >= 0 (0 = never), got " + reloadInterval.toSeconds());
    }
    certificateIdentities =
        List.copyOf(Objects.requireNonNullElse(certificateIdentities, List.of()));
    if (protectMetrics && tokensFile == null) {
      throw new IllegalArgumentException("protectMetrics needs tokensFile");
    }
    Set<String> seen = new HashSet<>();
    for (CertificateIdentity c : certificateIdentities) {
      if (!seen.add(CertificateIdentity.canonical(c.subject()))) {
        throw new IllegalArgumentException(
            "certificateIdentities lists subject '" + c.subject() + "' twice");
      }
    }
  }

  /** No authentication. */
  public static AuthConfig off() {
    return new AuthConfig(null, null, List.of(), false, false);
  }

  /** Tokens from {@code file}, checked for changes every {@code reload}. */
  public static AuthConfig tokens(Path file, Duration reload) {
    return new AuthConfig(file, reload, List.of(), false, false);
  }

  public AuthConfig withCertificateIdentities(List<CertificateIdentity> ids) {
    return new AuthConfig(tokensFile, reloadInterval, ids, openReflection, protectMetrics);
  }

  public AuthConfig withProtectMetrics(boolean value) {
    return new AuthConfig(tokensFile, reloadInterval, certificateIdentities, openReflection, value);
  }

  public boolean enabled() {
    return tokensFile != null || !certificateIdentities.isEmpty();
  }
}
