package dev.classifier.server;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.codahale.metrics.MetricRegistry;
import dev.classifier.server.admin.AdminService;
import dev.classifier.server.admin.ModelReloader;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.grpc.ClassifierService;
import dev.classifier.server.health.ServingHealth;
import dev.classifier.server.metrics.BatcherMetrics;
import dev.classifier.server.metrics.GrpcMetricsInterceptor;
import dev.classifier.server.metrics.MetricNames;
import dev.classifier.server.metrics.MetricsExporter;
import dev.classifier.server.metrics.QueueGauges;
import dev.classifier.server.metrics.StreamGauges;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.MutableHandlerRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: listens first (health, reflection and metrics answer while models load, all
 * NOT_SERVING but liveness), then loads and warms every model and starts serving classifier.v1
 * and classifier.v1.Admin on Netty (native epoll on Linux, NIO elsewhere).
 *
 * <p>Handlers never block, so they run directly on the event loops ({@code directExecutor}); all
 * inference happens on the batchers' worker threads, reloads on the reloader's thread.
 *
 * <p>Shutdown order: health NOT_SERVING; stop accepting calls; stop reloads; drain every batcher
 * within the grace period (queued work finishes, the rest is answered UNAVAILABLE); wait for calls
 * to finish, then force; close engines and the metrics endpoint last.
 */
