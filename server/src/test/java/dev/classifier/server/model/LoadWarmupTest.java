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
import dev.classifier.server.warmup.BatchSizeWarmup;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every batch size an instance can receive runs at load, before the model can turn SERVING. */
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
            ENV, n -> BatcherListener.NO_OP, n -> {}, sessions,
            new DetectedGpuFacts(ENV, Map.of()));
    List<BatchSizeWarmup.Run> runs = new CopyOnWriteArrayList<>();
    loader.onWarmupRun(runs::add);
    ModelConfig config =
        new ModelConfig(
            "m", null, null, null, BatchPolicy.builder().maxBatchSize(6).build(),
            List.of("gpu:0", "gpu:1"), 2, new EngineOptions(1, List.of("cuda")));
    ServedModel m = loader.load(config);
    List<BatchSizeWarmup.Run> atReturn = new ArrayList<>(runs);
    try {
      Map<Instance, List<Integer>> sizes = sizesByInstance(atReturn);
      assertThat(sizes.keySet()).containsExactlyElementsOf(m.instances());
      assertThat(m.instances()).extracting(Instance::deviceId)
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
  void cpuInstancesRunOnePreferredSizesAndTheMax() throws Exception {
    ModelLoader loader = new ModelLoader(ENV, n -> BatcherListener.NO_OP);
    List<BatchSizeWarmup.Run> runs = new CopyOnWriteArrayList<>();
    loader.onWarmupRun(runs::add);
    ModelConfig config =
        new ModelConfig(
            "m", null, null, null,
            BatchPolicy.builder().maxBatchSize(8).preferredBatchSizes(4).build(),
            List.of("cpu"), 1, new EngineOptions(1, List.of("cpu")));
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
