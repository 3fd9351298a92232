package dev.classifier.server.security;

import com.sun.net.httpserver.HttpsConfigurator;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * Everything security the running server holds, built from {@link SecurityConfig}: the TLS material
 * and the token store (both reloaded on this object's own scheduler thread, never a gRPC event
 * loop) and the authentication interceptor. {@code ClassifierServer} asks it to configure the Netty
 * builder, the metrics endpoint and each service, and closes it last.
 */
public final class ServerSecurity implements AutoCloseable {
  /** Always answered without credentials: Kubernetes probes. */
  public static final String HEALTH_SERVICE = "grpc.health.v1.Health";

  public static final Set<String> REFLECTION_SERVICES =
      Set.of("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

  private final SecurityConfig config;
  private final ScheduledExecutorService scheduler;
  private final ServerTls tls;
  private final TokenStore tokens;
  private final AuthInterceptor auth;
  private final ModelPathPolicy modelPaths;
  private Server admin;

  private ServerSecurity(
      SecurityConfig config,
      ScheduledExecutorService scheduler,
      ServerTls tls,
      TokenStore tokens,
      AuthInterceptor auth,
      ModelPathPolicy modelPaths) {
    this.config = config;
    this.scheduler = scheduler;
    this.tls = tls;
    this.tokens = tokens;
    this.auth = auth;
    this.modelPaths = modelPaths;
  }

  /**
   * Loads the credentials and tokens (failing with a message naming the bad file) and starts
   * reloading them.
   *
   * @param host the public address (gRPC and metrics), checked by {@link ExposureCheck}
   * @param servedName the served model a request's model field means, or null (see {@link
   *     AuthInterceptor})
   * @param rules how request messages name models
   */
  public static ServerSecurity start(
      SecurityConfig config,
      String host,
      UnaryOperator<String> servedName,
      ModelRules rules,
      java.util.function.Predicate<io.grpc.Metadata> internalCaller)
      throws IOException {
    ExposureCheck.check(host, config);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "classifier-security-reload");
              t.setDaemon(true);
              return t;
            });
    ServerTls tls = null;
    TokenStore tokens = null;
    try {
      ModelPathPolicy paths = ModelPathPolicy.under(config.admin().modelRoot());
      if (config.tls() != null) {
        tls = ServerTls.load(config.tls()).startReloading(scheduler);
      }
      AuthConfig a = config.auth();
      AuthInterceptor interceptor = null;
      if (a.enabled()) {
        if (a.tokensFile() != null) {
          tokens = TokenStore.load(a.tokensFile());
          tokens.reloader().start(scheduler, a.reloadInterval());
        }
        Set<String> open = new HashSet<>(Set.of(HEALTH_SERVICE));
        if (a.openReflection()) {
          open.addAll(REFLECTION_SERVICES);
        }
        interceptor =
            new AuthInterceptor(
                new CallAuthenticator(tokens, a.certificateIdentities()),
                rules,
                servedName,
                open,
                internalCaller);
      }
      return new ServerSecurity(config, scheduler, tls, tokens, interceptor, paths);
    } catch (IOException | RuntimeException e) {
      if (tls != null) {
        tls.close();
      }
      if (tokens != null) {
        tokens.close();
      }
      scheduler.shutdownNow();
      throw e;
    }
  }

  /** Applies TLS to the gRPC port. */
  public void configure(NettyServerBuilder builder) throws IOException {
    if (tls != null) {
      builder.sslContext(tls.grpcContext());
    }
  }

  /** Where Admin/ReloadModel may load models from. */
  public ModelPathPolicy modelPaths() {
    return modelPaths;
  }

  /**
   * Starts the admin listener (when configured) serving {@code adminService}, with the same TLS and
   * connection policy as the public port.
   *
   * @param transport sets the channel type and event loops of the builder
   * @return the listener, or null when the admin port is -1
   */
  public synchronized Server startAdmin(
      UnaryOperator<NettyServerBuilder> transport,
      ConnectionPolicy policy,
      ServerServiceDefinition adminService)
      throws IOException {
    AdminConfig a = config.admin();
    if (!a.enabled()) {
      return null;
    }
    NettyServerBuilder b =
        transport
            .apply(NettyServerBuilder.forAddress(new InetSocketAddress(a.host(), a.port())))
            .directExecutor()
            .maxInboundMessageSize(1024 * 1024);
    ConnectionPolicies.apply(policy, b);
    configure(b);
    Server s = b.addService(adminService).build();
    try {
      s.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot listen for admin on " + a.host() + ":" + a.port() + ": " + e.getMessage(), e);
    }
    admin = s;
    return s;
  }

  /** The admin listener's port, or -1 when there is none. */
  public synchronized int adminPort() {
    return admin == null ? -1 : admin.getPort();
  }

  /** {@code service} behind the authentication interceptor (unchanged when auth is off). */
  public ServerServiceDefinition intercept(ServerServiceDefinition service) {
    return auth == null ? service : ServerInterceptors.intercept(service, auth);
  }

  /** HTTPS settings for the metrics endpoint, or null for plain HTTP. */
  public HttpsConfigurator metricsHttps() throws IOException {
    return tls != null && config.tls().metrics() ? tls.httpsConfigurator() : null;
  }

  /** The bearer-token check for {@code /metrics}, or null when metrics are open. */
  public com.sun.net.httpserver.Authenticator metricsAuthenticator() {
    return tokens != null && config.auth().protectMetrics()
        ? new MetricsAuthenticator(tokens)
        : null;
  }

  /** The TLS material, or null in plaintext. */
  public ServerTls tls() {
    return tls;
  }

  /** The token store, or null without a token file. */
  public TokenStore tokens() {
    return tokens;
  }

  /** For the start-up line. */
  public String describe() {
    String transport = tls == null ? "plaintext" : tls.describe();
    if (auth == null) {
      return transport + ", no authentication";
    }
    StringBuilder sb = new StringBuilder(transport).append(", authentication:");
    if (tokens != null) {
      sb.append(' ').append(tokens.size()).append(" token(s)");
    }
    if (!config.auth().certificateIdentities().isEmpty()) {
      sb.append(' ')
          .append(config.auth().certificateIdentities().size())
          .append(" certificate identities");
    }
    return sb.toString();
  }

  /** Stops the admin listener (calls in flight may finish until {@link #close}). */
  public synchronized void shutdownAdmin() {
    if (admin != null) {
      admin.shutdown();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (admin != null) {
        admin.shutdownNow();
      }
    }
    if (tls != null) {
      tls.close();
    }
    if (tokens != null) {
      tokens.close();
    }
    scheduler.shutdownNow();
  }
}
