package dev.classifier.server.security;

import io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Applies a {@link ConnectionPolicy} to a Netty server builder (keepalive, age, limits). */
public final class ConnectionPolicies {
  private ConnectionPolicies() {}

  public static NettyServerBuilder apply(ConnectionPolicy p, NettyServerBuilder b) {
    b.keepAliveTime(nanos(p.keepaliveTime()), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(nanos(p.keepaliveTimeout()), TimeUnit.NANOSECONDS)
        .permitKeepAliveTime(nanos(p.permitKeepaliveTime()), TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(p.permitKeepaliveWithoutCalls())
        .maxConcurrentCallsPerConnection(p.maxConcurrentCallsPerConnection())
        .maxInboundMetadataSize(p.maxInboundMetadataBytes());
    if (p.maxConnectionIdle() != null) {
      b.maxConnectionIdle(nanos(p.maxConnectionIdle()), TimeUnit.NANOSECONDS);
    }
    if (p.maxConnectionAge() != null) {
      b.maxConnectionAge(nanos(p.maxConnectionAge()), TimeUnit.NANOSECONDS);
    }
    if (p.maxConnectionAgeGrace() != null) {
      b.maxConnectionAgeGrace(nanos(p.maxConnectionAgeGrace()), TimeUnit.NANOSECONDS);
    }
    if (p.maxRstFramesPerWindow() > 0) {
      b.maxRstFramesPerWindow(
          p.maxRstFramesPerWindow(), (int) Math.min(Integer.MAX_VALUE, p.rstWindow().toSeconds()));
    }
    return b;
  }

  private static long nanos(Duration d) {
    return d.toNanos();
  }
}
