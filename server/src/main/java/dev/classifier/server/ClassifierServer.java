package dev.classifier.server;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.Instance;
import dev.classifier.batching.Ticker;
import dev.classifier.server.admin.AdminService;
import dev.classifier.server.admin.ModelReloader;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.RequestLimits;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.core.ImageDecoding;
import dev.classifier.server.core.InferenceCore;
import dev.classifier.server.engine.CpuThreading;
import dev.classifier.server.grpc.ClassifierService;
import dev.classifier.server.grpc.LenientRequests;
import dev.classifier.server.health.ServingHealth;
import dev.classifier.server.kserve.InferenceService;
import dev.classifier.server.kserve.InferenceStatistics;
import dev.classifier.server.kserve.StartingInferenceService;
import dev.classifier.server.metrics.BatcherListeners;
import dev.classifier.server.metrics.BatcherMetrics;
import dev.classifier.server.metrics.CallCounter;
import dev.classifier.server.metrics.DecodeGauges;
import dev.classifier.server.metrics.GrpcMetricsInterceptor;
import dev.classifier.server.metrics.HealthGauges;
import dev.classifier.server.metrics.JvmGauges;
import dev.classifier.server.metrics.MetricNames;
import dev.classifier.server.metrics.MetricsExporter;
import dev.classifier.server.metrics.ProviderGauges;
import dev.classifier.server.metrics.QueueGauges;
import dev.classifier.server.metrics.StreamGauges;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.security.ConnectionPolicies;
import dev.classifier.server.security.ModelRules;
import dev.classifier.server.security.ServerSecurity;
import dev.classifier.server.warmup.ServingWarmup;
import dev.classifier.server.warmup.WarmupGate;
import dev.classifier.server.warmup.WarmupReport;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
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
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: listens first (health, reflection and metrics answer while models load, all
 * NOT_SERVING but liveness), then loads and warms every model and starts serving classifier.v1,
 * classifier.v1.Admin and the Open Inference Protocol ({@code inference.GRPCInferenceService}) on
 * Netty (native epoll on Linux, NIO elsewhere).
 *
 * <p>Handlers never block, so they run directly on the event loops ({@code directExecutor}); all
 * inference happens on the batchers' worker threads, reloads on the reloader's thread.
 *
 * <p>Shutdown order: health NOT_SERVING; stop accepting calls; stop reloads; drain every batcher
 * within the grace period (queued work finishes, the rest is answered UNAVAILABLE); wait for calls
 * to finish, then force; close engines and the metrics endpoint last.
 *
 * <p>Over 400 lines: it is the composition root (builds and wires every service, interceptor,
 * listener and gauge) and owns the start/stop ordering above, which must stay readable as one
 * sequence. What each part does lives in its own package; splitting the wiring further (e.g. a
 * builder per protocol) is the next step if it grows.
 */
