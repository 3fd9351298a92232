package dev.classifier.server.security;

import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * A certificate chain and its private key read from PEM files, checked to belong together (the key
 * signs, the leaf certificate's public key verifies), so a bad rotation is refused before it can
 * break handshakes.
 */
public record PemCredentials(X509Certificate[] chain, PrivateKey key) {

  public static PemCredentials read(byte[] certPem, byte[] keyPem, String what)
      throws GeneralSecurityException {
    X509Certificate[] chain = certificates(certPem, what + " certificate chain");
    PrivateKey key;
    try {
      key = CertificateUtils.getPrivateKey(new ByteArrayInputStream(keyPem));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException(
          what + " private key is not a PEM PKCS#8 RSA or EC key: " + e.getMessage(), e);
    }
    checkPair(chain[0], key, what);
    return new PemCredentials(chain, key);
  }

  public static PemCredentials read(Path cert, Path key)
      throws IOException, GeneralSecurityException {
    return read(Files.readAllBytes(cert), Files.readAllBytes(key), cert.toString());
  }

  /** Every certificate in a PEM bundle; at least one. */
  public static X509Certificate[] certificates(byte[] pem, String what)
      throws GeneralSecurityException {
    X509Certificate[] certs;
    try {
      certs = CertificateUtils.getX509Certificates(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new GeneralSecurityException(what + " is not PEM X.509: " + e.getMessage(), e);
    }
    if (certs == null || certs.length == 0) {
      throw new GeneralSecurityException(what + " holds no certificate");
    }
    return certs;
  }

  private static void checkPair(X509Certificate leaf, PrivateKey key, String what)
      throws GeneralSecurityException {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (alg == null) {
      return; // unknown key type: the handshake will tell
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    Signature signer = Signature.getInstance(alg);
    signer.initSign(key);
    signer.update(probe);
    byte[] sig = signer.sign();
    Signature verifier = Signature.getInstance(alg);
    verifier.initVerify(leaf.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(sig)) {
      throw new GeneralSecurityException(
          what
              + ": the private key does not match the certificate "
              + leaf.getSubjectX500Principal().getName());
    }
  }
}
