package dev.classifier.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreprocessSpecTest {
  private static PreprocessSpec spec(
      int w, int h, ColorMode mode, int resize, float scale, float[] mean, float[] std) {
    return new PreprocessSpec(
        w,
        h,
        mode,
        resize,
        Interpolation.BILINEAR,
        true,
        scale,
        mean,
        std,
        Layout.NCHW,
        PixelType.FLOAT32);
  }

  private static final float[] ONE = {1f};
  private static final float[] ZERO = {0f};

  @Test
  void imagenetDefaults() {
    PreprocessSpec s = PreprocessSpec.imagenet();
    assertThat(s.width()).isEqualTo(224);
    assertThat(s.height()).isEqualTo(224);
    assertThat(s.resizeShorterSide()).isEqualTo(256);
    assertThat(s.channels()).isEqualTo(3);
    assertThat(s.mean()).containsExactly(0.485f, 0.456f, 0.406f);
    assertThat(s.std()).containsExactly(0.229f, 0.224f, 0.225f);
    assertThat(s.scale()).isEqualTo(1f / 255f);
    assertThat(s.layout()).isEqualTo(Layout.NCHW);
    assertThat(s.pixelType()).isEqualTo(PixelType.FLOAT32);
  }

  @Test
  void equalityComparesArrayContents() {
    assertThat(PreprocessSpec.imagenet()).isEqualTo(PreprocessSpec.imagenet());
    assertThat(PreprocessSpec.imagenet().hashCode())
        .isEqualTo(PreprocessSpec.imagenet().hashCode());
    assertThat(spec(28, 28, ColorMode.GRAY, 0, 1f, new float[] {0.5f}, ONE))
        .isNotEqualTo(spec(28, 28, ColorMode.GRAY, 0, 1f, new float[] {0.4f}, ONE));
    assertThat(PreprocessSpec.imagenet().toString()).contains("mean=[0.485, 0.456, 0.406]");
  }

  @Test
  void arraysAreDefensivelyCopied() {
    float[] mean = {0.5f};
    PreprocessSpec s = spec(28, 28, ColorMode.GRAY, 0, 1f, mean, ONE);
    mean[0] = 9f;
    s.mean()[0] = 7f;
    assertThat(s.mean()).containsExactly(0.5f);
  }

  @Test
  void channelsFollowColorMode() {
    assertThat(spec(1, 1, ColorMode.GRAY, 0, 1f, ZERO, ONE).channels()).isEqualTo(1);
    assertThat(spec(1, 1, ColorMode.BGR, 0, 1f, ZERO, ONE).channels()).isEqualTo(3);
  }

  @Test
  void validationMessagesNameTheField() {
    assertThatThrownBy(() -> spec(0, 1, ColorMode.RGB, 0, 1f, ZERO, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("width");
    assertThatThrownBy(() -> spec(1, -3, ColorMode.RGB, 0, 1f, ZERO, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("height");
    assertThatThrownBy(() -> spec(1, 1, ColorMode.RGB, -1, 1f, ZERO, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resizeShorterSide");
    assertThatThrownBy(() -> spec(1, 1, ColorMode.RGB, 0, Float.NaN, ZERO, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale");
    assertThatThrownBy(() -> spec(1, 1, ColorMode.RGB, 0, 1f, new float[] {0f, 0f}, ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mean")
        .hasMessageContaining("1 or 3");
    assertThatThrownBy(() -> spec(1, 1, ColorMode.GRAY, 0, 1f, ZERO, new float[] {1f, 1f, 1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("std")
        .hasMessageContaining("1 or 1");
    assertThatThrownBy(() -> spec(1, 1, ColorMode.RGB, 0, 1f, ZERO, new float[] {1f, 0f, 1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("std[1]")
        .hasMessageContaining("non-zero");
    assertThatThrownBy(() -> spec(1, 1, ColorMode.RGB, 0, 1f, null, ONE))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("mean");
    assertThatThrownBy(() -> spec(1, 1, null, 0, 1f, ZERO, ONE))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("colorMode");
    assertThatThrownBy(
            () ->
                new PreprocessSpec(
                    1,
                    1,
                    ColorMode.RGB,
                    0,
                    null,
                    false,
                    1f,
                    ZERO,
                    ONE,
                    Layout.NCHW,
                    PixelType.UINT8))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("interpolation");
    assertThatThrownBy(
            () ->
                new PreprocessSpec(
                    1,
                    1,
                    ColorMode.RGB,
                    0,
                    Interpolation.NEAREST,
                    false,
                    1f,
                    ZERO,
                    ONE,
                    null,
                    PixelType.UINT8))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("layout");
  }
}
