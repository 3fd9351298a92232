package dev.classifier.server.security;

import javax.security.auth.x500.X500Principal;

/**
 * A client-certificate subject that stands in for a token ({@code
 * security.auth.certificateIdentities}): a client presenting a certificate (verified by mutual TLS)
 * with exactly this subject is this identity.
 *
 * @param subject the certificate subject, e.g. {@code CN=backend-a,O=example}; compared in the
 *     canonical RFC 2253 form (case and spacing do not matter)
 */
public record CertificateIdentity(String subject, Principal principal) {
  public CertificateIdentity {
    try {
      canonical(subject);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "certificate subject '" + subject + "' is not a distinguished name (CN=...,O=...)", e);
    }
  }

  /** The canonical form of a distinguished name. */
  public static String canonical(String dn) {
    return new X500Principal(dn).getName(X500Principal.CANONICAL);
  }
}
