package dev.classifier.server.security;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The admin plane ({@code security.admin} in YAML): classifier.v1.Admin is served only on its own
 * listener, loopback by default, never on the public port.
 *
 * @param host address of the admin listener
 * @param port its port; 0 = ephemeral (tests), -1 = no admin listener (SIGHUP still reloads)
 * @param modelRoot the only folder ReloadModel may load a new path from (symbolic links resolved);
 *     null = reloading from a path is refused (reloading a model from its own file still works)
 */
public record AdminConfig(String host, int port, Path modelRoot) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 50052;

  public AdminConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("port must be -1 (off) or in 0..65535, got " + port);
    }
  }

  /** Loopback, port 50052, no model root. */
  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_HOST, DEFAULT_PORT, null);
  }

  /** Loopback on an ephemeral port, no model root (tests). */
  public static AdminConfig ephemeral() {
    return new AdminConfig(DEFAULT_HOST, 0, null);
  }

  public boolean enabled() {
    return port >= 0;
  }

  public AdminConfig withPort(int value) {
    return new AdminConfig(host, value, modelRoot);
  }

  public AdminConfig withModelRoot(Path value) {
    return new AdminConfig(host, port, value);
  }
}
