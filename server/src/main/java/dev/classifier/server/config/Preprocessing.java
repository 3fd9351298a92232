package dev.classifier.server.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

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
    colorMode = oneOf("colorMode", colorMode, ColorMode.values());
    interpolation = oneOf("interpolation", interpolation, Interpolation.values());
    layout = oneOf("layout", layout, Layout.values());
    dtype = oneOf("dtype", dtype, PixelType.values());
    int channels = ColorMode.valueOf(colorMode).channels();
    mean = perChannel(mean, channels, 0f);
    std = perChannel(std, channels, 1f);
    try {
      // PreprocessSpec is the one set of rules (dimensions, scale, per-channel statistics)
      spec(width, height, colorMode, resizeShorterSide, interpolation, centerCrop, scale, mean, std,
          layout, dtype);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("preprocessing." + e.getMessage(), e);
    }
  }

  /** The imaging module's form of this spec, which the server's decode stage applies. */
  public PreprocessSpec toSpec() {
    return spec(width, height, colorMode, resizeShorterSide, interpolation, centerCrop, scale, mean,
        std, layout, dtype);
  }

  private static PreprocessSpec spec(int width, int height, String colorMode,
      int resizeShorterSide, String interpolation, boolean centerCrop, float scale, float[] mean,
      float[] std, String layout, String dtype) {
    return new PreprocessSpec(
        width,
        height,
        ColorMode.valueOf(colorMode),
        resizeShorterSide,
        Interpolation.valueOf(interpolation),
        centerCrop,
        scale,
        mean,
        std,
        Layout.valueOf(layout),
        PixelType.valueOf(dtype));
  }

  /** Number of colour channels (1 for GRAY, else 3). */
  public int channels() {
    return mean.length;
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

  private static String oneOf(String field, String value, Enum<?>... allowed) {
    String names = Arrays.stream(allowed).map(Enum::name).collect(Collectors.joining(", "));
    if (value == null) {
      throw new IllegalArgumentException(
          "preprocessing." + field + " is required (one of " + names + ")");
    }
    String upper = value.toUpperCase(Locale.ROOT);
    for (Enum<?> a : allowed) {
      if (a.name().equals(upper)) {
        return a.name();
      }
    }
    throw new IllegalArgumentException(
        "preprocessing." + field + " must be one of " + names + ", got '" + value + "'");
  }

  /** Unset = {@code dflt} for every channel; one value = that value for every channel. */
  private static float[] perChannel(float[] values, int channels, float dflt) {
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
    return values.clone();
  }
}
