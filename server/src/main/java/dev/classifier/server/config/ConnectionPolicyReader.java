package dev.classifier.server.config;

import dev.classifier.server.security.ConnectionPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes {@code server.connection} (durations in whole seconds; a left-out optional limit
 * means none).
 */
final class ConnectionPolicyReader {
  private ConnectionPolicyReader() {}

  static ConnectionPolicy read(ConfigNode n) {
    n.allowOnly(
        "keepaliveTimeSeconds",
        "keepaliveTimeoutSeconds",
        "permitKeepaliveTimeSeconds",
        "permitKeepaliveWithoutCalls",
        "maxConnectionIdleSeconds",
        "maxConnectionAgeSeconds",
        "maxConnectionAgeGraceSeconds",
        "maxConcurrentCallsPerConnection",
        "maxInboundMetadataBytes",
        "maxRstFramesPerWindow",
        "rstWindowSeconds");
    ConnectionPolicy d = ConnectionPolicy.defaults();
    return n.build(
        () ->
            new ConnectionPolicy(
                seconds(n, "keepaliveTimeSeconds", d.keepaliveTime()),
                seconds(n, "keepaliveTimeoutSeconds", d.keepaliveTimeout()),
                seconds(n, "permitKeepaliveTimeSeconds", d.permitKeepaliveTime()),
                n.bool("permitKeepaliveWithoutCalls", d.permitKeepaliveWithoutCalls()),
                seconds(n, "maxConnectionIdleSeconds", null),
                seconds(n, "maxConnectionAgeSeconds", null),
                seconds(n, "maxConnectionAgeGraceSeconds", null),
                n.integer("maxConcurrentCallsPerConnection", d.maxConcurrentCallsPerConnection()),
                n.integer("maxInboundMetadataBytes", d.maxInboundMetadataBytes()),
                n.integer("maxRstFramesPerWindow", d.maxRstFramesPerWindow()),
                seconds(n, "rstWindowSeconds", d.rstWindow())));
  }

  private static Duration seconds(ConfigNode n, String key, Duration fallback) {
    if (n.raw(key) == null) {
      return fallback;
    }
    long v = n.longValue(key, 0);
    if (v < 0 || v > Long.MAX_VALUE / 1_000_000_000L) {
      throw new ConfigException(n.key(key) + " must be >= 0 seconds, got " + v);
    }
    return Duration.ofSeconds(v);
  }

  /** The policy in the schema {@link #read} reads; unlimited settings are left out. */
  static Map<String, Object> toMap(ConnectionPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keepaliveTimeSeconds", p.keepaliveTime().toSeconds());
    m.put("keepaliveTimeoutSeconds", p.keepaliveTimeout().toSeconds());
    m.put("permitKeepaliveTimeSeconds", p.permitKeepaliveTime().toSeconds());
    m.put("permitKeepaliveWithoutCalls", p.permitKeepaliveWithoutCalls());
    if (p.maxConnectionIdle() != null) {
      m.put("maxConnectionIdleSeconds", p.maxConnectionIdle().toSeconds());
    }
    if (p.maxConnectionAge() != null) {
      m.put("maxConnectionAgeSeconds", p.maxConnectionAge().toSeconds());
    }
    if (p.maxConnectionAgeGrace() != null) {
      m.put("maxConnectionAgeGraceSeconds", p.maxConnectionAgeGrace().toSeconds());
    }
    m.put("maxConcurrentCallsPerConnection", p.maxConcurrentCallsPerConnection());
    m.put("maxInboundMetadataBytes", p.maxInboundMetadataBytes());
    m.put("maxRstFramesPerWindow", p.maxRstFramesPerWindow());
    m.put("rstWindowSeconds", p.rstWindow().toSeconds());
    return m;
  }
}
