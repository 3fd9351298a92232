package dev.classifier.imaging;

import java.util.Objects;

/**
 * The value a 0..255 pixel of each output channel becomes under a spec's {@code scale}, {@code
 * mean} and {@code std}: {@code (pixel * scale - mean[c]) / std[c]} in float32, with {@code pixel /
 * 255f} instead of the product when {@code scale == 1/255f} (bit-identical to torchvision's {@code
 * ToTensor}). One 256-entry table per channel, computed once. The client encoder ({@link
 * ImagePreprocessor}) and the server (widening uint8 tensors into a float32 batch) both read these
 * tables, so a uint8 tensor normalised by the server equals the float32 tensor the client would
 * have sent, bit for bit. Immutable and thread-safe.
 */
public final class Normalization {
  private final float[][] table;

  private Normalization(float[][] table) {
    this.table = table;
  }

  /** The tables for {@code spec}'s channels, scale, mean and std (whatever its pixel type). */
  public static Normalization of(PreprocessSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    int c = spec.channels();
    float[][] lut = new float[c][256];
    float scale = spec.scale();
    boolean toTensor = scale == 1f / 255f;
    for (int ch = 0; ch < c; ch++) {
      float m = spec.meanOf(ch);
      float s = spec.stdOf(ch);
      for (int v = 0; v < 256; v++) {
        float p = toTensor ? v / 255f : v * scale;
        lut[ch][v] = (p - m) / s;
      }
    }
    return new Normalization(lut);
  }

  /** Number of channels (1 or 3). */
  public int channels() {
    return table.length;
  }

  /** The normalised value of {@code pixel} (0..255) in output channel {@code channel}. */
  public float value(int channel, int pixel) {
    return table[channel][pixel];
  }

  /** A copy of channel {@code channel}'s 256 values, indexed by pixel value. */
  public float[] table(int channel) {
    return table[channel].clone();
  }

  /** Whether every value is finite (a tiny std can overflow to infinity). */
  public boolean allFinite() {
    for (float[] t : table) {
      for (float v : t) {
        if (!Float.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The shared table of one channel, for this module's hot loops (never modified). */
  float[] tableView(int channel) {
    return table[channel];
  }
}
