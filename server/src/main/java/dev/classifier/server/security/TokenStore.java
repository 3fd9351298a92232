package dev.classifier.server.security;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The tokens currently accepted, from the token file, swapped whole when the file changes (a
 * removed line stops working at the next check). Lookup checks every entry, each in constant time,
 * so neither timing nor an early exit tells which entry, or which byte, differed.
 */
public final class TokenStore implements AutoCloseable {
  private final FileReloader reloader;
  private volatile List<TokenFile.Entry> entries = List.of();

  private TokenStore(Path file) {
    this.reloader =
        new FileReloader(
            "token file", List.of(file), c -> entries = List.copyOf(TokenFile.parse(c.get(0))));
  }

  /** Reads the file (failing with a message naming it and the bad line). */
  public static TokenStore load(Path file) throws IOException {
    TokenStore s = new TokenStore(file);
    s.reloader.loadNow();
    return s;
  }

  /** The identity {@code token} belongs to, if any. */
  public Optional<Principal> authenticate(String token) {
    Principal found = null;
    for (TokenFile.Entry e : entries) {
      if (e.hash().matches(token) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return entries.size();
  }

  public FileReloader reloader() {
    return reloader;
  }

  @Override
  public void close() {
    reloader.close();
  }
}
