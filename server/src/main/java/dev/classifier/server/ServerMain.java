package dev.classifier.server;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.admin.ReloadSignal;
import dev.classifier.server.config.ConfigReader;
import dev.classifier.server.config.ConfigWriter;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.config.WarmupConfig;
import dev.classifier.server.security.HashTokenCommand;
import dev.classifier.server.security.SecurityOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code classifier-server}: serves ONNX classifiers over gRPC. With no arguments it serves the
 * embedded Fashion-MNIST model on 127.0.0.1:50051 with metrics on 127.0.0.1:9090.
 *
 * <p>Settings come from the defaults, then the YAML file of {@code --config}, then the flags: a
 * flag given on the command line wins over the file. Model-level flags (batching, instances,
 * threads) apply to every model.
 */
@Command(
    name = "classifier-server",
    mixinStandardHelpOptions = true,
    version = "classifier-server 0.1.0",
    sortOptions = false,
    subcommands = HashTokenCommand.class,
    description = "Serves ONNX image classifiers over gRPC (classifier.v1) with dynamic batching.")
public final class ServerMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration file (see deploy/config/sample.yaml); flags override it.")
  Path configFile;

  @Option(
      names = "--print-config",
      description = "Print the effective configuration (YAML) and exit.")
  boolean printConfig;

  @Option(names = "--host", description = "Address to bind, gRPC and metrics (default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "gRPC port; 0 picks a free one (default 50051).")
  Integer port;

  @Option(
      names = "--metrics-port",
      description = "Prometheus /metrics port; 0 picks a free one, -1 turns it off (default 9090).")
  Integer metricsPort;

  @Option(
      names = "--jmx",
      negatable = true,
      description = "Publish metrics as JMX MBeans, domain 'classifier' (default on).")
  Boolean jmx;

  @Option(
      names = "--access-log",
      negatable = true,
      description = "Log one line per call to the 'classifier.access' logger (default off).")
  Boolean accessLog;

  @Option(
      names = "--model",
      paramLabel = "[NAME=]PATH",
      description =
          "An .onnx model to serve (repeatable; replaces the config file's models). A model.json"
              + " or <stem>.json manifest beside it supplies labels, output kind and"
              + " preprocessing. Default: the embedded Fashion-MNIST model.")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--labels",
      paramLabel = "NAME=PATH",
      description = "Labels file for a model (one label per line), overriding its manifest.")
  Map<String, Path> labels = new LinkedHashMap<>();

  @Option(names = "--default-model", description = "Model used when a request names none.")
  String defaultModel;

  @Option(names = "--max-batch-size", description = "Largest batch (default 8).")
  Integer maxBatchSize;

  @Option(
      names = "--max-queue-delay-micros",
      description = "Longest wait for a batch to fill while an instance is idle; 0 = run at once.")
  Long maxQueueDelayMicros;

  @Option(
      names = "--max-queue-size",
      description = "Images queued per model before RESOURCE_EXHAUSTED (default 1024).")
  Integer maxQueueSize;

  @Option(
      names = "--max-queued-work-millis",
      description =
          "Reject (RESOURCE_EXHAUSTED, retry hint) a request that would wait behind more than this"
              + " much estimated queued work; 0 = no bound (default 0).")
  Long maxQueuedWorkMillis;

  @Option(
      names = "--instances",
      description = "Model instances (concurrent batches) per device (default 1).")
  Integer instances;

  @Option(
      names = "--intra-op-threads",
      description =
          "ONNX Runtime intra-op threads per session; 0 = chosen from the machine (every"
              + " processor up to 3, all but one from 4; see docs/OPERATIONS.md).")
  Integer intraOpThreads;

  @Option(
      names = "--adaptive-width",
      negatable = true,
      description =
          "On the CPU with 2+ intra-op threads and 1 instance: two instances whose runs use every"
              + " thread when alone and half each side by side under load (default on; see"
              + " docs/OPERATIONS.md).")
  Boolean adaptiveWidth;

  @Option(
      names = "--stream-window",
      description = "Images a stream may have in flight (default 64).")
  Integer streamWindow;

  @Option(
      names = "--shutdown-grace-seconds",
      description = "How long shutdown lets queued work finish (default 10).")
  Long shutdownGraceSeconds;

  @Option(names = "--transport", description = "auto, epoll or nio (default auto).")
  String transport;

  @Mixin SecurityOptions securityOptions = new SecurityOptions();

  @Option(
      names = "--warmup",
      negatable = true,
      description = "Warm the serving path with synthetic requests before SERVING (default on).")
  Boolean warmup;

  @Option(names = "--warmup-max-millis", description = "Longest warm-up per model (default 15000).")
  Long warmupMaxMillis;

  public static void main(String[] args) {
    int code =
        new CommandLine(new ServerMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The effective configuration: defaults, then the file, then the flags. */
  ServerConfig config() {
    ServerConfig c = configFile == null ? ConfigReader.defaults() : ConfigReader.read(configFile);
    ServerConfig.Builder b = c.toBuilder();
    if (host != null) {
      b.host(host);
    }
    if (port != null) {
      b.port(port);
    }
    if (metricsPort != null) {
      b.metricsPort(metricsPort);
    }
    if (jmx != null) {
      b.jmx(jmx);
    }
    if (accessLog != null) {
      b.accessLog(accessLog);
    }
    if (defaultModel != null) {
      b.defaultModel(defaultModel);
    }
    if (streamWindow != null) {
      b.streamWindow(streamWindow);
    }
    if (shutdownGraceSeconds != null) {
      if (shutdownGraceSeconds < 0) {
        throw new IllegalArgumentException(
            "--shutdown-grace-seconds must be >= 0, got " + shutdownGraceSeconds);
      }
      b.shutdownGrace(Duration.ofSeconds(shutdownGraceSeconds));
    }
    if (transport != null) {
      b.transport(transport);
    }
    if (warmup != null || warmupMaxMillis != null) {
      b.warmup(warmupOverride(c.warmup()));
    }
    List<ModelConfig> base = c.models();
    if (!models.isEmpty()) {
      base = new ArrayList<>();
      for (String spec : models) {
        int eq = spec.indexOf('=');
        String name = eq > 0 ? spec.substring(0, eq) : null;
        Path path = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
        base.add(
            new ModelConfig(
                name, path, null, null, BatchPolicy.builder().build(), List.of("cpu"), 1, null));
      }
    }
    List<ModelConfig> effective = new ArrayList<>();
    for (ModelConfig m : base) {
      effective.add(override(m));
    }
    b.security(securityOptions.apply(c.security()));
    return b.models(effective).build();
  }

  private WarmupConfig warmupOverride(WarmupConfig w) {
    WarmupConfig out = warmup == null ? w : w.withEnabled(warmup);
    if (warmupMaxMillis != null) {
      if (warmupMaxMillis < out.minDuration().toMillis()) {
        throw new IllegalArgumentException(
            "--warmup-max-millis must be >= server.warmup.minMillis ("
                + out.minDuration().toMillis()
                + "), got "
                + warmupMaxMillis);
      }
      out = out.withMaxDuration(Duration.ofMillis(warmupMaxMillis));
    }
    return out;
  }

  private ModelConfig override(ModelConfig m) {
    BatchPolicy.Builder policy = m.batching().toBuilder();
    if (maxBatchSize != null) {
      policy.maxBatchSize(maxBatchSize);
    }
    if (maxQueueDelayMicros != null) {
      if (maxQueueDelayMicros < 0) {
        throw new IllegalArgumentException(
            "--max-queue-delay-micros must be >= 0, got " + maxQueueDelayMicros);
      }
      policy.maxQueueDelay(Duration.ofNanos(Math.multiplyExact(maxQueueDelayMicros, 1000L)));
    }
    if (maxQueueSize != null) {
      policy.maxQueueSize(maxQueueSize);
    }
    if (maxQueuedWorkMillis != null) {
      if (maxQueuedWorkMillis < 0) {
        throw new IllegalArgumentException(
            "--max-queued-work-millis must be >= 0, got " + maxQueuedWorkMillis);
      }
      policy.maxQueuedWork(Duration.ofMillis(maxQueuedWorkMillis));
    }
    BatchPolicy batching;
    try {
      batching = policy.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + flagName(e.getMessage()), e);
    }
    ModelConfig out = m.withBatching(batching);
    if (instances != null) {
      if (instances < 1) {
        throw new IllegalArgumentException("--instances must be >= 1, got " + instances);
      }
      out = out.withInstancesPerDevice(instances);
    }
    if (intraOpThreads != null) {
      if (intraOpThreads < 0) {
        throw new IllegalArgumentException(
            "--intra-op-threads must be >= 0, got " + intraOpThreads);
      }
      out = out.withEngine(out.engine().withIntraOpThreads(intraOpThreads));
    }
    if (adaptiveWidth != null) {
      out = out.withEngine(out.engine().withAdaptiveWidth(adaptiveWidth));
    }
    if (m.name() != null && labels.containsKey(m.name())) {
      out = out.withLabels(labels.get(m.name()));
    }
    return out;
  }

  /** "maxBatchSize must be ..." becomes "max-batch-size must be ...". */
  private static String flagName(String message) {
    int space = message.indexOf(' ');
    String field = space < 0 ? message : message.substring(0, space);
    String flag = field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    if (flag.equals("max-queue-delay")) {
      flag = "max-queue-delay-micros";
    }
    return flag + (space < 0 ? "" : message.substring(space));
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      System.err.println("config error: " + e.getMessage());
      return 2;
    }
    if (printConfig) {
      System.out.print(ConfigWriter.toYaml(config));
      System.out.flush();
      return 0;
    }
    ClassifierServer server = new ClassifierServer(config);
    StopSignals.install(server, config.shutdownGrace());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.stop(config.shutdownGrace());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "classifier-shutdown"));
    try {
      server.start();
    } catch (Exception e) {
      System.err.println("classifier-server: cannot start: " + e.getMessage());
      return 1;
    }
    ReloadSignal.install(server.reloader());
    String banner = server.describe();
    System.out.println(banner);
    System.out.flush();
    LOG.debug(banner);
    server.awaitTermination();
    return 0;
  }
}
