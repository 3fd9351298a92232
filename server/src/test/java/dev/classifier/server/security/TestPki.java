package dev.classifier.server.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made inside tests (BouncyCastle, EC P-256): a CA, and server or client certificates
 * it signs, valid now or already expired, written as PEM (certificate; PKCS#8 key).
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate with its key. */
  record Issued(X509Certificate cert, PrivateKey key) {
    /** Writes {@code <stem>.pem} and {@code <stem>.key} into {@code dir}. */
    Pem write(Path dir, String stem) throws IOException {
      Path c = dir.resolve(stem + ".pem");
      Path k = dir.resolve(stem + ".key");
      writeTo(c, k);
      return new Pem(c, k);
    }

    void writeTo(Path certFile, Path keyFile) throws IOException {
      try {
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IOException(e);
      }
      Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    }
  }

  record Pem(Path cert, Path key) {}

  private TestPki() {}

  static Issued ca(String name) throws Exception {
    KeyPair kp = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            serial(),
            from(Duration.ofDays(-1)),
            from(Duration.ofDays(30)),
            subject,
            kp.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Issued(sign(b, kp.getPrivate()), kp.getPrivate());
  }

  /** A server certificate for 127.0.0.1 and localhost, valid now. */
  static Issued server(Issued ca, String cn) throws Exception {
    return leaf(ca, cn, KeyPurposeId.id_kp_serverAuth, Duration.ofDays(-1), Duration.ofDays(30));
  }

  static Issued client(Issued ca, String cn) throws Exception {
    return leaf(ca, cn, KeyPurposeId.id_kp_clientAuth, Duration.ofDays(-1), Duration.ofDays(30));
  }

  /** A client certificate whose validity ended yesterday. */
  static Issued expiredClient(Issued ca, String cn) throws Exception {
    return leaf(ca, cn, KeyPurposeId.id_kp_clientAuth, Duration.ofDays(-10), Duration.ofDays(-1));
  }

  private static Issued leaf(
      Issued ca, String cn, KeyPurposeId purpose, Duration notBefore, Duration notAfter)
      throws Exception {
    KeyPair kp = keyPair();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            ca.cert(),
            serial(),
            from(notBefore),
            from(notAfter),
            new X500Name("CN=" + cn + ",O=test"),
            kp.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
    return new Issued(sign(b, ca.key()), kp.getPrivate());
  }

  static void writeCert(X509Certificate cert, Path file) throws Exception {
    Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static Date from(Duration offset) {
    return Date.from(Instant.now().plus(offset));
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
