package dev.classifier.server.engine.provider;

import java.util.Objects;
import java.util.Set;

/**
 * CUDA execution provider settings of one model ({@code models[].engine.cuda}). The device id is
 * not a setting: it comes from the device ({@code gpu:N} runs on CUDA device N).
 *
 * @param gpuMemLimitBytes {@code gpu_mem_limit}: the CUDA arena's cap; 0 = no cap (ONNX Runtime's
 *     default). Default 0
 * @param arenaExtendStrategy {@code arena_extend_strategy}: kNextPowerOfTwo (ONNX Runtime's
 *     default) or kSameAsRequested (tighter memory, more allocations while shapes still grow).
 *     Default kNextPowerOfTwo
 * @param cudnnConvAlgoSearch {@code cudnn_conv_algo_search}: EXHAUSTIVE (benchmark every algorithm
 *     once per shape; ONNX Runtime's default), HEURISTIC or DEFAULT. Default EXHAUSTIVE
 * @param cudaGraph {@code enable_cuda_graph}; only honoured where shapes are fixed ({@link
 *     CudaGraphs}). Default off
 */
public record CudaOptions(
    long gpuMemLimitBytes,
    String arenaExtendStrategy,
    String cudnnConvAlgoSearch,
    boolean cudaGraph) {

  private static final Set<String> ARENA = Set.of("kNextPowerOfTwo", "kSameAsRequested");
  private static final Set<String> CONV = Set.of("EXHAUSTIVE", "HEURISTIC", "DEFAULT");

  public CudaOptions {
    if (gpuMemLimitBytes < 0) {
      throw new IllegalArgumentException("gpuMemLimitBytes must be >= 0, got " + gpuMemLimitBytes);
    }
    arenaExtendStrategy = Objects.requireNonNullElse(arenaExtendStrategy, "kNextPowerOfTwo");
    if (!ARENA.contains(arenaExtendStrategy)) {
      throw new IllegalArgumentException(
          "arenaExtendStrategy must be kNextPowerOfTwo or kSameAsRequested,"
              + " got '"
              + arenaExtendStrategy
              + "'");
    }
    cudnnConvAlgoSearch = Objects.requireNonNullElse(cudnnConvAlgoSearch, "EXHAUSTIVE");
    if (!CONV.contains(cudnnConvAlgoSearch)) {
      throw new IllegalArgumentException(
          "cudnnConvAlgoSearch must be EXHAUSTIVE, HEURISTIC or DEFAULT, got '"
              + cudnnConvAlgoSearch
              + "'");
    }
  }

  /** The documented defaults. */
  public static CudaOptions defaults() {
    return new CudaOptions(0, "kNextPowerOfTwo", "EXHAUSTIVE", false);
  }
}
