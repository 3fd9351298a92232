package dev.classifier.server.config;

import dev.classifier.server.security.ConnectionPolicy;
import dev.classifier.server.security.SecurityConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The server's settings.
 *
 * @param host address to bind (gRPC and metrics)
 * @param port port to bind; 0 = an ephemeral port (printed at start)
 * @param models the models to serve, at least one
 * @param defaultModel name of the model used when a request names none; null = the first
 * @param streamWindow images a ClassifyStream call may have in flight (received, not yet answered)
 * @param maxMessageBytes largest request message accepted
 * @param shutdownGrace how long shutdown waits for queued and running work before cancelling it
 * @param transport "auto" (epoll on Linux, else NIO), "epoll" or "nio"
 * @param metricsPort HTTP port of the Prometheus {@code /metrics} endpoint; 0 = ephemeral, -1 = off
 * @param jmx whether metrics are also published as JMX MBeans (domain {@code classifier})
 * @param accessLog whether every call is logged (one line) to the {@code classifier.access} logger
 * @param limits per-request limits (decode budget, default timeout); null = {@link
 *     RequestLimits#DEFAULTS}
 * @param connection keepalive, connection age and per-connection limits; null = the defaults
 * @param security TLS, authentication, admin listener, insecure override; null = none (loopback
 *     only)
 * @param warmup how the serving path is warmed before readiness ({@code server.warmup})
 */
public record ServerConfig(
    String host,
    int port,
    List<ModelConfig> models,
    String defaultModel,
    int streamWindow,
    int maxMessageBytes,
    Duration shutdownGrace,
    String transport,
    int metricsPort,
    boolean jmx,
    boolean accessLog,
    RequestLimits limits,
    ConnectionPolicy connection,
    SecurityConfig security,
    WarmupConfig warmup) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 50051;

  /** Default Prometheus port (the one Prometheus' own server uses). */
  public static final int DEFAULT_METRICS_PORT = 9090;

  public static final int DEFAULT_STREAM_WINDOW = 64;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final String DEFAULT_TRANSPORT = "auto";

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("server.host must not be empty, got '" + host + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("server.port must be in 0..65535, got " + port);
    }
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException("models must list at least one model");
    }
    models = List.copyOf(models);
    if (streamWindow < 1) {
      throw new IllegalArgumentException("server.streamWindow must be >= 1, got " + streamWindow);
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          "server.maxMessageBytes must be >= 1024, got " + maxMessageBytes);
    }
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("server.shutdownGrace must be >= 0, got " + shutdownGrace);
    }
    transport = transport == null ? DEFAULT_TRANSPORT : transport;
    if (!List.of("auto", "epoll", "nio").contains(transport)) {
      throw new IllegalArgumentException(
          "server.transport must be auto, epoll or nio, got '" + transport + "'");
    }
    limits = limits == null ? RequestLimits.DEFAULTS : limits;
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "server.metricsPort must be -1 (off) or in 0..65535, got " + metricsPort);
    }
    connection = connection == null ? ConnectionPolicy.defaults() : connection;
    security = security == null ? SecurityConfig.none() : security;
    warmup = warmup == null ? WarmupConfig.disabled() : warmup;
  }

  /**
   * Defaults: loopback, the given port, stream window 64, 64 MiB messages, 10 s grace, no metrics
   * endpoint, no warm-up (tests); {@code toBuilder().metricsPort(...)} turns it on.
   */
  public static ServerConfig of(int port, List<ModelConfig> models) {
    return new ServerConfig(
        DEFAULT_HOST,
        port,
        models,
        null,
        DEFAULT_STREAM_WINDOW,
        DEFAULT_MAX_MESSAGE_BYTES,
        DEFAULT_SHUTDOWN_GRACE,
        DEFAULT_TRANSPORT,
        -1,
        false,
        false,
        null,
        null,
        null,
        null);
  }

  /** Whether the Prometheus endpoint is on. */
  public boolean metricsEnabled() {
    return metricsPort >= 0;
  }

  /** A builder holding this configuration's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some values of a configuration; {@link #build()} validates the result. */
  public static final class Builder {
    private String host;
    private int port;
    private List<ModelConfig> models;
    private String defaultModel;
    private int streamWindow;
    private int maxMessageBytes;
    private Duration shutdownGrace;
    private String transport;
    private int metricsPort;
    private boolean jmx;
    private boolean accessLog;
    private RequestLimits limits;
    private ConnectionPolicy connection;
    private SecurityConfig security;
    private WarmupConfig warmup;

    private Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      models = c.models;
      defaultModel = c.defaultModel;
      streamWindow = c.streamWindow;
      maxMessageBytes = c.maxMessageBytes;
      shutdownGrace = c.shutdownGrace;
      transport = c.transport;
      metricsPort = c.metricsPort;
      jmx = c.jmx;
      accessLog = c.accessLog;
      limits = c.limits;
      connection = c.connection;
      security = c.security;
      warmup = c.warmup;
    }

    public Builder limits(RequestLimits value) {
      limits = value;
      return this;
    }

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder models(List<ModelConfig> value) {
      models = value;
      return this;
    }

    public Builder defaultModel(String value) {
      defaultModel = value;
      return this;
    }

    public Builder streamWindow(int value) {
      streamWindow = value;
      return this;
    }

    public Builder maxMessageBytes(int value) {
      maxMessageBytes = value;
      return this;
    }

    public Builder shutdownGrace(Duration value) {
      shutdownGrace = value;
      return this;
    }

    public Builder transport(String value) {
      transport = value;
      return this;
    }

    public Builder metricsPort(int value) {
      metricsPort = value;
      return this;
    }

    public Builder jmx(boolean value) {
      jmx = value;
      return this;
    }

    public Builder accessLog(boolean value) {
      accessLog = value;
      return this;
    }

    public Builder connection(ConnectionPolicy value) {
      connection = value;
      return this;
    }

    public Builder security(SecurityConfig value) {
      security = value;
      return this;
    }

    public Builder warmup(WarmupConfig value) {
      warmup = value;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          models,
          defaultModel,
          streamWindow,
          maxMessageBytes,
          shutdownGrace,
          transport,
          metricsPort,
          jmx,
          accessLog,
          limits,
          connection,
          security,
          warmup);
    }
  }
}
