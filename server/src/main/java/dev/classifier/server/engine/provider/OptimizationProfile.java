package dev.classifier.server.engine.provider;

import java.util.Optional;
import java.util.StringJoiner;

/**
 * A TensorRT optimization profile for the model's input, as ONNX Runtime takes it ({@code
 * trt_profile_min_shapes} etc., {@code name:1x3x224x224}). The three are always set together (ONNX
 * Runtime ignores a partial set), and max is the instance's batch bound, so no batch the batcher
 * forms falls outside the engine and no engine is built for batches it never forms.
 */
public record OptimizationProfile(String min, String opt, String max) {

  /**
   * The profile of a dynamically batched input; empty for a fixed-batch graph (its shape is static,
   * TensorRT needs no profile).
   *
   * @param imageShape one image's shape (no batch dimension), every dimension concrete
   * @param optBatch 0 = {@code maxBatch}
   */
  public static Optional<OptimizationProfile> derive(
      String inputName,
      long[] imageShape,
      boolean dynamicBatch,
      int minBatch,
      int optBatch,
      int maxBatch) {
    if (!dynamicBatch) {
      return Optional.empty();
    }
    int opt = optBatch == 0 ? maxBatch : optBatch;
    if (minBatch > maxBatch || opt > maxBatch || opt < minBatch) {
      throw new IllegalArgumentException(
          "models[].engine.tensorrt profile batches must satisfy profileMinBatch <= profileOptBatch"
              + " <= the instance's max batch size; got min "
              + minBatch
              + ", opt "
              + opt
              + ", max "
              + maxBatch);
    }
    return Optional.of(
        new OptimizationProfile(
            shape(inputName, minBatch, imageShape),
            shape(inputName, opt, imageShape),
            shape(inputName, maxBatch, imageShape)));
  }

  /** The profile's distinct batch sizes, smallest first (what warm-up must run). */
  public static int[] batches(int minBatch, int optBatch, int maxBatch) {
    int opt = optBatch == 0 ? maxBatch : optBatch;
    return java.util.stream.IntStream.of(minBatch, opt, maxBatch).distinct().sorted().toArray();
  }

  private static String shape(String name, int batch, long[] imageShape) {
    StringJoiner dims = new StringJoiner("x", name + ":", "");
    dims.add(Integer.toString(batch));
    for (long d : imageShape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "input '" + name + "' has a dynamic non-batch dimension; profiles need concrete ones");
      }
      dims.add(Long.toString(d));
    }
    return dims.toString();
  }
}