public final class ClassifierServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierServer.class);

  private final ServerConfig config;
  private final MetricRegistry metrics;
  private final ServingHealth health = new ServingHealth();
  private final MutableHandlerRegistry lateServices = new MutableHandlerRegistry();
  private final Map<String, BatcherMetrics> batcherMetrics = new ConcurrentHashMap<>();
  private GrpcMetricsInterceptor interceptor;
  private volatile ModelRegistry registry;
  private ModelReloader reloader;
  private ClassifierService service;
  private MetricsExporter exporter;
  private Server server;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private String transportName;
  private boolean stopped;

  public ClassifierServer(ServerConfig config) {
    this(config, new MetricRegistry());
  }

  public ClassifierServer(ServerConfig config, MetricRegistry metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /** Listens, then loads every model. Models are NOT_SERVING until warmed up. */
  public synchronized ClassifierServer start() throws IOException, OrtException {
    listen();
    try {
      loadModels();
    } catch (IOException | OrtException | RuntimeException e) {
      abortStart();
      throw e;
    }
    return this;
  }

  /**
   * Starts the metrics endpoint and the gRPC server with health (NOT_SERVING) and reflection;
   * classifier.v1 calls are UNIMPLEMENTED until {@link #loadModels()}.
   */
  public synchronized ClassifierServer listen() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already listening");
    }
    exporter =
        MetricsExporter.start(metrics, config.host(), config.metricsPort(), config.jmx());
    interceptor =
        new GrpcMetricsInterceptor(metrics, this::servedName, config.accessLog());
    for (ModelConfig mc : config.models()) {
      if (mc.name() != null) {
        health.modelNotReady(mc.name());
      }
    }
    boolean epoll =
        switch (config.transport()) {
          case "epoll" -> true;
          case "nio" -> false;
          default -> Epoll.isAvailable();
        };
    if (config.transport().equals("epoll") && !Epoll.isAvailable()) {
      exporter.close();
      throw new IllegalStateException(
          "transport epoll requested but unavailable: " + Epoll.unavailabilityCause());
    }
    Class<? extends ServerChannel> channelType;
    if (epoll) {
      boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
      channelType = EpollServerSocketChannel.class;
      transportName = "epoll";
    } else {
      boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
      channelType = NioServerSocketChannel.class;
      transportName = "nio";
    }
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
            .channelType(channelType)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .directExecutor()
            .maxInboundMessageSize(config.maxMessageBytes())
            .addService(intercepted(health.service()))
            .addService(intercepted(ProtoReflectionServiceV1.newInstance()))
            .fallbackHandlerRegistry(lateServices)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      exporter.close();
      shutdownEventLoops();
      throw new IOException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** Loads and warms every model, then serves classifier.v1 and the admin service. */
  public synchronized ClassifierServer loadModels() throws IOException, OrtException {
    if (server == null) {
      throw new IllegalStateException("call listen() first");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ModelLoader loader = new ModelLoader(env, this::batcherMetrics, health::modelNotReady);
    List<ServedModel> loaded = new ArrayList<>();
    Map<String, ModelConfig> configs = new LinkedHashMap<>();
    try {
      for (ModelConfig mc : config.models()) {
        ServedModel m = loader.load(mc);
        loaded.add(m);
        configs.put(m.name(), mc);
        m.instances().forEach(batcherMetrics(m.name())::register);
      }
      registry = new ModelRegistry(loaded, config.defaultModel());
    } catch (IOException | OrtException | RuntimeException e) {
      loaded.forEach(ServedModel::close);
      throw e;
    }
    for (ServedModel m : registry.all()) {
      String name = m.name();
      QueueGauges.register(
          metrics, name, () -> registry.resolve(name).batcher(), m.policy().priorityLevels());
    }
    service = new ClassifierService(registry, config.streamWindow());
    ClassifierService.StreamStats streams = service.streamStats();
    StreamGauges.register(
        metrics,
        streams::streamsOpen,
        () ->
            Math.max(
                0, streams.itemsReceived() - streams.itemsAnswered() - streams.itemsCancelled()),
        streams::peakOutstanding);
    reloader =
        new ModelReloader(
            registry,
            loader,
            configs,
            ModelReloader.DEFAULT_HANDOVER,
            config.shutdownGrace(),
            name -> {
              metrics.counter(MetricNames.model(name, "reloads")).inc();
              health.modelReady(name); // a reload also revives a model left without instances
            });
    lateServices.addService(intercepted(service));
    lateServices.addService(intercepted(new AdminService(reloader)));
    for (ServedModel m : registry.all()) {
      health.modelReady(m.name());
    }
    health.ready();
    return this;
  }

  private io.grpc.ServerServiceDefinition intercepted(BindableService s) {
    return ServerInterceptors.intercept(s, interceptor);
  }

  private BatcherMetrics batcherMetrics(String model) {
    return batcherMetrics.computeIfAbsent(model, n -> new BatcherMetrics(metrics, n));
  }

  /** The served model a request's model field means, or null (metrics cardinality guard). */
  private String servedName(String requested) {
    ModelRegistry r = registry;
    if (r == null) {
      return null;
    }
    try {
      return r.resolve(requested).name();
    } catch (ModelNotFoundException e) {
      return null;
    }
  }

  private void abortStart() {
    if (server != null) {
      server.shutdownNow();
    }
    if (exporter != null) {
      exporter.close();
    }
    shutdownEventLoops();
    stopped = true;
  }

  /** The bound port (the ephemeral one when configured with 0). */
  public int port() {
    return server.getPort();
  }

  /** The bound metrics port, or -1 when the endpoint is off. */
  public int metricsPort() {
    return exporter == null ? -1 : exporter.port();
  }

  public String transport() {
    return transportName;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public ClassifierService service() {
    return service;
  }

  public ModelReloader reloader() {
    return reloader;
  }

  public MetricRegistry metrics() {
    return metrics;
  }

  public HealthStatusManager health() {
    return health.manager();
  }

  public ServerConfig config() {
    return config;
  }

  /** One line saying what is served where. */
  public String describe() {
    StringBuilder sb =
        new StringBuilder("classifier server listening on ")
            .append(config.host())
            .append(':')
            .append(port())
            .append(" (")
            .append(transportName)
            .append("), ");
    if (metricsPort() >= 0) {
      sb.append("metrics on http://")
          .append(config.host())
          .append(':')
          .append(metricsPort())
          .append("/metrics");
    } else {
      sb.append("metrics off");
    }
    sb.append("; models:");
    for (ServedModel m : registry.all()) {
      sb.append(' ')
          .append(m.name())
          .append(m.name().equals(registry.defaultName()) ? "[default]" : "")
          .append(" v")
          .append(m.version())
          .append(" (")
          .append(m.signature().numClasses())
          .append(" classes, max batch ")
          .append(m.policy().maxBatchSize())
          .append(", ")
          .append(m.instances().size())
          .append(" instance(s))");
    }
    return sb.toString();
  }

  /** Stops in the documented order, waiting at most {@code grace} for work to finish. */
  public synchronized void stop(Duration grace) throws InterruptedException {
    if (stopped || server == null) {
      return;
    }
    stopped = true;
    long deadline = System.nanoTime() + grace.toNanos();
    health.draining();
    server.shutdown();
    if (reloader != null) {
      reloader.close(grace);
    }
    if (registry != null) {
      long left = Math.max(0, deadline - System.nanoTime());
      CompletableFuture<Void> drained = registry.drain(Duration.ofNanos(left));
      try {
        drained.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // the grace is over: batches still running are terminated and answered (bounded exit)
        LOG.warn("batches still running at the end of the shutdown grace: terminating them");
        registry.abandonRunning();
        try {
          drained.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException again) {
          LOG.warn("model drain did not finish cleanly: {}", again.toString());
        }
      } catch (ExecutionException e) {
        LOG.warn("model drain did not finish cleanly: {}", e.toString());
      }
    }
    long left = Math.max(0, deadline - System.nanoTime());
    if (!server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (registry != null) {
      registry.close();
    }
    if (service != null) {
      service.close(); // its image-decoding pool
    }
    exporter.close();
    shutdownEventLoops();
  }

  private void shutdownEventLoops() {
    if (boss != null) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Blocks until the gRPC server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws InterruptedException {
    stop(config.shutdownGrace());
  }
}
