package dev.classifier.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Salted token hashes as stored in the token file: {@code sha256$<salt>$<hash>}, both base64url,
 * hash = SHA-256(salt || token). Tokens are 256-bit random strings made by {@code hash-token}, so a
 * fast hash is enough (this is no password store); the per-entry salt keeps equal tokens apart and
 * defeats precomputed tables. Comparison is constant-time.
 */
public final class TokenHash {
  public static final String SCHEME = "sha256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] salt;
  private final byte[] hash;

  private TokenHash(byte[] salt, byte[] hash) {
    this.salt = salt;
    this.hash = hash;
  }

  /** A fresh random token: "clf_" and 43 base64url characters (256 bits). */
  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "clf_" + B64.encodeToString(b);
  }

  /** Hashes {@code token} with a fresh 16-byte salt. */
  public static TokenHash of(String token) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new TokenHash(salt, digest(salt, token));
  }

  /** Parses {@code sha256$<salt>$<hash>}. */
  public static TokenHash parse(String text) {
    String[] parts = text.split("\\$", -1);
    if (parts.length != 3 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("hash must look like sha256$<salt>$<hash>");
    }
    try {
      byte[] salt = B64D.decode(parts[1]);
      byte[] hash = B64D.decode(parts[2]);
      if (salt.length < 8 || hash.length != 32) {
        throw new IllegalArgumentException(
            "hash has a salt under 8 bytes or a digest not 32 bytes");
      }
      return new TokenHash(salt, hash);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hash is not valid base64url: " + e.getMessage(), e);
    }
  }

  /** Whether {@code token} hashes to this entry, in time independent of where they differ. */
  public boolean matches(String token) {
    return MessageDigest.isEqual(hash, digest(salt, token));
  }

  @Override
  public String toString() {
    return SCHEME + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  private static byte[] digest(byte[] salt, String token) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(salt);
      d.update(token.getBytes(StandardCharsets.UTF_8));
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
