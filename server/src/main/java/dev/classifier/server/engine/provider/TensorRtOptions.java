package dev.classifier.server.engine.provider;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * TensorRT execution provider settings of one model ({@code models[].engine.tensorrt}).
 *
 * @param fp16 AUTO (FP16 when the model is FP32 and {@code engine.allowReducedPrecision} is true),
 *     ON or OFF; ON also needs {@code allowReducedPrecision}, so reduced precision is always an
 *     explicit choice. Default AUTO
 * @param workspaceBytes {@code trt_max_workspace_size}; 0 leaves ONNX Runtime's default (TensorRT
 *     may use the whole device). Default 0
 * @param builderOptimizationLevel {@code trt_builder_optimization_level}, 0..5 (higher: longer
 *     build, faster engine). Default 3 (ONNX Runtime's and TensorRT's default)
 * @param engineCache {@code trt_engine_cache_enable}: serialized engines are kept under {@code
 *     cacheDir} in a directory keyed by model, GPU and versions ({@link EngineCacheKey}). Default
 *     on
 * @param timingCache {@code trt_timing_cache_enable}: layer timings shared by later builds on the
 *     same GPU. Default on
 * @param cacheDir root of the engine and timing caches; a configured path is resolved against the
 *     config file's directory. Default {@link #DEFAULT_CACHE_DIR}
 * @param profileMinBatch the optimization profile's smallest batch. Default 1
 * @param profileOptBatch the batch TensorRT tunes for; 0 = the instance's max batch size. Default 0
 * @param cudaGraph {@code trt_cuda_graph_enable}; only honoured where shapes are fixed ({@link
 *     CudaGraphs}). Default off
 */
public record TensorRtOptions(
    Fp16 fp16,
    long workspaceBytes,
    int builderOptimizationLevel,
    boolean engineCache,
    boolean timingCache,
    Path cacheDir,
    int profileMinBatch,
    int profileOptBatch,
    boolean cudaGraph) {

  /** FP16 choice. */
  public enum Fp16 {
    AUTO,
    ON,
    OFF;

    /** Parses auto/on/off (also true/false). */
    public static Fp16 parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "on", "true" -> ON;
        case "off", "false" -> OFF;
        default ->
            throw new IllegalArgumentException("fp16 must be auto, on or off, got '" + s + "'");
      };
    }
  }

  /**
   * {@code <java.io.tmpdir>/classifier-trt-cache}: writable in a read-only container with a tmpfs
   * {@code /tmp}, but lost with it; point {@code cacheDir} at a volume to keep engines.
   */
  public static final Path DEFAULT_CACHE_DIR =
      Path.of(System.getProperty("java.io.tmpdir"), "classifier-trt-cache");

  public static final int DEFAULT_BUILDER_OPTIMIZATION_LEVEL = 3;

  public TensorRtOptions {
    Objects.requireNonNull(fp16, "fp16");
    cacheDir = cacheDir == null ? DEFAULT_CACHE_DIR : cacheDir;
    if (workspaceBytes < 0) {
      throw new IllegalArgumentException("workspaceBytes must be >= 0, got " + workspaceBytes);
    }
    if (builderOptimizationLevel < 0 || builderOptimizationLevel > 5) {
      throw new IllegalArgumentException(
          "builderOptimizationLevel must be in [0, 5], got " + builderOptimizationLevel);
    }
    if (profileMinBatch < 1) {
      throw new IllegalArgumentException("profileMinBatch must be >= 1, got " + profileMinBatch);
    }
    if (profileOptBatch < 0 || (profileOptBatch > 0 && profileOptBatch < profileMinBatch)) {
      throw new IllegalArgumentException(
          "profileOptBatch must be 0 (= max batch) or >= profileMinBatch "
              + profileMinBatch
              + ", got "
              + profileOptBatch);
    }
  }

  /** The documented defaults. */
  public static TensorRtOptions defaults() {
    return new TensorRtOptions(
        Fp16.AUTO,
        0,
        DEFAULT_BUILDER_OPTIMIZATION_LEVEL,
        true,
        true,
        DEFAULT_CACHE_DIR,
        1,
        0,
        false);
  }

  public TensorRtOptions withCacheDir(Path dir) {
    return new TensorRtOptions(
        fp16,
        workspaceBytes,
        builderOptimizationLevel,
        engineCache,
        timingCache,
        dir,
        profileMinBatch,
        profileOptBatch,
        cudaGraph);
  }
}