public final class ClassifierServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierServer.class);

  private final ServerConfig config;
  private final MetricRegistry metrics;
  private final ServingHealth health = new ServingHealth();
  private final MutableHandlerRegistry lateServices = new MutableHandlerRegistry();
  private final Map<String, BatcherMetrics> batcherMetrics = new ConcurrentHashMap<>();

  /** Per model, the ONNX Runtime threading chosen at load (for the start-up line). */
  private final Map<String, String> cpuThreading = new ConcurrentHashMap<>();

  private final InferenceStatistics statistics = new InferenceStatistics(System::currentTimeMillis);
  private GrpcMetricsInterceptor interceptor;
  private volatile ModelRegistry registry;
  private ModelReloader reloader;
  private ClassifierService service;
  private MetricsExporter exporter;
  private ServerSecurity security;
  private Server server;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private String transportName;
  private Class<? extends ServerChannel> channelType;
  private boolean stopped;
  private ServingWarmup warmup;
  private Server warmupServer;
  private volatile WarmupReport warmupReport = WarmupReport.none();
  private volatile long servingAfterMillis = -1;
  private CompletableFuture<OrtEnvironment> ortPreload;
  private final java.util.concurrent.ExecutorService reloadWarmup =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "classifier-reload-warmup");
            t.setDaemon(true);
            return t;
          });

  public ClassifierServer(ServerConfig config) {
    this(config, new MetricRegistry());
  }

  public ClassifierServer(ServerConfig config, MetricRegistry metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /**
   * Listens, then loads every model. Models are NOT_SERVING until warmed up. ONNX Runtime's native
   * library (about a second to unpack and load) loads on a background thread meanwhile, overlapping
   * the transport and metrics start-up.
   */
  public synchronized ClassifierServer start() throws IOException, OrtException {
    ortPreload = new CompletableFuture<>();
    Thread preload =
        new Thread(
            () -> {
              try {
                ortPreload.complete(OrtEnvironment.getEnvironment());
              } catch (Throwable t) {
                ortPreload.completeExceptionally(t);
              }
            },
            "classifier-ort-preload");
    preload.setDaemon(true);
    preload.start();
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
    JvmGauges.register(metrics);
    security =
        ServerSecurity.start(
            config.security(),
            config.host(),
            this::servedName,
            ModelRules.classifierV1().withOpenInference(),
            WarmupGate::isWarmupCall);
    try {
      exporter =
          MetricsExporter.start(
              metrics,
              config.host(),
              config.metricsPort(),
              config.jmx(),
              security.metricsHttps(),
              security.metricsAuthenticator());
    } catch (IOException | RuntimeException e) {
      security.close();
      throw e;
    }
    interceptor = new GrpcMetricsInterceptor(metrics, this::servedName, config.accessLog());
    warmup =
        new ServingWarmup(
            config.warmup(),
            new WarmupGate(WarmupGate.CLASSIFIER_METHODS, config.warmup().retryAfter()),
            this::loopbackChannel,
            System::nanoTime);
    warmup
        .gate()
        .gate(
            "inference.GRPCInferenceService/ModelInfer",
            "inference.GRPCInferenceService/ModelStreamInfer");
    for (ModelConfig mc : config.models()) {
      if (mc.name() != null) {
        health.modelNotReady(mc.name());
      }
    }
    HealthGauges.register(
        metrics, health.service(), List.of(ServingHealth.LIVENESS, ServingHealth.READINESS));
    boolean epoll =
        switch (config.transport()) {
          case "epoll" -> true;
          case "nio" -> false;
          default -> Epoll.isAvailable();
        };
    if (config.transport().equals("epoll") && !Epoll.isAvailable()) {
      exporter.close();
      security.close();
      throw new IllegalStateException(
          "transport epoll requested but unavailable: " + Epoll.unavailabilityCause());
    }
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
    io.grpc.ServerServiceDefinition healthService = intercepted(health.service());
    io.grpc.ServerServiceDefinition reflection =
        intercepted(ProtoReflectionServiceV1.newInstance());
    java.util.Set<String> direct = new java.util.HashSet<>();
    for (io.grpc.ServerServiceDefinition d : List.of(healthService, reflection)) {
      d.getMethods().forEach(m -> direct.add(m.getMethodDescriptor().getFullMethodName()));
    }
    // Open Inference Protocol readiness answers while loading; replaced in loadModels()
    lateServices.addService(intercepted(new StartingInferenceService(inferenceReadiness())));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
            .channelType(channelType)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .directExecutor()
            .maxInboundMessageSize(config.maxMessageBytes())
            .addStreamTracerFactory(
                new CallCounter(
                    metrics, m -> direct.contains(m) || lateServices.lookupMethod(m) != null));
    ConnectionPolicies.apply(config.connection(), builder);
    try {
      security.configure(builder);
    } catch (IOException | RuntimeException e) {
      exporter.close();
      security.close();
      shutdownEventLoops();
      throw e;
    }
    server =
        builder
            .addService(healthService)
            .addService(reflection)
            .fallbackHandlerRegistry(lateServices)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      exporter.close();
      security.close();
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
    OrtEnvironment env;
    try {
      env = ortPreload != null ? ortPreload.join() : OrtEnvironment.getEnvironment();
    } catch (CompletionException e) {
      throw new IllegalStateException("cannot load ONNX Runtime: " + e.getCause(), e.getCause());
    }
    ModelLoader loader =
        new ModelLoader(
            env,
            n -> BatcherListeners.both(batcherMetrics(n), statistics.listener(n)),
            health::modelNotReady);
    List<ServedModel> loaded = new ArrayList<>();
    Map<String, ModelConfig> configs = new LinkedHashMap<>();
    try {
      for (ModelConfig mc : config.models()) {
        ServedModel m = loader.load(mc);
        loaded.add(m);
        configs.put(m.name(), mc);
        CpuThreading threading = CpuThreading.forThisMachine(mc.engine().intraOpThreads());
        cpuThreading.put(
            m.name(),
            threading.describe()
                + (m.engine().arbiters().isEmpty()
                    ? ""
                    : ", adaptive width: one run alone on all of them, under load "
                        + threading.narrowThreads().size()
                        + " side by side on "
                        + threading.narrowThreads()));
        m.instances().forEach(batcherMetrics(m.name())::register);
      }
      registry = new ModelRegistry(loaded, config.defaultModel());
    } catch (IOException | OrtException | RuntimeException e) {
      loaded.forEach(ServedModel::close);
      throw e;
    }
    HealthGauges.register(
        metrics, health.service(), registry.all().stream().map(ServedModel::name).toList());
    for (ServedModel m : registry.all()) {
      String name = m.name();
      QueueGauges.register(
          metrics, name, () -> registry.resolve(name).batcher(), m.policy().priorityLevels());
      registerProviderGauges(m);
    }
    RequestLimits limits = config.limits();
    ImageDecoding decoding =
        ImageDecoding.withDefaultPool(
            limits.decodeBudgetBytes() > 0
                ? limits.decodeBudgetBytes()
                : ImageDecoding.defaultBudgetBytes());
    service =
        new ClassifierService(
            new InferenceCore(
                registry,
                decoding,
                Ticker.system(),
                limits.defaultTimeout(),
                WarmupGate::inWarmupCall),
            config.streamWindow());
    DecodeGauges.register(metrics, decoding::pendingImages, decoding::pendingBytes);
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
              warmAfterReload(name);
            });
    // metrics outermost (shed calls are counted, warm-up calls are not), then the warm-up gate,
    // then authentication and lenient parsing
    lateServices.addService(intercepted(service, warmup.gate()));
    security.startAdmin(
        b -> b.channelType(channelType).bossEventLoopGroup(boss).workerEventLoopGroup(workers),
        config.connection(),
        intercepted(new AdminService(reloader, security.modelPaths())));
    lateServices.addService(
        intercepted(
            new InferenceService(
                service.core(), inferenceReadiness(), statistics, config.streamWindow()),
            warmup.gate()));
    try {
      warmupReport = warmup.atStart(List.copyOf(registry.all()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("warm-up interrupted; serving without it");
    }
    for (ServedModel m : registry.all()) {
      health.modelReady(m.name());
    }
    health.ready();
    servingAfterMillis =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    return this;
  }

  /**
   * The warm-up pass after a hot reload of {@code model}, on its own thread so that neither the
   * reload's answer nor the old version's retirement waits for it.
   */
  private void warmAfterReload(String model) {
    try {
      reloadWarmup.execute(
          () -> {
            try {
              registerProviderGauges(registry.resolve(model));
              WarmupReport r = warmup.afterReload(registry.resolve(model));
              LOG.info("model '{}' reloaded; {}", model, r.summary());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
              LOG.warn("warm-up after reloading model '{}' failed: {}", model, e.toString());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down: no warm-up
    }
  }

  /**
   * A plaintext channel to this server over loopback (the bound address, or 127.0.0.1 when bound to
   * every interface): warm-up calls take the same transport, services and interceptors as clients'
   * calls.
   */
  private synchronized ManagedChannel loopbackChannel() {
    if (security.tls() != null) {
      // TLS (perhaps mutual): the warm-up cannot present a client certificate, so it runs over an
      // in-process transport into the same services and interceptors (only Netty's codec is cold)
      if (warmupServer == null) {
        String name = "classifier-warmup-" + System.identityHashCode(this);
        try {
          warmupServer =
              InProcessServerBuilder.forName(name)
                  .directExecutor()
                  .fallbackHandlerRegistry(lateServices)
                  .build()
                  .start();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return InProcessChannelBuilder.forName("classifier-warmup-" + System.identityHashCode(this))
          .directExecutor()
          .build();
    }
    String target = config.host();
    try {
      if (InetAddress.getByName(target).isAnyLocalAddress()) {
        target = "127.0.0.1";
      }
    } catch (IOException e) {
      target = "127.0.0.1";
    }
    return NettyChannelBuilder.forAddress(target, port())
        .usePlaintext()
        .maxInboundMessageSize(config.maxMessageBytes())
        .build();
  }

  /** The warm-up pass at start-up ({@link WarmupReport#none()} when off or not yet run). */
  public WarmupReport warmupReport() {
    return warmupReport;
  }

  /**
   * The serving-path warm-up, between {@link #listen()} and {@link #loadModels()}: another protocol
   * adds its synthetic request ({@code addWarmer}), registers its inference methods with {@code
   * gate().gate(...)} and intercepts its service with {@code gate()} (inside the metrics
   * interceptor, as the classifier service is).
   */
  public ServingWarmup warmup() {
    return warmup;
  }

  /**
   * Call accounting (outermost), then authentication, then lenient request parsing (malformed
   * messages answered INVALID_ARGUMENT), then the service.
   */
  private io.grpc.ServerServiceDefinition intercepted(BindableService s) {
    return ServerInterceptors.intercept(
        security.intercept(LenientRequests.wrap(s.bindService())), interceptor);
  }

  /** As {@link #intercepted(BindableService)}, with {@code inner} between accounting and auth. */
  private io.grpc.ServerServiceDefinition intercepted(
      BindableService s, io.grpc.ServerInterceptor inner) {
    return ServerInterceptors.intercept(
        security.intercept(LenientRequests.wrap(s.bindService())), inner, interceptor);
  }

  private InferenceService.Readiness inferenceReadiness() {
    return InferenceService.Readiness.of(health::isLive, health::isReady);
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
    if (security != null) {
      security.close();
    }
    shutdownEventLoops();
    stopped = true;
  }

  /** The bound port (the ephemeral one when configured with 0). */
  public int port() {
    return server.getPort();
  }

  /** The bound admin port, or -1 when the admin listener is off (or models are not loaded). */
  public int adminPort() {
    return security.adminPort();
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

  /** The security runtime (TLS material and its reloader). */
  public ServerSecurity security() {
    return security;
  }

  /** {@code classifier_instance_provider}: the provider each instance of {@code m} runs on. */
  private void registerProviderGauges(ServedModel m) {
    Map<Instance, String> providers = new LinkedHashMap<>();
    for (Instance i : m.instances()) {
      providers.put(i, m.placement(i.deviceId()).provider());
    }
    String name = m.name();
    ProviderGauges.register(
        metrics,
        name,
        providers,
        i -> {
          ServedModel now = registry.resolve(name);
          boolean present =
              now.instances().stream()
                  .anyMatch(n -> n.deviceId().equals(i.deviceId()) && n.index() == i.index());
          return present ? now.placement(i.deviceId()).provider() : null;
        });
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
            .append(", ")
            .append(security.describe())
            .append("), ");
    if (metricsPort() >= 0) {
      sb.append(
              config.security().tlsEnabled() && config.security().tls().metrics()
                  ? "metrics on https://"
                  : "metrics on http://")
          .append(config.host())
          .append(':')
          .append(metricsPort())
          .append("/metrics");
    } else {
      sb.append("metrics off");
    }
    sb.append(
        adminPort() >= 0
            ? "; admin on " + config.security().admin().host() + ":" + adminPort()
            : "; admin off");
    sb.append("; ").append(warmupReport.summary());
    if (servingAfterMillis >= 0) {
      sb.append(", SERVING ").append(servingAfterMillis).append(" ms after JVM start");
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
          .append(" instance(s) on ")
          .append(providersOf(m))
          .append(", ONNX Runtime ")
          .append(cpuThreading.getOrDefault(m.name(), "?"))
          .append(')');
    }
    return sb.toString();
  }

  /** "gpu:0=tensorrt, gpu:1=tensorrt" (each device's provider, from its placement). */
  private static String providersOf(ServedModel m) {
    StringBuilder sb = new StringBuilder();
    m.instances().stream()
        .map(Instance::deviceId)
        .distinct()
        .forEach(
            d ->
                sb.append(sb.length() == 0 ? "" : ", ")
                    .append(d)
                    .append('=')
                    .append(m.placement(d).provider()));
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
    security.shutdownAdmin();
    if (reloader != null) {
      reloader.close(grace);
    }
    reloadWarmup.shutdownNow();
    synchronized (this) {
      if (warmupServer != null) {
        warmupServer.shutdownNow();
      }
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
    security.close();
    shutdownEventLoops();
  }

  private void shutdownEventLoops() {
    if (boss != null) {
      var unused = boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    if (workers != null) {
      var unused2 = workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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
