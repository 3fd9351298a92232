package dev.classifier.server.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How to turn an image into a model's input tensor (torchvision order: colour conversion, resize,
 * center crop, scale, normalise, layout, dtype). Read from a model manifest or derived from the
 * input signature; published to clients through {@code GetModelInfo}.
 *
 * @param width final width in pixels
 * @param height final height in pixels
 * @param colorMode RGB, BGR or GRAY
 * @param resizeShorterSide resize the shorter side to this (keeping aspect); 0 = straight to size
 * @param interpolation NEAREST, BILINEAR or BICUBIC
 * @param centerCrop crop width x height from the centre after resizing
 * @param scale multiplier for 0..255 pixel values
 * @param mean per-channel mean (one value or one per channel)
 * @param std per-channel standard deviation (one value or one per channel)
 * @param layout NCHW or NHWC
 * @param dtype FLOAT32 or UINT8 (raw pixels)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Preprocessing(
    int width,
    int height,
    String colorMode,
    int resizeShorterSide,
    String interpolation,
    boolean centerCrop,
    float scale,
    float[] mean,
    float[] std,
    String layout,
    String dtype) {

  public Preprocessing {
    require(width >= 1, "width", width, "must be >= 1");
    require(height >= 1, "height", height, "must be >= 1");
    colorMode = oneOf("colorMode", colorMode, "RGB", "BGR", "GRAY");
    require(resizeShorterSide >= 0, "resizeShorterSide", resizeShorterSide, "must be >= 0");
    interpolation = oneOf("interpolation", interpolation, "NEAREST", "BILINEAR", "BICUBIC");
    require(scale > 0 && Float.isFinite(scale), "scale", scale, "must be a positive number");
    int channels = colorMode.equals("GRAY") ? 1 : 3;
    mean = perChannel("mean", mean, channels, 0f);
    std = perChannel("std", std, channels, 1f);
    for (float s : std) {
      require(s > 0, "std", Arrays.toString(std), "values must be > 0");
    }
    layout = oneOf("layout", layout, "NCHW", "NHWC");
    dtype = oneOf("dtype", dtype, "FLOAT32", "UINT8");
  }

  /** Number of colour channels (1 for GRAY, else 3). */
  public int channels() {
    return colorMode.equals("GRAY") ? 1 : 3;
  }

  /** Torchvision's ImageNet evaluation transform at the given size. */
  public static Preprocessing imagenet(int width, int height, String layout, String dtype) {
    return new Preprocessing(
        width,
        height,
        "RGB",
        (int) Math.round(Math.min(width, height) * 256.0 / 224.0),
        "BILINEAR",
        true,
        1f / 255f,
        new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f},
        layout,
        dtype);
  }

  /** Plain grayscale scaling to [0, 1]. */
  public static Preprocessing grayscale(int width, int height, String layout, String dtype) {
    return new Preprocessing(
        width,
        height,
        "GRAY",
        Math.min(width, height),
        "BILINEAR",
        true,
        1f / 255f,
        new float[] {0f},
        new float[] {1f},
        layout,
        dtype);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p
        && width == p.width
        && height == p.height
        && colorMode.equals(p.colorMode)
        && resizeShorterSide == p.resizeShorterSide
        && interpolation.equals(p.interpolation)
        && centerCrop == p.centerCrop
        && Float.compare(scale, p.scale) == 0
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std)
        && layout.equals(p.layout)
        && dtype.equals(p.dtype);
  }

  @Override
  public int hashCode() {
    return Objects.hash(width, height, colorMode, layout, dtype, Arrays.hashCode(mean));
  }

  private static void require(boolean ok, String field, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException("preprocessing." + field + " " + rule + ", got " + value);
    }
  }

  private static String oneOf(String field, String value, String... allowed) {
    if (value == null) {
      throw new IllegalArgumentException(
          "preprocessing." + field + " is required (one of " + String.join(", ", allowed) + ")");
    }
    String upper = value.toUpperCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(upper)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "preprocessing."
            + field
            + " must be one of "
            + String.join(", ", allowed)
            + ", got '"
            + value
            + "'");
  }

  private static float[] perChannel(String field, float[] values, int channels, float dflt) {
    if (values == null || values.length == 0) {
      float[] filled = new float[channels];
      Arrays.fill(filled, dflt);
      return filled;
    }
    if (values.length == 1 && channels > 1) {
      float[] filled = new float[channels];
      Arrays.fill(filled, values[0]);
      return filled;
    }
    if (values.length != channels) {
      throw new IllegalArgumentException(
          "preprocessing."
              + field
              + " must have 1 or "
              + channels
              + " values, got "
              + Arrays.toString(values));
    }
    return values.clone();
  }
}
