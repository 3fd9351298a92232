package dev.classifier.server.engine.provider;

import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a model's provider settings into a {@link ProviderPlan}: the providers in the order they
 * must be registered and each one's ONNX Runtime option keys. Pure (no native library), so CPU
 * tests check every key.
 *
 * <p><b>Registration order</b> is decided here and nowhere else. ONNX Runtime offers each node to
 * the providers in registration order, so TensorRT goes first and CUDA second (it takes what
 * TensorRT cannot), CPU last. Registering CUDA first would hand CUDA every node and leave TensorRT
 * idle. The known pitfall (onnxruntime#26493: in Java, TensorRT fails with "CUDA Provider not
 * available" unless {@code addCUDA} ran first, because only CUDA's registration extracts the CUDA
 * provider library that TensorRT needs) is not solved by reordering; {@link OrtProviderAppender}
 * loads the CUDA provider library before registering TensorRT instead.
 */
public final class ProviderPlanner {
  private ProviderPlanner() {}

  /** What the planner needs to know about where the session runs. */
  public record Target(int gpuIndex, int maxBatch, EngineCacheKey cacheKey) {}

  /**
   * @param providers the model's provider preference list (cpu, cuda, tensorrt in any order)
   * @param target the GPU index (-1 for the CPU device, which gets CPU only), the instance's batch
   *     bound and, for TensorRT with a cache, the engine cache key (may be null otherwise)
   */
  public static ProviderPlan plan(
      List<String> providers, ProviderOptions options, ModelSignature signature, Target target) {
    List<String> wanted = new ArrayList<>();
    for (String p : providers) {
      wanted.add(p.toLowerCase(Locale.ROOT));
    }
    List<String> notes = new ArrayList<>();
    if (target.gpuIndex() < 0) {
      if (wanted.contains("cuda") || wanted.contains("tensorrt")) {
        notes.add("device cpu runs on the CPU provider only; cuda/tensorrt apply to gpu:N devices");
      }
      return new ProviderPlan(List.of(), notes);
    }
    List<ProviderPlan.Step> steps = new ArrayList<>();
    if (wanted.contains("tensorrt")) {
      steps.add(new ProviderPlan.Step("tensorrt", tensorRt(options, signature, target, notes)));
    }
    if (wanted.contains("cuda")) {
      CudaGraphs.Decision graph =
          CudaGraphs.decide(
              options.cuda().cudaGraph(), signature.dynamicBatch(), target.maxBatch());
      if (!graph.reason().isEmpty()) {
        notes.add("cuda.cudaGraph off: " + graph.reason());
      }
      steps.add(
          new ProviderPlan.Step(
              "cuda", cudaKeys(options.cuda(), target.gpuIndex(), graph.enabled())));
    }
    return new ProviderPlan(steps, notes);
  }

  /**
   * Whether TensorRT builds FP16 kernels: ON and OFF as stated; AUTO when the model is FP32 and the
   * user allowed reduced precision. "FP32" means the model's input and output are 32-bit float or
   * 8-bit pixels (the signature reader accepts nothing else, FP16 models are refused at load).
   */
  public static boolean fp16(ProviderOptions options, ModelSignature signature) {
    return switch (options.tensorrt().fp16()) {
      case ON -> true;
      case OFF -> false;
      case AUTO ->
          options.allowReducedPrecision()
              && (signature.inputType() == ElementType.FLOAT32
                  || signature.inputType() == ElementType.UINT8);
    };
  }

  private static Map<String, String> tensorRt(
      ProviderOptions options, ModelSignature signature, Target target, List<String> notes) {
    TensorRtOptions t = options.tensorrt();
    boolean fp16 = fp16(options, signature);
    notes.add(
        "tensorrt fp16 "
            + (fp16 ? "on" : "off")
            + " (setting "
            + t.fp16().name().toLowerCase(Locale.ROOT)
            + ", allowReducedPrecision "
            + options.allowReducedPrecision()
            + ")");
    Optional<OptimizationProfile> profile =
        OptimizationProfile.derive(
            signature.inputName(),
            signature.imageShape(),
            signature.dynamicBatch(),
            t.profileMinBatch(),
            t.profileOptBatch(),
            target.maxBatch());
    CudaGraphs.Decision graph =
        CudaGraphs.decide(t.cudaGraph(), signature.dynamicBatch(), target.maxBatch());
    if (!graph.reason().isEmpty()) {
      notes.add("tensorrt.cudaGraph off: " + graph.reason());
    }
    Path engineDir = null;
    Path timingDir = null;
    if (t.engineCache() || t.timingCache()) {
      if (target.cacheKey() == null) {
        throw new IllegalArgumentException("a TensorRT cache needs an engine cache key");
      }
      engineDir = target.cacheKey().engineDirectory(t.cacheDir());
      timingDir = target.cacheKey().timingDirectory(t.cacheDir());
    }
    return tensorRtKeys(t, target.gpuIndex(), fp16, profile, engineDir, timingDir, graph.enabled());
  }

  /** TensorRT option keys (ONNX Runtime's names). */
  static Map<String, String> tensorRtKeys(
      TensorRtOptions t,
      int device,
      boolean fp16,
      Optional<OptimizationProfile> profile,
      Path engineDir,
      Path timingDir,
      boolean cudaGraph) {
    Map<String, String> k = new LinkedHashMap<>();
    k.put("device_id", Integer.toString(device));
    k.put("trt_fp16_enable", flag(fp16));
    if (t.workspaceBytes() > 0) {
      k.put("trt_max_workspace_size", Long.toString(t.workspaceBytes()));
    }
    k.put("trt_builder_optimization_level", Integer.toString(t.builderOptimizationLevel()));
    k.put("trt_engine_cache_enable", flag(t.engineCache()));
    if (t.engineCache()) {
      k.put("trt_engine_cache_path", engineDir.toString());
    }
    k.put("trt_timing_cache_enable", flag(t.timingCache()));
    if (t.timingCache()) {
      k.put("trt_timing_cache_path", timingDir.toString());
    }
    profile.ifPresent(
        p -> {
          k.put("trt_profile_min_shapes", p.min());
          k.put("trt_profile_opt_shapes", p.opt());
          k.put("trt_profile_max_shapes", p.max());
        });
    k.put("trt_cuda_graph_enable", flag(cudaGraph));
    return k;
  }

  /** CUDA option keys (ONNX Runtime's names). */
  static Map<String, String> cudaKeys(CudaOptions c, int device, boolean cudaGraph) {
    Map<String, String> k = new LinkedHashMap<>();
    k.put("device_id", Integer.toString(device));
    if (c.gpuMemLimitBytes() > 0) {
      k.put("gpu_mem_limit", Long.toString(c.gpuMemLimitBytes()));
    }
    k.put("arena_extend_strategy", c.arenaExtendStrategy());
    k.put("cudnn_conv_algo_search", c.cudnnConvAlgoSearch());
    k.put("enable_cuda_graph", flag(cudaGraph));
    return k;
  }

  private static String flag(boolean b) {
    return b ? "1" : "0";
  }
}
