package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ai.onnxruntime.OrtEnvironment;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.Instance;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.ClassifyResponse;
import dev.classifier.server.InProcessClassifier;
import dev.classifier.server.Tensors;
import dev.classifier.server.TestModels;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.metrics.BatcherMetrics;
import dev.classifier.server.metrics.MetricNames;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ServedModel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A real ONNX Runtime session stuck in a run: the watchdog terminates it through the instance's
 * RunOptions, answers INTERNAL, reports the instance wedged until the run returns, and the
 * replacement instance serves.
 */
class WatchdogOnnxTest {
  private static ClassifyRequest image(float firstPixel) {
    float[] pixels = Tensors.randomFloats(new Random(9), 784);
    pixels[0] = firstPixel;
    return ClassifyRequest.newBuilder()
        .addImages(Tensors.image(Tensors.float32(pixels, 1, 28, 28)))
        .build();
  }

  @Test
  void aStuckSessionRunIsTerminatedAnsweredAndReplaced() throws Exception {
    ModelConfig config =
        TestModels.fixtureModel("slow.onnx", BatchPolicy.builder().maxBatchSize(1).build(), 1)
            .withName("slow");
    config = config.withEngine(config.engine().withWatchdog(Duration.ofMillis(300)));
    MetricRegistry registry = new MetricRegistry();
    BatcherMetrics metrics = new BatcherMetrics(registry, "slow");
    List<String> unhealthy = new CopyOnWriteArrayList<>();
    ServedModel model =
        new ModelLoader(OrtEnvironment.getEnvironment(), n -> metrics, unhealthy::add).load(config);
    String wedged = MetricNames.instance("slow", new Instance("cpu", 0, 1), "wedged");
    try (InProcessClassifier server = new InProcessClassifier(List.of(model), 16)) {
      assertThat(server.blocking().classify(image(0.5f)).getResultsCount()).isEqualTo(1);

      long start = System.nanoTime();
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> server.blocking().classify(image(1000f)));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      assertThat(e.getStatus().getDescription())
          .contains("watchdog limit of 300 ms")
          .contains("instance replaced");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      // the listener hears of the timeout right after the requests are answered
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> registry.counter(MetricNames.model("slow", "watchdog_timeouts")).getCount(),
              n -> n == 1);

      // the terminated run returns: the wedged gauge goes back to 0; the replacement serves
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ((Gauge<?>) registry.getGauges().get(wedged)).getValue().equals(0));
      ClassifyResponse ok = server.blocking().classify(image(0.25f));
      assertThat(ok.getResults(0).getPredictions(0).getProbability()).isBetween(0f, 1f);
      assertThat(model.batcher().healthyInstances()).isEqualTo(1);
      assertThat(unhealthy).isEmpty();
    }
  }
}
