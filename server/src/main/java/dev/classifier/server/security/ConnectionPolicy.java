package dev.classifier.server.security;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client connection may do and how long it lives ({@code server.connection} in YAML).
 * Applied to the Netty server by {@code security.ConnectionPolicies}.
 *
 * @param keepaliveTime how long a connection may be silent before the server pings it (detects dead
 *     peers and keeps idle connections through NATs and load balancers)
 * @param keepaliveTimeout how long the server waits for that ping's answer before closing
 * @param permitKeepaliveTime the shortest interval at which a client may ping; a client pinging
 *     more often is sent GOAWAY ({@code too_many_pings}), so clients cannot ping-flood
 * @param permitKeepaliveWithoutCalls whether clients may ping while they have no call open
 * @param maxConnectionIdle a connection with no call for this long is closed gracefully; null =
 *     never
 * @param maxConnectionAge a connection older than this (±10 % jitter) is sent GOAWAY, so long-lived
 *     HTTP/2 connections re-balance behind load balancers; null = unlimited age
 * @param maxConnectionAgeGrace how long calls in flight at that GOAWAY may still run before the
 *     connection is closed; null = until they finish
 * @param maxConcurrentCallsPerConnection HTTP/2 MAX_CONCURRENT_STREAMS: calls beyond it wait on the
 *     client (they do not fail); open more channels for more parallelism
 * @param maxInboundMetadataBytes largest header (metadata) block accepted from a client
 * @param maxRstFramesPerWindow RST_STREAM frames a client may send per {@code rstWindow} before the
 *     connection is closed (HTTP/2 "rapid reset" protection); 0 = no limit
 * @param rstWindow the window of that count
 */
public record ConnectionPolicy(
    Duration keepaliveTime,
    Duration keepaliveTimeout,
    Duration permitKeepaliveTime,
    boolean permitKeepaliveWithoutCalls,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace,
    int maxConcurrentCallsPerConnection,
    int maxInboundMetadataBytes,
    int maxRstFramesPerWindow,
    Duration rstWindow) {

  public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofMinutes(1);
  public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
  public static final Duration DEFAULT_PERMIT_KEEPALIVE_TIME = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 128;
  public static final int DEFAULT_MAX_INBOUND_METADATA_BYTES = 8 * 1024;
  public static final int DEFAULT_MAX_RST_FRAMES = 10_000;
  public static final Duration DEFAULT_RST_WINDOW = Duration.ofSeconds(10);

  public ConnectionPolicy {
    positive(keepaliveTime, "keepaliveTimeSeconds");
    positive(keepaliveTimeout, "keepaliveTimeoutSeconds");
    Objects.requireNonNull(permitKeepaliveTime, "permitKeepaliveTimeSeconds");
    if (permitKeepaliveTime.isNegative()) {
      throw new IllegalArgumentException(
          "permitKeepaliveTimeSeconds must be >= 0, got " + permitKeepaliveTime.toSeconds());
    }
    optionalPositive(maxConnectionIdle, "maxConnectionIdleSeconds");
    optionalPositive(maxConnectionAge, "maxConnectionAgeSeconds");
    if (maxConnectionAgeGrace != null && maxConnectionAgeGrace.isNegative()) {
      throw new IllegalArgumentException(
          "maxConnectionAgeGraceSeconds must be >= 0, got " + maxConnectionAgeGrace.toSeconds());
    }
    if (maxConnectionAgeGrace != null && maxConnectionAge == null) {
      throw new IllegalArgumentException(
          "maxConnectionAgeGraceSeconds needs maxConnectionAgeSeconds");
    }
    if (maxConcurrentCallsPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentCallsPerConnection must be >= 1, got " + maxConcurrentCallsPerConnection);
    }
    if (maxInboundMetadataBytes < 1024) {
      throw new IllegalArgumentException(
          "maxInboundMetadataBytes must be >= 1024, got " + maxInboundMetadataBytes);
    }
    if (maxRstFramesPerWindow < 0) {
      throw new IllegalArgumentException(
          "maxRstFramesPerWindow must be >= 0 (0 = no limit), got " + maxRstFramesPerWindow);
    }
    Objects.requireNonNull(rstWindow, "rstWindowSeconds");
    if (rstWindow.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "rstWindowSeconds must be >= 1, got " + rstWindow.toSeconds());
    }
  }

  /** The defaults: see the constants; unlimited connection age and idle time. */
  public static ConnectionPolicy defaults() {
    return new ConnectionPolicy(
        DEFAULT_KEEPALIVE_TIME,
        DEFAULT_KEEPALIVE_TIMEOUT,
        DEFAULT_PERMIT_KEEPALIVE_TIME,
        false,
        null,
        null,
        null,
        DEFAULT_MAX_CONCURRENT_CALLS,
        DEFAULT_MAX_INBOUND_METADATA_BYTES,
        DEFAULT_MAX_RST_FRAMES,
        DEFAULT_RST_WINDOW);
  }

  /** This policy with another connection age and grace (null = unlimited). */
  public ConnectionPolicy withMaxConnectionAge(Duration age, Duration grace) {
    return new ConnectionPolicy(
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        permitKeepaliveWithoutCalls,
        maxConnectionIdle,
        age,
        grace,
        maxConcurrentCallsPerConnection,
        maxInboundMetadataBytes,
        maxRstFramesPerWindow,
        rstWindow);
  }

  /** This policy with another limit of concurrent calls per connection. */
  public ConnectionPolicy withMaxConcurrentCallsPerConnection(int calls) {
    return new ConnectionPolicy(
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        permitKeepaliveWithoutCalls,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace,
        calls,
        maxInboundMetadataBytes,
        maxRstFramesPerWindow,
        rstWindow);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d.toSeconds());
    }
  }

  private static void optionalPositive(Duration d, String name) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new IllegalArgumentException(
          name + " must be > 0 (leave it out for no limit), got " + d.toSeconds());
    }
  }
}
