package dev.classifier.server.engine;

/**
 * Numerically stable softmax (max-subtracted, summed in double), in place and without allocating:
 * it runs per image on the inference thread.
 */
public final class Softmax {
  private Softmax() {}

  /** Replaces {@code values} in place with their softmax. */
  public static void applyInPlace(float[] values) {
    if (values.length == 0) {
      return;
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      double e = Math.exp((double) values[i] - max);
      values[i] = (float) e; // in (0, 1]: float keeps 24 bits, far below the 1e-5 contract
      sum += e;
    }
    double scale = 1.0 / sum;
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (values[i] * scale);
    }
  }
}
