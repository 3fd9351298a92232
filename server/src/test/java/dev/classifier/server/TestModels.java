package dev.classifier.server;

import ai.onnxruntime.OrtEnvironment;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherListener;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.EngineOptions;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ServedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Loads the embedded model and the committed ONNX fixtures for tests. */
public final class TestModels {
  private TestModels() {}

  /** A committed fixture file, e.g. {@code fixture("uint8_nhwc.onnx")}. */
  public static Path fixture(String name) {
    try {
      return Path.of(TestModels.class.getResource("/fixtures/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test fixture " + name, e);
    }
  }

  /** The committed sample PNGs of the Fashion-MNIST test set, sorted by name. */
  public static List<Path> samples() {
    Path dir = Path.of("..", "samples", "fashion-mnist");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The true class of a sample, from its name {@code <index>-<class>-<label>.png}. */
  public static int sampleClass(Path sample) {
    return Integer.parseInt(sample.getFileName().toString().split("-")[1]);
  }

  public static ModelConfig embedded(BatchPolicy policy, int instances) {
    return new ModelConfig(null, null, null, null, policy, List.of("cpu"), instances, cpu());
  }

  public static ModelConfig fixtureModel(String onnx, BatchPolicy policy, int instances) {
    return new ModelConfig(
        null, fixture(onnx), null, null, policy, List.of("cpu"), instances, cpu());
  }

  public static EngineOptions cpu() {
    return new EngineOptions(1, List.of("cpu"));
  }

  public static ServedModel load(ModelConfig config) throws Exception {
    return new ModelLoader(OrtEnvironment.getEnvironment(), n -> new BatcherListener() {})
        .load(config);
  }

  /**
   * Loads a model whose batches wait for {@code gate} before running: lets tests hold work in the
   * queue deterministically.
   */
  public static ServedModel loadGated(
      ModelConfig config,
      java.util.concurrent.CountDownLatch gate,
      java.util.List<Integer> batchSizes)
      throws Exception {
    ServedModel base = load(config);
    base.batcher().close(java.time.Duration.ZERO).join();
    dev.classifier.batching.Batcher<
            dev.classifier.server.engine.InferenceInput,
            dev.classifier.server.engine.InferenceResult>
        gated =
            dev.classifier.batching.Batcher
                .<dev.classifier.server.engine.InferenceInput,
                    dev.classifier.server.engine.InferenceResult>
                    builder(
                        base.name(),
                        base.policy(),
                        instance -> {
                          dev.classifier.server.engine.OnnxInstance inner =
                              base.engine().create(instance);
                          return new dev.classifier.batching.InstanceRunner<
                              dev.classifier.server.engine.InferenceInput,
                              dev.classifier.server.engine.InferenceResult>() {
                            @Override
                            public void run(
                                java.util.List<
                                        dev.classifier.batching.BatchTask<
                                            dev.classifier.server.engine.InferenceInput,
                                            dev.classifier.server.engine.InferenceResult>>
                                    batch)
                                throws Exception {
                              batchSizes.add(batch.size());
                              gate.await();
                              inner.run(batch);
                            }

                            @Override
                            public void close() {
                              inner.close();
                            }
                          };
                        })
                .instances(base.instances())
                .build();
    return base.withBatcher(gated);
  }
}
