package dev.classifier.server.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherListener;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.EngineOptions;
import dev.classifier.server.engine.provider.ProviderOptions;
import dev.classifier.server.engine.provider.TensorRtOptions;
import dev.classifier.server.model.ModelLoader;
import dev.classifier.server.model.ServedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a GPU host with the {@code -Pgpu} build: TensorRT really takes the model, the engine cache is
 * written under its keyed directory, and CUDA reports itself. Excluded from the default build
 * (surefire excludes the {@code gpu} tag); run with {@code ./mvnw -Pgpu -pl server -am
 * -DexcludedTestGroups=bench -Dgroups=gpu test}.
 */
@Tag("gpu")
class TensorRtGpuTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @BeforeAll
  static void needsAGpuBuild() {
    assumeTrue(
        OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
        "no CUDA provider in this ONNX Runtime build");
  }

  private static ServedModel load(List<String> providers, ProviderOptions options)
      throws Exception {
    EngineOptions engine =
        new EngineOptions(0, providers, true, Duration.ofMinutes(2)).withProviderOptions(options);
    ModelConfig config =
        new ModelConfig(
            "m",
            null,
            null,
            null,
            BatchPolicy.builder().maxBatchSize(8).build(),
            List.of("gpu:0"),
            1,
            engine);
    return new ModelLoader(ENV, n -> BatcherListener.NO_OP).load(config);
  }

  @Test
  void tensorRtRunsTheModelAndCachesItsEngine(@TempDir Path cache) throws Exception {
    assumeTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.TENSOR_RT));
    ProviderOptions options =
        new ProviderOptions(TensorRtOptions.defaults(), null, true, "tensorrt").withCacheDir(cache);
    try (ServedModel m = load(List.of("tensorrt", "cuda"), options)) {
      assertThat(m.placement("gpu:0").provider()).isEqualTo("tensorrt");
    }
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.filter(f -> f.toString().endsWith(".engine"))).isNotEmpty();
    }
  }

  @Test
  void cudaRunsTheModel() throws Exception {
    try (ServedModel m = load(List.of("cuda"), new ProviderOptions(null, null, false, null))) {
      assertThat(m.placement("gpu:0").provider()).isEqualTo("cuda");
    }
  }
}
