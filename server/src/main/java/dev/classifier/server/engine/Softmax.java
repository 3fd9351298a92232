package dev.classifier.server.engine;

/** Numerically stable softmax (max-subtracted, accumulated in double). */
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
    double[] exp = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      exp[i] = Math.exp((double) values[i] - max);
      sum += exp[i];
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (exp[i] / sum);
    }
  }
}
