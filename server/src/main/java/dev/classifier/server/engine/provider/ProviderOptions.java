package dev.classifier.server.engine.provider;

import java.util.Locale;
import java.util.Objects;

/**
 * GPU provider settings and the provider guarantee of one model.
 *
 * @param tensorrt TensorRT settings (used when {@code providers} lists tensorrt)
 * @param cuda CUDA settings (used when {@code providers} lists cuda)
 * @param allowReducedPrecision whether the engine may compute in FP16 (TensorRT {@code fp16: auto}
 *     turns FP16 on for FP32 models only when this is true). Default false
 * @param requireProvider null (default: any placement is accepted and reported), or cpu, cuda or
 *     tensorrt: loading fails unless every compute node of every instance runs on that provider
 */
public record ProviderOptions(
    TensorRtOptions tensorrt,
    CudaOptions cuda,
    boolean allowReducedPrecision,
    String requireProvider) {

  public ProviderOptions {
    tensorrt = Objects.requireNonNullElseGet(tensorrt, TensorRtOptions::defaults);
    cuda = Objects.requireNonNullElseGet(cuda, CudaOptions::defaults);
    if (requireProvider != null) {
      requireProvider = requireProvider.toLowerCase(Locale.ROOT);
      if (!requireProvider.equals("cpu")
          && !requireProvider.equals("cuda")
          && !requireProvider.equals("tensorrt")) {
        throw new IllegalArgumentException(
            "requireProvider must be cpu, cuda or tensorrt, got '" + requireProvider + "'");
      }
    }
    if (tensorrt.fp16() == TensorRtOptions.Fp16.ON && !allowReducedPrecision) {
      throw new IllegalArgumentException(
          "tensorrt.fp16 is on but allowReducedPrecision is false:"
              + " set allowReducedPrecision: true to accept FP16 results");
    }
  }

  /** These options with TensorRT's caches under {@code dir}. */
  public ProviderOptions withCacheDir(java.nio.file.Path dir) {
    return new ProviderOptions(
        tensorrt.withCacheDir(dir), cuda, allowReducedPrecision, requireProvider);
  }

  /** Every default: no reduced precision, no provider requirement. */
  public static ProviderOptions defaults() {
    return new ProviderOptions(null, null, false, null);
  }
}
