package dev.classifier.server.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import dev.classifier.server.signature.TensorLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provider settings to ONNX Runtime option keys, checked without a GPU. */
class ProviderPlannerTest {
  private static final ModelSignature RESNET =
      new ModelSignature(
          "input",
          ElementType.FLOAT32,
          new long[] {-1, 3, 224, 224},
          true,
          new long[] {3, 224, 224},
          TensorLayout.NCHW,
          "logits",
          new long[] {-1, 1000},
          1000);
  private static final ModelSignature FIXED =
      new ModelSignature(
          "x",
          ElementType.FLOAT32,
          new long[] {1, 1, 28, 28},
          false,
          new long[] {1, 28, 28},
          TensorLayout.NCHW,
          "y",
          new long[] {1, 10},
          10);
  private static final EngineCacheKey KEY =
      new EngineCacheKey("ab", "NVIDIA L4", "1.29.0", "10.9.0");
  private static final Path CACHE = Path.of("/var/cache/trt");

  private static ProviderOptions options(TensorRtOptions trt, CudaOptions cuda, boolean reduced) {
    return new ProviderOptions(trt, cuda, reduced, null);
  }

  private static TensorRtOptions trt(TensorRtOptions.Fp16 fp16, boolean cudaGraph) {
    return new TensorRtOptions(fp16, 0, 3, true, true, CACHE, 1, 0, cudaGraph);
  }

  @Test
  void tensorRtIsRegisteredBeforeCudaWhateverTheConfiguredOrder() {
    ProviderPlan plan =
        ProviderPlanner.plan(
            List.of("cpu", "cuda", "tensorrt"),
            ProviderOptions.defaults().withCacheDir(CACHE),
            RESNET,
            new ProviderPlanner.Target(1, 16, KEY));
    assertThat(plan.steps())
        .extracting(ProviderPlan.Step::provider)
        .containsExactly("tensorrt", "cuda");
    assertThat(plan.requested()).containsExactly("tensorrt", "cuda", "cpu");
  }

  @Test
  void tensorRtKeysCarryTheDocumentedDefaultsTheProfileAndTheKeyedCaches() {
    ProviderPlan plan =
        ProviderPlanner.plan(
            List.of("tensorrt"),
            options(trt(TensorRtOptions.Fp16.AUTO, false), null, true),
            RESNET,
            new ProviderPlanner.Target(1, 16, KEY));
    Map<String, String> k = plan.steps().get(0).keys();
    assertThat(k)
        .containsEntry("device_id", "1")
        .containsEntry("trt_fp16_enable", "1")
        .containsEntry("trt_builder_optimization_level", "3")
        .containsEntry("trt_engine_cache_enable", "1")
        .containsEntry("trt_engine_cache_path", KEY.engineDirectory(CACHE).toString())
        .containsEntry("trt_timing_cache_enable", "1")
        .containsEntry("trt_timing_cache_path", KEY.timingDirectory(CACHE).toString())
        .containsEntry("trt_profile_min_shapes", "input:1x3x224x224")
        .containsEntry("trt_profile_opt_shapes", "input:16x3x224x224")
        .containsEntry("trt_profile_max_shapes", "input:16x3x224x224")
        .containsEntry("trt_cuda_graph_enable", "0")
        .doesNotContainKey("trt_max_workspace_size");
    assertThat(KEY.engineDirectory(CACHE).getParent()).isEqualTo(CACHE);
  }

