package dev.classifier.server;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import com.codahale.metrics.MetricRegistry;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.grpc.ClassifierService;
import dev.classifier.server.metrics.BatcherMetrics;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: loads and warms every model, then serves classifier.v1, gRPC health and
 * reflection on Netty (native epoll on Linux, NIO elsewhere).
 *
 * <p>Handlers never block, so they run directly on the event loops ({@code directExecutor}); all
 * inference happens on the batchers' worker threads.
 *
 * <p>Shutdown order: health NOT_SERVING; stop accepting calls; drain every batcher within the
 * grace period (queued work finishes, the rest is answered UNAVAILABLE); wait for calls to finish,
 * then force; close engines last.
 */
public final class ClassifierServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierServer.class);

  private final ServerConfig config;
  private final MetricRegistry metrics;
  private final HealthStatusManager health = new HealthStatusManager();
  private ModelRegistry registry;
  private ClassifierService service;
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

  /** Loads every model, then starts listening. Models are NOT_SERVING until warmed up. */
  public synchronized ClassifierServer start() throws IOException, OrtException {
    health.setStatus("", ServingStatus.NOT_SERVING);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    ModelLoader loader = new ModelLoader(env, name -> new BatcherMetrics(metrics, name));
    List<ServedModel> loaded = new ArrayList<>();
    try {
      for (ModelConfig mc : config.models()) {
        loaded.add(loader.load(mc));
      }
      registry = new ModelRegistry(loaded, config.defaultModel());
    } catch (IOException | OrtException | RuntimeException e) {
      loaded.forEach(ServedModel::close);
      throw e;
    }
    service = new ClassifierService(registry, config.streamWindow());

    boolean epoll =
        switch (config.transport()) {
          case "epoll" -> true;
          case "nio" -> false;
          default -> Epoll.isAvailable();
        };
    if (config.transport().equals("epoll") && !Epoll.isAvailable()) {
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
            .addService(service)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
    try {
      server.start();
    } catch (IOException e) {
      registry.close();
      shutdownEventLoops();
      throw new IOException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    for (ServedModel m : registry.all()) {
      health.setStatus(m.name(), ServingStatus.SERVING);
    }
    health.setStatus("", ServingStatus.SERVING);
    return this;
  }

  /** The bound port (the ephemeral one when configured with 0). */
  public int port() {
    return server.getPort();
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

  public MetricRegistry metrics() {
    return metrics;
  }

  public HealthStatusManager health() {
    return health;
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
            .append("); models:");
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
    health.enterTerminalState();
    server.shutdown();
    try {
      registry.drain(grace).get(grace.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn("model drain did not finish cleanly: {}", e.toString());
    }
    long left = Math.max(0, deadline - System.nanoTime());
    if (!server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    registry.close();
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
