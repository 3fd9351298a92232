package dev.classifier.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * How a model wants its images, equivalent to a torchvision eval transform on PIL images:
 *
 * <pre>
 * convert("RGB" | "L")  [BGR: channels swapped afterwards]
 * Resize(resizeShorterSide, interpolation)   or Resize((height, width)) when resizeShorterSide == 0
 * CenterCrop((height, width))                 when centerCrop (zero padding if the image is smaller)
 * FLOAT32: value = (pixel * scale - mean[c]) / std[c]      UINT8: raw pixels
 * </pre>
 *
 * <p>{@code mean} and {@code std} have length 1 (shared by all channels) or {@link #channels()}, in
 * the output channel order (so BGR models give B, G, R statistics). When {@code scale == 1/255f}
 * the division {@code pixel / 255f} is used, bit-identical to torchvision's {@code ToTensor}.
 * Without {@code centerCrop} and with {@code resizeShorterSide > 0} the output size follows the
 * image's aspect ratio. Arrays are copied in and out; equality compares them by content.
 *
 * @param width output width in pixels (crop width, or resize width when {@code resizeShorterSide ==
 *     0})
 * @param height output height in pixels
 * @param colorMode channel content and order
 * @param resizeShorterSide 0 = resize straight to {@code width x height}; else the shorter side is
 *     resized to this and the longer side to {@code int(size * long / short)} (torchvision's rule)
 * @param interpolation resampling filter
 * @param centerCrop crop {@code width x height} from the centre after resizing
 * @param scale pixel multiplier before normalisation, e.g. {@code 1/255f}
 * @param mean per-channel (or shared) mean subtracted after scaling
 * @param std per-channel (or shared) divisor, non-zero
 * @param layout NCHW or NHWC
 * @param pixelType FLOAT32 (normalised) or UINT8 (raw pixels)
 */
public record PreprocessSpec(
    int width,
    int height,
    ColorMode colorMode,
    int resizeShorterSide,
    Interpolation interpolation,
    boolean centerCrop,
    float scale,
    float[] mean,
    float[] std,
    Layout layout,
    PixelType pixelType) {

  /** Largest accepted output or resize dimension. */
  public static final int MAX_DIMENSION = 16_384;

  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  public PreprocessSpec {
    requireDimension("width", width, 1);
    requireDimension("height", height, 1);
    requireDimension("resizeShorterSide", resizeShorterSide, 0);
    Objects.requireNonNull(colorMode, "colorMode must not be null");
    Objects.requireNonNull(interpolation, "interpolation must not be null");
    Objects.requireNonNull(layout, "layout must not be null");
    Objects.requireNonNull(pixelType, "pixelType must not be null");
    if (!Float.isFinite(scale) || scale == 0f) {
      throw new IllegalArgumentException("scale must be finite and non-zero, got " + scale);
    }
    int channels = colorMode.channels();
    mean = checkStats("mean", mean, channels, false);
    std = checkStats("std", std, channels, true);
  }

  private static void requireDimension(String field, int value, int min) {
    if (value < min || value > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          field + " must be in [" + min + ", " + MAX_DIMENSION + "], got " + value);
    }
  }

  private static float[] checkStats(String field, float[] values, int channels, boolean nonZero) {
    Objects.requireNonNull(values, field + " must not be null");
    if (values.length != 1 && values.length != channels) {
      throw new IllegalArgumentException(
          field + " must have 1 or " + channels + " values (channels), got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!Float.isFinite(v) || (nonZero && v == 0f)) {
        throw new IllegalArgumentException(
            field + "[" + i + "] must be finite" + (nonZero ? " and non-zero" : "") + ", got " + v);
      }
    }
    return values.clone();
  }

  /**
   * torchvision's ImageNet eval transform: {@code Resize(256)} bilinear, {@code CenterCrop(224)},
   * {@code ToTensor}, {@code Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])}, RGB, NCHW,
   * FLOAT32.
   */
  public static PreprocessSpec imagenet() {
    return imagenet(224, 224, Layout.NCHW, PixelType.FLOAT32);
  }

  /**
   * torchvision's ImageNet eval transform at another size: the shorter side resized to {@code
   * round(min(width, height) * 256 / 224)}, then a centre crop of {@code width x height}.
   */
  public static PreprocessSpec imagenet(int width, int height, Layout layout, PixelType type) {
    return new PreprocessSpec(
        width,
        height,
        ColorMode.RGB,
        (int) Math.round(Math.min(width, height) * 256.0 / 224.0),
        Interpolation.BILINEAR,
        true,
        1f / 255f,
        IMAGENET_MEAN,
        IMAGENET_STD,
        layout,
        type);
  }

  /** Plain grayscale scaling to [0, 1]: shorter side to the output size, centre crop. */
  public static PreprocessSpec grayscale(int width, int height, Layout layout, PixelType type) {
    return new PreprocessSpec(
        width,
        height,
        ColorMode.GRAY,
        Math.min(width, height),
        Interpolation.BILINEAR,
        true,
        1f / 255f,
        new float[] {0f},
        new float[] {1f},
        layout,
        type);
  }

  /**
   * This spec with another pixel type: UINT8 gives the raw pixels (after colour conversion, resize
   * and crop) that {@link Normalization} turns into this spec's FLOAT32 values.
   */
  public PreprocessSpec withPixelType(PixelType type) {
    return new PreprocessSpec(
        width,
        height,
        colorMode,
        resizeShorterSide,
        interpolation,
        centerCrop,
        scale,
        mean,
        std,
        layout,
        type);
  }

  /** Number of output channels: 1 for GRAY else 3. */
  public int channels() {
    return colorMode.channels();
  }

  /** A copy of the mean values. */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** A copy of the std values. */
  @Override
  public float[] std() {
    return std.clone();
  }

  /** Mean of output channel {@code c}. */
  public float meanOf(int c) {
    return mean.length == 1 ? mean[0] : mean[c];
  }

  /** Std of output channel {@code c}. */
  public float stdOf(int c) {
    return std.length == 1 ? std[0] : std[c];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessSpec s
        && width == s.width
        && height == s.height
        && colorMode == s.colorMode
        && resizeShorterSide == s.resizeShorterSide
        && interpolation == s.interpolation
        && centerCrop == s.centerCrop
        && Float.compare(scale, s.scale) == 0
        && Arrays.equals(mean, s.mean)
        && Arrays.equals(std, s.std)
        && layout == s.layout
        && pixelType == s.pixelType;
  }

  @Override
  public int hashCode() {
    int h =
        Objects.hash(
            width,
            height,
            colorMode,
            resizeShorterSide,
            interpolation,
            centerCrop,
            scale,
            layout,
            pixelType);
    return 31 * (31 * h + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "PreprocessSpec[width="
        + width
        + ", height="
        + height
        + ", colorMode="
        + colorMode
        + ", resizeShorterSide="
        + resizeShorterSide
        + ", interpolation="
        + interpolation
        + ", centerCrop="
        + centerCrop
        + ", scale="
        + scale
        + ", mean="
        + Arrays.toString(mean)
        + ", std="
        + Arrays.toString(std)
        + ", layout="
        + layout
        + ", pixelType="
        + pixelType
        + "]";
  }
}
