package dev.classifier.server.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.server.config.ModelConfig;
import dev.classifier.server.engine.EngineOptions;
import dev.classifier.server.engine.SessionFactory;
import dev.classifier.server.engine.provider.DetectedGpuFacts;
import dev.classifier.server.engine.provider.ProviderOptions;
import dev.classifier.server.engine.provider.ProviderPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every batch size an instance can receive runs at load, before the model can turn SERVING; each
 * GPU gets its own session whose TensorRT profile max is its instances' batch bound.
 */
class LoadWarmupTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private static Map<Instance, List<Integer>> sizesByInstance(List<BatchSizeWarmup.Run> runs) {
    return runs.stream()
        .collect(
            Collectors.groupingBy(
                BatchSizeWarmup.Run::instance,
                java.util.LinkedHashMap::new,
                Collectors.mapping(BatchSizeWarmup.Run::batchSize, Collectors.toList())));
  }

  @Test
  void gpuInstancesRunEveryBatchSizeFromOneToTheirBoundBeforeLoadReturns() throws Exception {
    // a GPU build's sessions stand-in: providers "registered" without effect, so this runs on CPU
    SessionFactory sessions =
        new SessionFactory(
            ENV, () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA), (o, step) -> () -> {});
    ModelLoader loader =
        new ModelLoader(
            ENV,
            n -> BatcherListener.NO_OP,
            n -> {},
            sessions,
            new DetectedGpuFacts(ENV, Map.of()));
    List<BatchSizeWarmup.Run> runs = new CopyOnWriteArrayList<>();
    loader.onWarmupRun(runs::add);
    ModelConfig config =
        new ModelConfig(
            "m",
            null,
            null,
            null,
            BatchPolicy.builder().maxBatchSize(6).build(),
            List.of("gpu:0", "gpu:1"),
            2,
            new EngineOptions(1, List.of("cuda")));
    ServedModel m = loader.load(config);
    List<BatchSizeWarmup.Run> atReturn = new ArrayList<>(runs);
    try {
      Map<Instance, List<Integer>> sizes = sizesByInstance(atReturn);
      assertThat(sizes.keySet()).containsExactlyElementsOf(m.instances());
      assertThat(m.instances())
          .extracting(Instance::deviceId)
          .containsExactly("gpu:0", "gpu:0", "gpu:1", "gpu:1");
      for (Instance i : m.instances()) {
        assertThat(i.maxBatchSize()).isEqualTo(6);
        // 1..6 once each, then the full batch again as the run-time estimate
        assertThat(sizes.get(i)).containsExactly(1, 2, 3, 4, 5, 6, 6);
      }
      assertThat(atReturn).allMatch(r -> r.nanos() > 0);
    } finally {
      m.close();
    }
    assertThat(runs).hasSameSizeAs(atReturn);
  }

  @Test
  void eachGpuGetsItsOwnSessionWhoseProfileMaxIsTheInstancesBatchBound(@TempDir Path cache)
      throws Exception {
    List<ProviderPlan.Step> registered = new CopyOnWriteArrayList<>();
    SessionFactory sessions =
        new SessionFactory(
            ENV,
            () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT),
            (o, step) -> {
              registered.add(step);
              return () -> {};
            });
    ModelLoader loader =
        new ModelLoader(
            ENV,
            n -> BatcherListener.NO_OP,
            n -> {},
            sessions,
            new DetectedGpuFacts(ENV, Map.of()));
    EngineOptions engine =
        new EngineOptions(1, List.of("tensorrt", "cuda"))
            .withProviderOptions(ProviderOptions.defaults().withCacheDir(cache));
    ModelConfig config =
        new ModelConfig(
            "m",
            null,
            null,
            null,
            BatchPolicy.builder().maxBatchSize(6).build(),
            List.of("gpu:0", "gpu:1"),
            1,
            engine);
    try (ServedModel m = loader.load(config)) {
      String input = m.signature().inputName();
      String image =
          java.util.Arrays.stream(m.signature().imageShape())
              .mapToObj(Long::toString)
              .collect(Collectors.joining("x"));
      assertThat(registered)
          .extracting(ProviderPlan.Step::provider)
          .containsExactly("tensorrt", "cuda", "tensorrt", "cuda");
      assertThat(registered.get(0).keys())
          .containsEntry("device_id", "0")
          .containsEntry("trt_profile_min_shapes", input + ":1x" + image)
          .containsEntry("trt_profile_max_shapes", input + ":6x" + image);
      assertThat(registered.get(2).keys()).containsEntry("device_id", "1");
      assertThat(registered.get(3).keys()).containsEntry("device_id", "1");
      assertThat(m.instances()).extracting(Instance::maxBatchSize).containsOnly(6);
      assertThat(Path.of(registered.get(0).keys().get("trt_engine_cache_path")))
          .isDirectory()
          .hasParent(cache);
    }
  }

  @Test
  void cpuInstancesRunOnePreferredSizesAndTheMax() throws Exception {
    ModelLoader loader = new ModelLoader(ENV, n -> BatcherListener.NO_OP);
    List<BatchSizeWarmup.Run> runs = new CopyOnWriteArrayList<>();
    loader.onWarmupRun(runs::add);
    ModelConfig config =
        new ModelConfig(
            "m",
            null,
            null,
            null,
            BatchPolicy.builder().maxBatchSize(8).preferredBatchSizes(4).build(),
            List.of("cpu"),
            1,
            new EngineOptions(1, List.of("cpu")));
    try (ServedModel m = loader.load(config)) {
      assertThat(sizesByInstance(runs).get(m.instances().get(0))).containsExactly(1, 4, 8, 8);
    }
  }

  @Test
  void warmupSizesFollowTheDevice() {
    assertThat(BatchSizeWarmup.sizes(4, List.of(), true)).containsExactly(1, 2, 3, 4);
    assertThat(BatchSizeWarmup.sizes(16, List.of(8, 2), false)).containsExactly(1, 2, 8, 16);
    assertThat(BatchSizeWarmup.sizes(1, List.of(), false)).containsExactly(1);
  }
}
