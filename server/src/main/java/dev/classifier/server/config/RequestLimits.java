package dev.classifier.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-request limits applied at admission (YAML {@code server.decodeBudgetBytes}, {@code
 * server.defaultTimeoutMillis}).
 *
 * @param decodeBudgetBytes estimated decoded bytes of encoded images that may be queued or decoding
 *     at once; 0 = the default, a quarter of the maximum heap (at least 64 MiB)
 * @param defaultTimeout deadline given to calls and stream items that carry none; {@link
 *     Duration#ZERO} = none
 */
public record RequestLimits(long decodeBudgetBytes, Duration defaultTimeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final RequestLimits DEFAULTS = new RequestLimits(0, DEFAULT_TIMEOUT);

  public RequestLimits {
    if (decodeBudgetBytes < 0) {
      throw new IllegalArgumentException(
          "server.decodeBudgetBytes must be >= 0 (0 = a quarter of the heap), got "
              + decodeBudgetBytes);
    }
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    if (defaultTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "server.defaultTimeoutMillis must be >= 0 (0 = none), got " + defaultTimeout.toMillis());
    }
  }
}
