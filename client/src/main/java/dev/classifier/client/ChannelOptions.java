package dev.classifier.client;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a client channel spreads and retries calls, expressed as a gRPC service config (no home-made
 * balancing or retry loop).
 *
 * <ul>
 *   <li>{@code loadBalancing}: {@code pick_first} (one connection; the default) or {@code
 *       round_robin} (one connection per resolved address, calls rotate over the ready ones). Use
 *       round_robin with a target that resolves to every replica: {@code
 *       dns:///classifier-headless:50051} or {@code static:///h1:p,h2:p}.
 *   <li>{@code retryAttempts}: extra attempts after the first for unary calls ({@code Classify},
 *       {@code GetModelInfo}, {@code ListModels}) that fail with {@code UNAVAILABLE} (replica
 *       draining or gone) or {@code RESOURCE_EXHAUSTED} (queue full) before any response arrived;
 *       exponential backoff with jitter from {@code initialBackoff} to {@code maxBackoff}. Never
 *       for other codes: INVALID_ARGUMENT, NOT_FOUND, DEADLINE_EXCEEDED, INTERNAL are final.
 *       Streams are not retried. 0 = no retries.
 * </ul>
 */
public record ChannelOptions(
    String loadBalancing, int retryAttempts, Duration initialBackoff, Duration maxBackoff) {
  public static final String PICK_FIRST = "pick_first";
  public static final String ROUND_ROBIN = "round_robin";

  /** gRPC caps maxAttempts (first attempt included) at 5. */
  public static final int MAX_RETRY_ATTEMPTS = 4;

  /** Codes retried: the request may succeed elsewhere or later. */
  public static final List<String> RETRYABLE = List.of("UNAVAILABLE", "RESOURCE_EXHAUSTED");

  public ChannelOptions {
    loadBalancing = loadBalancing == null ? PICK_FIRST : loadBalancing.toLowerCase(Locale.ROOT);
    if (!loadBalancing.equals(PICK_FIRST) && !loadBalancing.equals(ROUND_ROBIN)) {
      throw new IllegalArgumentException(
          "load balancing must be pick_first or round_robin, got '" + loadBalancing + "'");
    }
    if (retryAttempts < 0 || retryAttempts > MAX_RETRY_ATTEMPTS) {
      throw new IllegalArgumentException(
          "retry attempts must be in 0.." + MAX_RETRY_ATTEMPTS + ", got " + retryAttempts);
    }
    initialBackoff = initialBackoff == null ? Duration.ofMillis(50) : initialBackoff;
    maxBackoff = maxBackoff == null ? Duration.ofSeconds(1) : maxBackoff;
    if (initialBackoff.isNegative()
        || initialBackoff.isZero()
        || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 < initial <= max, got " + initialBackoff + " and " + maxBackoff);
    }
  }

  /** One connection, no retries: the behaviour of a plain channel. */
  public static ChannelOptions defaults() {
    return new ChannelOptions(PICK_FIRST, 0, null, null);
  }

  public static ChannelOptions of(String loadBalancing, int retryAttempts) {
    return new ChannelOptions(loadBalancing, retryAttempts, null, null);
  }

  /** The service config as gRPC-java wants it (JSON-like maps, numbers as Double). */
  public Map<String, Object> serviceConfig() {
    Map<String, Object> lb =
        Map.of("loadBalancingConfig", List.of(Map.of(loadBalancing, Map.of())));
    if (retryAttempts == 0) {
      return lb;
    }
    Map<String, Object> retry =
        Map.of(
            "maxAttempts",
            (double) (retryAttempts + 1),
            "initialBackoff",
            seconds(initialBackoff),
            "maxBackoff",
            seconds(maxBackoff),
            "backoffMultiplier",
            2.0,
            "retryableStatusCodes",
            RETRYABLE);
    Map<String, Object> methods =
        Map.of(
            "name",
            List.of(
                Map.of("service", "classifier.v1.Classifier", "method", "Classify"),
                Map.of("service", "classifier.v1.Classifier", "method", "GetModelInfo"),
                Map.of("service", "classifier.v1.Classifier", "method", "ListModels")),
            "retryPolicy",
            retry);
    return Map.of(
        "loadBalancingConfig", lb.get("loadBalancingConfig"), "methodConfig", List.of(methods));
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.9fs", d.toNanos() / 1e9);
  }
}