  @Test
  void fp16NeedsTheUserToAllowReducedPrecision() {
    TensorRtOptions auto = trt(TensorRtOptions.Fp16.AUTO, false);
    assertThat(ProviderPlanner.fp16(options(auto, null, false), RESNET)).isFalse();
    assertThat(ProviderPlanner.fp16(options(auto, null, true), RESNET)).isTrue();
    assertThat(
            ProviderPlanner.fp16(options(trt(TensorRtOptions.Fp16.OFF, false), null, true), RESNET))
        .isFalse();
    assertThatThrownBy(() -> options(trt(TensorRtOptions.Fp16.ON, false), null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowReducedPrecision");
    ProviderPlan off =
        ProviderPlanner.plan(
            List.of("tensorrt"),
            options(auto, null, false),
            RESNET,
            new ProviderPlanner.Target(0, 8, KEY));
    assertThat(off.steps().get(0).keys()).containsEntry("trt_fp16_enable", "0");
    assertThat(off.notes()).anyMatch(n -> n.startsWith("tensorrt fp16 off"));
  }

  @Test
  void explicitWorkspaceAndCudaSettingsBecomeOrtKeys() {
    TensorRtOptions t =
        new TensorRtOptions(
            TensorRtOptions.Fp16.OFF, 1L << 30, 5, false, false, CACHE, 2, 4, false);
    CudaOptions c = new CudaOptions(2_000_000_000L, "kSameAsRequested", "HEURISTIC", false);
    ProviderPlan plan =
        ProviderPlanner.plan(
            List.of("tensorrt", "cuda"),
            options(t, c, false),
            RESNET,
            new ProviderPlanner.Target(3, 8, null));
    assertThat(plan.steps().get(0).keys())
        .containsEntry("trt_max_workspace_size", "1073741824")
        .containsEntry("trt_builder_optimization_level", "5")
        .containsEntry("trt_engine_cache_enable", "0")
        .containsEntry("trt_timing_cache_enable", "0")
        .containsEntry("trt_profile_min_shapes", "input:2x3x224x224")
        .containsEntry("trt_profile_opt_shapes", "input:4x3x224x224")
        .containsEntry("trt_profile_max_shapes", "input:8x3x224x224")
        .doesNotContainKeys("trt_engine_cache_path", "trt_timing_cache_path");
    assertThat(plan.steps().get(1).keys())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "device_id", "3",
                "gpu_mem_limit", "2000000000",
                "arena_extend_strategy", "kSameAsRequested",
                "cudnn_conv_algo_search", "HEURISTIC",
                "enable_cuda_graph", "0"));
  }

  @Test
  void cudaDefaultsLeaveTheMemoryLimitToOnnxRuntime() {
    ProviderPlan plan =
        ProviderPlanner.plan(
            List.of("cuda"),
            ProviderOptions.defaults(),
            RESNET,
            new ProviderPlanner.Target(0, 8, null));
    assertThat(plan.steps().get(0).keys())
        .containsEntry("arena_extend_strategy", "kNextPowerOfTwo")
        .containsEntry("cudnn_conv_algo_search", "EXHAUSTIVE")
        .containsEntry("enable_cuda_graph", "0")
        .doesNotContainKey("gpu_mem_limit");
  }

  @Test
  void cudaGraphsAreRefusedWithAReasonWhenBatchShapesVaryAndUsedWhenFixed() {
    ProviderOptions graphs =
        options(trt(TensorRtOptions.Fp16.OFF, true), new CudaOptions(0, null, null, true), false);
    ProviderPlan varying =
        ProviderPlanner.plan(
            List.of("tensorrt", "cuda"), graphs, RESNET, new ProviderPlanner.Target(0, 8, KEY));
    assertThat(varying.steps().get(0).keys()).containsEntry("trt_cuda_graph_enable", "0");
    assertThat(varying.steps().get(1).keys()).containsEntry("enable_cuda_graph", "0");
    assertThat(varying.notes())
        .anyMatch(n -> n.startsWith("tensorrt.cudaGraph off") && n.contains("batches of 1..8"))
        .anyMatch(n -> n.startsWith("cuda.cudaGraph off"));

    ProviderPlan single =
        ProviderPlanner.plan(
            List.of("tensorrt", "cuda"), graphs, RESNET, new ProviderPlanner.Target(0, 1, KEY));
    assertThat(single.steps().get(0).keys()).containsEntry("trt_cuda_graph_enable", "1");
    assertThat(single.steps().get(1).keys()).containsEntry("enable_cuda_graph", "1");
  }

  @Test
  void aFixedBatchGraphGetsNoProfile() {
    ProviderPlan plan =
        ProviderPlanner.plan(
            List.of("tensorrt"),
            ProviderOptions.defaults().withCacheDir(CACHE),
            FIXED,
            new ProviderPlanner.Target(0, 1, KEY));
    assertThat(plan.steps().get(0).keys())
        .doesNotContainKeys(
            "trt_profile_min_shapes", "trt_profile_opt_shapes", "trt_profile_max_shapes");
  }

  @Test
  void theCpuDeviceGetsNoGpuProviderAndSaysSo() {
    ProviderPlan plan =
        ProviderPlanner.plan(
            List.of("tensorrt", "cuda"),
            ProviderOptions.defaults(),
            RESNET,
            new ProviderPlanner.Target(-1, 8, null));
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.requested()).containsExactly("cpu");
    assertThat(plan.notes()).singleElement().asString().contains("CPU provider only");
  }
}
