package dev.classifier.loadtest;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.EngineOptions;
import java.time.Duration;
import java.util.List;

/** The real server the load tester's tests drive in their own JVM. */
public final class TestServers {
  private TestServers() {}

  /**
   * The embedded default model on one CPU instance with one ONNX Runtime thread, batches of up to 8
   * closed after at most 1 ms.
   */
  public static ModelConfig embeddedModel() {
    BatchPolicy policy =
        BatchPolicy.builder().maxBatchSize(8).maxQueueDelay(Duration.ofMillis(1)).build();
    return new ModelConfig(
        null, null, null, null, policy, List.of("cpu"), 1, new EngineOptions(1, List.of("cpu")));
  }
}
