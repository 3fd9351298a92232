package dev.classifier.server.security;

import com.sun.net.httpserver.HttpsConfigurator;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything security the running server holds, built from {@link SecurityConfig}: the TLS
 * material (reloaded on its own small scheduler thread, never a gRPC event loop). {@code
 * ClassifierServer} asks it to configure the Netty builder and the metrics endpoint and closes it
 * last.
 */
public final class ServerSecurity implements AutoCloseable {
  private final SecurityConfig config;
  private final ScheduledExecutorService scheduler;
  private final ServerTls tls;

  private ServerSecurity(SecurityConfig config, ScheduledExecutorService scheduler, ServerTls tls) {
    this.config = config;
    this.scheduler = scheduler;
    this.tls = tls;
  }

  /** Loads the credentials (failing with a message naming the bad file) and starts reloading. */
  public static ServerSecurity start(SecurityConfig config) throws IOException {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "classifier-security-reload");
              t.setDaemon(true);
              return t;
            });
    ServerTls tls = null;
    try {
      if (config.tls() != null) {
        tls = ServerTls.load(config.tls()).startReloading(scheduler);
      }
    } catch (IOException | RuntimeException e) {
      scheduler.shutdownNow();
      throw e;
    }
    return new ServerSecurity(config, scheduler, tls);
  }

  /** Applies TLS to the gRPC port. */
  public void configure(NettyServerBuilder builder) throws IOException {
    if (tls != null) {
      builder.sslContext(tls.grpcContext());
    }
  }

  /** HTTPS settings for the metrics endpoint, or null for plain HTTP. */
  public HttpsConfigurator metricsHttps() throws IOException {
    return tls != null && config.tls().metrics() ? tls.httpsConfigurator() : null;
  }

  /** The TLS material, or null in plaintext. */
  public ServerTls tls() {
    return tls;
  }

  /** For the start-up line. */
  public String describe() {
    return tls == null ? "plaintext" : tls.describe();
  }

  @Override
  public void close() {
    if (tls != null) {
      tls.close();
    }
    scheduler.shutdownNow();
  }
}
