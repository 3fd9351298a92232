package dev.classifier.server;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.config.ServerConfig;
import dev.classifier.server.engine.EngineOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code classifier-server}: serves ONNX classifiers over gRPC. With no arguments it serves the
 * embedded Fashion-MNIST model on 127.0.0.1:50051.
 */
@Command(
    name = "classifier-server",
    mixinStandardHelpOptions = true,
    version = "classifier-server 0.1.0",
    description = "Serves ONNX image classifiers over gRPC (classifier.v1) with dynamic batching.")
public final class ServerMain implements Callable<Integer> {
  @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 50051;

  @Option(
      names = "--model",
      paramLabel = "[NAME=]PATH",
      description =
          "An .onnx model to serve (repeatable). A model.json or <stem>.json manifest beside it"
              + " supplies labels, output kind and preprocessing. Default: the embedded"
              + " Fashion-MNIST model.")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--labels",
      paramLabel = "NAME=PATH",
      description = "Labels file for a model (one label per line), overriding its manifest.")
  Map<String, Path> labels = new LinkedHashMap<>();

  @Option(names = "--default-model", description = "Model used when a request names none.")
  String defaultModel;

  @Option(names = "--max-batch-size", description = "Largest batch (default: ${DEFAULT-VALUE}).")
  int maxBatchSize = 8;

  @Option(
      names = "--max-queue-delay-micros",
      description =
          "Longest wait for a batch to fill while an instance is idle; 0 = run at once"
              + " (default: ${DEFAULT-VALUE}).")
  long maxQueueDelayMicros = 0;

  @Option(
      names = "--max-queue-size",
      description = "Images queued per model before RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int maxQueueSize = 1024;

  @Option(
      names = "--instances",
      description = "Model instances (concurrent batches) per device (default: ${DEFAULT-VALUE}).")
  int instances = 1;

  @Option(
      names = "--intra-op-threads",
      description = "ONNX Runtime intra-op threads per session; 0 = its default.")
  int intraOpThreads = 0;

  @Option(
      names = "--stream-window",
      description = "Images a stream may have in flight (default: ${DEFAULT-VALUE}).")
  int streamWindow = 64;

  @Option(
      names = "--shutdown-grace-seconds",
      description = "How long shutdown lets queued work finish (default: ${DEFAULT-VALUE}).")
  long shutdownGraceSeconds = 10;

  @Option(names = "--transport", description = "auto, epoll or nio (default: ${DEFAULT-VALUE}).")
  String transport = "auto";

  public static void main(String[] args) {
    int code = new CommandLine(new ServerMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The configuration these options describe. */
  ServerConfig config() {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(maxBatchSize)
            .maxQueueDelay(Duration.ofNanos(maxQueueDelayMicros * 1000))
            .maxQueueSize(maxQueueSize)
            .build();
    EngineOptions engine = new EngineOptions(intraOpThreads, List.of("cpu"));
    List<ModelConfig> configs = new ArrayList<>();
    if (models.isEmpty()) {
      configs.add(
          new ModelConfig(null, null, null, null, policy, List.of("cpu"), instances, engine));
    }
    for (String spec : models) {
      int eq = spec.indexOf('=');
      String name = eq > 0 ? spec.substring(0, eq) : null;
      Path path = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
      Path labelFile = name == null ? null : labels.get(name);
      configs.add(
          new ModelConfig(name, path, labelFile, null, policy, List.of("cpu"), instances, engine));
    }
    return new ServerConfig(
        host,
        port,
        configs,
        defaultModel,
        streamWindow,
        64 * 1024 * 1024,
        Duration.ofSeconds(shutdownGraceSeconds),
        transport);
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      System.err.println("classifier-server: bad configuration: " + e.getMessage());
      return 2;
    }
    ClassifierServer server = new ClassifierServer(config);
    try {
      server.start();
    } catch (Exception e) {
      System.err.println("classifier-server: cannot start: " + e.getMessage());
      return 1;
    }
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
    System.out.println(server.describe());
    System.out.flush();
    server.awaitTermination();
    return 0;
  }
}
