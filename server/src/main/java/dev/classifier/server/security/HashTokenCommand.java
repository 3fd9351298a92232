package dev.classifier.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code classifier-server hash-token}: makes a token-file entry. Without {@code --token-from} it
 * generates a random 256-bit token and prints it once (only its salted hash is stored).
 */
@Command(
    name = "hash-token",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a token-file entry (salted SHA-256 hash; the token itself is never stored).",
      "Prints a new random token once on stdout, and the entry line (or appends it with --append)."
    })
public final class HashTokenCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, description = "Identity name, shown in logs.")
  String name;

  @Option(
      names = "--models",
      required = true,
      split = ",",
      description = "Models this token may use, comma-separated, or * for every model.")
  Set<String> models = new LinkedHashSet<>();

  @Option(names = "--admin", description = "May call the Admin service (ReloadModel).")
  boolean admin;

  @Option(
      names = "--token-from",
      paramLabel = "FILE",
      description = "Hash the token in this file (first line) instead of generating one.")
  Path tokenFrom;

  @Option(
      names = "--append",
      paramLabel = "TOKEN_FILE",
      description = "Append the entry to this token file (created owner-only if missing).")
  Path append;

  @Override
  public Integer call() throws IOException {
    String token;
    boolean generated = tokenFrom == null;
    if (generated) {
      token = TokenHash.newToken();
    } else {
      token =
          Files.readAllLines(tokenFrom, StandardCharsets.UTF_8).stream()
              .findFirst()
              .orElse("")
              .strip();
      if (token.length() < 16) {
        System.err.println(
            "hash-token: the token in " + tokenFrom + " is shorter than 16 characters");
        return 2;
      }
    }
    TokenFile.Entry entry;
    try {
      entry = new TokenFile.Entry(new Principal(name, models, admin, "token"), TokenHash.of(token));
      if (name.chars().anyMatch(Character::isWhitespace) || name.contains("=")) {
        throw new IllegalArgumentException("--name must not contain spaces or '='");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("hash-token: " + e.getMessage());
      return 2;
    }
    if (append != null) {
      if (Files.exists(append)) {
        boolean taken =
            TokenFile.parse(Files.readAllBytes(append)).stream()
                .anyMatch(e -> e.principal().name().equals(name));
        if (taken) {
          System.err.println(
              "hash-token: " + append + " already has an entry named '" + name + "'");
          return 2;
        }
      } else {
        createOwnerOnly(append);
      }
      Files.writeString(
          append, entry.line() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      System.err.println("appended entry '" + name + "' to " + append);
    } else {
      System.out.println(entry.line());
    }
    if (generated) {
      System.out.println("token: " + token);
      System.err.println("keep the token secret; it is shown only now.");
    }
    return 0;
  }

  private static void createOwnerOnly(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
  }
}
