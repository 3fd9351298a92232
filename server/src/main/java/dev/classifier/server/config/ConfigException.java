package dev.classifier.server.config;

/**
 * A configuration problem; the message names the setting by its path in the YAML file (for example
 * {@code models[0].batching.maxBatchSize must be >= 1, got 0}) and fits on one line.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message.replace('\n', ' '));
  }

  public ConfigException(String message, Throwable cause) {
    super(message.replace('\n', ' '), cause);
  }
}
