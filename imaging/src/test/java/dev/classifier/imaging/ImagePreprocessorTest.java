package dev.classifier.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
  private static final float[] ZERO = {0f};
  private static final float[] ONE = {1f};

  private static PreprocessSpec spec(
      int w,
      int h,
      ColorMode mode,
      int resize,
      Interpolation ip,
      boolean crop,
      Layout layout,
      PixelType type) {
    return new PreprocessSpec(w, h, mode, resize, ip, crop, 1f / 255f, ZERO, ONE, layout, type);
  }

  /** Random opaque RGB image. */
  static BufferedImage randomRgb(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    new Random(seed).nextBytes(((DataBufferByte) img.getRaster().getDataBuffer()).getData());
    return img;
  }

  @Test
  void torchvisionResizeRule() {
    PreprocessSpec s = PreprocessSpec.imagenet();
    assertThat(ImagePreprocessor.resizedSize(s, 500, 375)).containsExactly(341, 256);
    assertThat(ImagePreprocessor.resizedSize(s, 375, 500)).containsExactly(256, 341);
    assertThat(ImagePreprocessor.resizedSize(s, 640, 427)).containsExactly(383, 256);
    assertThat(ImagePreprocessor.resizedSize(s, 300, 300)).containsExactly(256, 256);
    PreprocessSpec fixed =
        spec(
            28, 20, ColorMode.GRAY, 0, Interpolation.BILINEAR, false, Layout.NCHW, PixelType.UINT8);
    assertThat(ImagePreprocessor.resizedSize(fixed, 500, 375)).containsExactly(28, 20);
  }

  @Test
  void centerCropOffsetsRoundHalfToEvenAndPad() {
    assertThat(ImagePreprocessor.cropOffset(256, 224)).isEqualTo(16);
    assertThat(ImagePreprocessor.cropOffset(225, 224)).isEqualTo(0); // round(0.5) == 0
    assertThat(ImagePreprocessor.cropOffset(227, 224)).isEqualTo(2); // round(1.5) == 2
    assertThat(ImagePreprocessor.cropOffset(200, 203)).isEqualTo(-1); // pad 1 left, 2 right
  }

  @Test
  void uint8WithoutResizeReturnsRawPixelsInBothLayouts() {
    BufferedImage img = randomRgb(7, 5, 1);
    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    ImageTensor hwc =
        new ImagePreprocessor(
                spec(
                    7,
                    5,
                    ColorMode.RGB,
                    0,
                    Interpolation.BILINEAR,
                    true,
                    Layout.NHWC,
                    PixelType.UINT8))
            .apply(img);
    ImageTensor chw =
        new ImagePreprocessor(
                spec(
                    7,
                    5,
                    ColorMode.RGB,
                    0,
                    Interpolation.BILINEAR,
                    true,
                    Layout.NCHW,
                    PixelType.UINT8))
            .apply(img);
    ImageTensor bgrHwc =
        new ImagePreprocessor(
                spec(
                    7,
                    5,
                    ColorMode.BGR,
                    0,
                    Interpolation.BILINEAR,
                    true,
                    Layout.NHWC,
                    PixelType.UINT8))
            .apply(img);
    assertThat(hwc.shape()).containsExactly(5, 7, 3);
    assertThat(chw.shape()).containsExactly(3, 5, 7);
    assertThat(bgrHwc.data()).isEqualTo(bgr);
    for (int p = 0; p < 35; p++) {
      for (int c = 0; c < 3; c++) {
        assertThat(hwc.data()[p * 3 + c]).isEqualTo(bgr[p * 3 + 2 - c]);
        assertThat(chw.data()[c * 35 + p]).isEqualTo(hwc.data()[p * 3 + c]);
      }
    }
  }

  @Test
  void floatLayoutsAreTranspositionsOfEachOther() {
    BufferedImage img = randomRgb(300, 200, 2);
    PreprocessSpec nchw = PreprocessSpec.imagenet();
    PreprocessSpec nhwc =
        new PreprocessSpec(
            224,
            224,
            ColorMode.RGB,
            256,
            Interpolation.BILINEAR,
            true,
            1f / 255f,
            nchw.mean(),
            nchw.std(),
            Layout.NHWC,
            PixelType.FLOAT32);
    float[] a = new ImagePreprocessor(nchw).apply(img).toFloatArray();
    float[] b = new ImagePreprocessor(nhwc).apply(img).toFloatArray();
    int plane = 224 * 224;
    for (int p = 0; p < plane; p += 97) {
      for (int c = 0; c < 3; c++) {
        assertThat(b[p * 3 + c]).isEqualTo(a[c * plane + p]);
      }
    }
  }

  @Test
  void normalisationMatchesToTensorAndNormalize() {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        img.setRGB(x, y, 0x102030);
      }
    }
    PreprocessSpec s =
        new PreprocessSpec(
            4,
            4,
            ColorMode.RGB,
            0,
            Interpolation.BILINEAR,
            false,
            1f / 255f,
            new float[] {0.5f, 0.25f, 0.125f},
            new float[] {0.5f, 2f, 4f},
            Layout.NCHW,
            PixelType.FLOAT32);
    float[] out = new ImagePreprocessor(s).apply(img).toFloatArray();
    assertThat(out[0]).isEqualTo((0x10 / 255f - 0.5f) / 0.5f);
    assertThat(out[16]).isEqualTo((0x20 / 255f - 0.25f) / 2f);
    assertThat(out[32]).isEqualTo((0x30 / 255f - 0.125f) / 4f);
    // a non-ToTensor scale multiplies
    PreprocessSpec raw =
        new PreprocessSpec(
            4,
            4,
            ColorMode.RGB,
            0,
            Interpolation.BILINEAR,
            false,
            1f,
            new float[] {100f},
            new float[] {2f},
            Layout.NHWC,
            PixelType.FLOAT32);
    assertThat(new ImagePreprocessor(raw).apply(img).toFloatArray()[2])
        .isEqualTo((0x30 - 100f) / 2f);
  }

  @Test
  void grayUsesPilLumaAndKeepsGrayImagesRaw() {
    BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, 0xC86432);
    rgb.setRGB(1, 0, 0x0000FF);
    PreprocessSpec s =
        spec(2, 1, ColorMode.GRAY, 0, Interpolation.NEAREST, false, Layout.NCHW, PixelType.UINT8);
    byte[] l = new ImagePreprocessor(s).apply(rgb).data();
    assertThat(l[0] & 0xFF).isEqualTo((200 * 19595 + 100 * 38470 + 50 * 7471 + 0x8000) >> 16);
    assertThat(l[1] & 0xFF).isEqualTo((255 * 7471 + 0x8000) >> 16);

    BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(0, 0, 0, 100);
    gray.getRaster().setSample(1, 0, 0, 7);
    assertThat(new ImagePreprocessor(s).apply(gray).data()).containsExactly(100, 7);
    byte[] asRgb =
        new ImagePreprocessor(
                spec(
                    2,
                    1,
                    ColorMode.RGB,
                    0,
                    Interpolation.NEAREST,
                    false,
                    Layout.NHWC,
                    PixelType.UINT8))
            .apply(gray)
            .data();
    assertThat(asRgb).containsExactly(100, 100, 100, 7, 7, 7); // not getRGB's gamma-converted gray
  }

  @Test
  void centerCropPadsWithZeroPixels() {
    BufferedImage img = randomRgb(10, 10, 3);
    PreprocessSpec s =
        new PreprocessSpec(
            13,
            12,
            ColorMode.RGB,
            0,
            Interpolation.BILINEAR,
            false,
            1f / 255f,
            ZERO,
            ONE,
            Layout.NHWC,
            PixelType.UINT8);
    PreprocessSpec crop =
        new PreprocessSpec(
            13,
            12,
            ColorMode.RGB,
            8,
            Interpolation.BILINEAR,
            true,
            1f / 255f,
            ZERO,
            ONE,
            Layout.NHWC,
            PixelType.UINT8);
    ImageTensor t = new ImagePreprocessor(crop).apply(img);
    assertThat(t.shape()).containsExactly(12, 13, 3);
    // 8x8 centred in 13x12: left pad 2, top pad 2
    byte[] d = t.data();
    assertThat(d[(0 * 13 + 0) * 3]).isZero();
    assertThat(d[(11 * 13 + 12) * 3]).isZero();
    assertThat(d[(1 * 13 + 5) * 3 + 1]).isZero();
    ImageTensor resized =
        new ImagePreprocessor(
                new PreprocessSpec(
                    8,
                    8,
                    ColorMode.RGB,
                    0,
                    Interpolation.BILINEAR,
                    false,
                    1f / 255f,
                    ZERO,
                    ONE,
                    Layout.NHWC,
                    PixelType.UINT8))
            .apply(img);
    assertThat(d[(2 * 13 + 2) * 3]).isEqualTo(resized.data()[0]);
    assertThat(d[(9 * 13 + 9) * 3 + 2]).isEqualTo(resized.data()[(7 * 8 + 7) * 3 + 2]);
    assertThat(new ImagePreprocessor(s).apply(img).shape()).containsExactly(12, 13, 3);
  }

  @Test
  void withoutCropShapeFollowsAspectRatio() {
    PreprocessSpec s =
        new PreprocessSpec(
            224,
            224,
            ColorMode.RGB,
            256,
            Interpolation.BILINEAR,
            false,
            1f / 255f,
            ZERO,
            ONE,
            Layout.NCHW,
            PixelType.UINT8);
    assertThat(new ImagePreprocessor(s).apply(randomRgb(500, 375, 4)).shape())
        .containsExactly(3, 256, 341);
  }

  @Test
  void acceptsOtherImageTypes() {
    BufferedImage src = randomRgb(40, 30, 5);
    byte[] ref = new ImagePreprocessor(PreprocessSpec.imagenet()).apply(src).data();
    for (int type :
        new int[] {
          BufferedImage.TYPE_INT_RGB,
          BufferedImage.TYPE_INT_ARGB,
          BufferedImage.TYPE_INT_BGR,
          BufferedImage.TYPE_4BYTE_ABGR
        }) {
      BufferedImage copy = new BufferedImage(40, 30, type);
      copy.getGraphics().drawImage(src, 0, 0, null);
      assertThat(new ImagePreprocessor(PreprocessSpec.imagenet()).apply(copy).data())
          .as("type %d", type)
          .isEqualTo(ref);
    }
    // a sub-image (raster with offsets)
    BufferedImage big = randomRgb(60, 50, 6);
    BufferedImage sub = big.getSubimage(10, 7, 40, 30);
    BufferedImage subCopy = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
    subCopy.getGraphics().drawImage(sub, 0, 0, null);
    assertThat(new ImagePreprocessor(PreprocessSpec.imagenet()).apply(sub).data())
        .isEqualTo(new ImagePreprocessor(PreprocessSpec.imagenet()).apply(subCopy).data());
  }

  @Test
  void isThreadSafe() throws Exception {
    ImagePreprocessor p = new ImagePreprocessor(PreprocessSpec.imagenet());
    List<BufferedImage> images = new ArrayList<>();
    List<ImageTensor> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      BufferedImage img = randomRgb(200 + i * 37, 300 - i * 11, i);
      images.add(img);
      expected.add(p.apply(img));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int r = 0; r < 32; r++) {
        int i = r % 8;
        results.add(pool.submit(() -> p.apply(images.get(i)).equals(expected.get(i))));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parityCheckIsSensitiveToPipelineMistakes() throws Exception {
    // the same case as coffee_png in the manifest, but with the wrong filter: must not match
    BufferedImage img =
        new ImageDecoder(1_000_000).decode(TorchvisionParityTest.resource("coffee_landscape.png"));
    PreprocessSpec im = PreprocessSpec.imagenet();
    PreprocessSpec bicubic =
        new PreprocessSpec(
            224,
            224,
            ColorMode.RGB,
            256,
            Interpolation.BICUBIC,
            true,
            1f / 255f,
            im.mean(),
            im.std(),
            Layout.NCHW,
            PixelType.FLOAT32);
    byte[] ref = TorchvisionParityTest.gunzip(TorchvisionParityTest.resource("coffee_png.f32.gz"));
    assertThat(new ImagePreprocessor(im).apply(img).data()).isEqualTo(ref);
    assertThat(new ImagePreprocessor(bicubic).apply(img).data()).isNotEqualTo(ref);
  }

  @Test
  void tensorValidatesShapeAgainstData() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ImageTensor(PixelType.FLOAT32, new long[] {3, 2, 2}, new byte[12]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 48");
  }
}
