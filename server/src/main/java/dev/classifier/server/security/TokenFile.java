package dev.classifier.server.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The token file: one entry per line, {@code key=value} fields separated by spaces, {@code #}
 * comments and blank lines ignored. No token is ever stored, only its salted hash:
 *
 * <pre>
 * name=backend-a hash=sha256$&lt;salt&gt;$&lt;hash&gt; models=fashion-mnist,resnet50 admin=false
 * name=ops       hash=sha256$...$...                 models=*                  admin=true
 * </pre>
 *
 * {@code classifier-server hash-token} writes such lines.
 */
public final class TokenFile {
  /** One line: who, the token's hash, and what it may do. */
  public record Entry(Principal principal, TokenHash hash) {
    /** The line for the file. */
    public String line() {
      return "name="
          + principal.name()
          + " hash="
          + hash
          + " models="
          + String.join(",", new java.util.TreeSet<>(principal.models()))
          + " admin="
          + principal.admin();
    }
  }

  private TokenFile() {}

  /** Parses the file; errors name the line number (never echo a value that could be a token). */
  public static List<Entry> parse(byte[] content) {
    String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
    List<Entry> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        Entry e = entry(line);
        if (!names.add(e.principal().name())) {
          throw new IllegalArgumentException("name '" + e.principal().name() + "' appears twice");
        }
        out.add(e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("token file line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static Entry entry(String line) {
    String name = null;
    String hash = null;
    Set<String> models = null;
    Boolean admin = null;
    for (String field : line.split("\\s+")) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value fields (name, hash, models, admin)");
      }
      String key = field.substring(0, eq);
      String value = field.substring(eq + 1);
      switch (key) {
        case "name" -> name = value;
        case "hash" -> hash = value;
        case "models" -> models = new LinkedHashSet<>(Arrays.asList(value.split(",")));
        case "admin" -> {
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("admin must be true or false");
          }
          admin = Boolean.parseBoolean(value);
        }
        default -> throw new IllegalArgumentException("unknown field '" + key + "'");
      }
    }
    if (name == null || hash == null) {
      throw new IllegalArgumentException("name and hash are required");
    }
    if (models == null) {
      throw new IllegalArgumentException("models is required (a list, or * for every model)");
    }
    models.removeIf(String::isBlank);
    return new Entry(
        new Principal(name, models, admin != null && admin, "token"), TokenHash.parse(hash));
  }
}
