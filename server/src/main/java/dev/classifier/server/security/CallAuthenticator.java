package dev.classifier.server.security;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Finds who a call comes from: a bearer token in the {@code authorization} metadata, else a client
 * certificate (verified by mutual TLS) whose subject is mapped to an identity. A token that is
 * given but unknown fails even when a certificate would map: an explicit wrong credential is an
 * error. Descriptions never contain the token.
 */
public final class CallAuthenticator {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** An identity, or the UNAUTHENTICATED status saying why there is none. */
  public record Result(Principal principal, Status failure) {}

  private final TokenStore tokens;
  private final Map<String, Principal> bySubject = new HashMap<>();

  public CallAuthenticator(TokenStore tokens, List<CertificateIdentity> certificates) {
    this.tokens = tokens;
    for (CertificateIdentity c : certificates) {
      bySubject.put(CertificateIdentity.canonical(c.subject()), c.principal());
    }
  }

  public Result authenticate(Metadata headers, Attributes transport) {
    String header = headers.get(AUTHORIZATION);
    if (header != null) {
      if (header.length() < 7
          || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
        return fail("the authorization metadata must be 'Bearer <token>'");
      }
      String token = header.substring(7).strip();
      Optional<Principal> p = tokens == null ? Optional.empty() : tokens.authenticate(token);
      return p.map(x -> new Result(x, null)).orElseGet(() -> fail("unknown or revoked token"));
    }
    Principal fromCert = certificateIdentity(transport);
    if (fromCert != null) {
      return new Result(fromCert, null);
    }
    return fail(
        bySubject.isEmpty()
            ? "missing credentials: send metadata 'authorization: Bearer <token>'"
            : "missing credentials: send metadata 'authorization: Bearer <token>' or a client"
                + " certificate mapped to an identity");
  }

  private Principal certificateIdentity(Attributes transport) {
    if (bySubject.isEmpty() || transport == null) {
      return null;
    }
    SSLSession session = transport.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return null;
      }
      return bySubject.get(
          leaf.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.CANONICAL));
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static Result fail(String why) {
    return new Result(null, Status.UNAUTHENTICATED.withDescription(why));
  }
}
