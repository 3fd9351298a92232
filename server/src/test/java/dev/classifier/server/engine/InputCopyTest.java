package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.imaging.ColorMode;
import dev.classifier.imaging.ImagePreprocessor;
import dev.classifier.imaging.ImageTensor;
import dev.classifier.imaging.Interpolation;
import dev.classifier.imaging.Layout;
import dev.classifier.imaging.PixelType;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import dev.classifier.server.signature.TensorLayout;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch copy: UINT8 pixels widened by the server equal, bit for bit, the FLOAT32 tensor the
 * client encoder ({@link ImagePreprocessor}) makes of the same image, in every layout and colour
 * mode; the non-finite check still counts in the bulk FLOAT32 path; misfits are refused.
 */
class InputCopyTest {
  private static final int W = 37;
  private static final int H = 29;

  private static BufferedImage randomImage(long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(53, 41, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  private static PreprocessSpec spec(ColorMode mode, Layout layout, PixelType type, float scale) {
    float[] mean =
        mode == ColorMode.GRAY ? new float[] {0.5f} : new float[] {0.485f, 0.456f, 0.406f};
    float[] std =
        mode == ColorMode.GRAY ? new float[] {0.25f} : new float[] {0.229f, 0.224f, 0.225f};
    return new PreprocessSpec(
        W, H, mode, 40, Interpolation.BILINEAR, true, scale, mean, std, layout, type);
  }

  private static ModelSignature signature(int channels, Layout layout) {
    long[] image =
        layout == Layout.NCHW ? new long[] {channels, H, W} : new long[] {H, W, channels};
    long[] input = new long[] {-1, image[0], image[1], image[2]};
    return new ModelSignature(
        "x",
        ElementType.FLOAT32,
        input,
        true,
        image,
        layout == Layout.NCHW ? TensorLayout.NCHW : TensorLayout.NHWC,
        "y",
        new long[] {-1, 10},
        10);
  }

  @Test
  void widenedPixelsEqualTheEncodersFloatTensorBitForBit() {
    long seed = 0;
    for (ColorMode mode : ColorMode.values()) {
      for (Layout layout : Layout.values()) {
        for (float scale : new float[] {1f / 255f, 0.0042f}) {
          seed++;
          PreprocessSpec floatSpec = spec(mode, layout, PixelType.FLOAT32, scale);
          PreprocessSpec uint8Spec = spec(mode, layout, PixelType.UINT8, scale);
          ModelSignature s = signature(mode.channels(), layout);
          PixelWidening widening = PixelWidening.forModel(s, floatSpec).orElseThrow();
          BufferedImage image = randomImage(seed);
          ImageTensor expected = new ImagePreprocessor(floatSpec).apply(image);
          ImageTensor pixels = new ImagePreprocessor(uint8Spec).apply(image);

          // two images into one batch buffer: the second lands at its own offset
          int imageBytes = (int) s.imageBytes();
          ByteBuffer batch =
              ByteBuffer.allocateDirect(2 * imageBytes).order(ByteOrder.nativeOrder());
          InputCopy copy = new InputCopy(ElementType.FLOAT32, true, widening, batch);
          InferenceInput in = InferenceInput.of(pixels.data(), ElementType.UINT8);
          assertThat(copy.copy(in, 0)).isZero();
          assertThat(copy.copy(in, imageBytes)).isZero();

          ByteBuffer want = ByteBuffer.wrap(expected.data()).order(ByteOrder.LITTLE_ENDIAN);
          for (int k = 0; k < expected.data().length / 4; k++) {
            float w = want.getFloat(k * 4);
            String where = mode + " " + layout + " scale " + scale + " element " + k;
            assertThat(Float.floatToRawIntBits(batch.getFloat(k * 4)))
                .as(where)
                .isEqualTo(Float.floatToRawIntBits(w));
            assertThat(Float.floatToRawIntBits(batch.getFloat(imageBytes + k * 4)))
                .as(where)
                .isEqualTo(Float.floatToRawIntBits(w));
          }
        }
      }
    }
  }

  @Test
  void wideningFollowsTorchvisionsFormulaForEveryPixelValue() {
    // (v / 255 - mean) / std in float32, the arithmetic of ToTensor + Normalize, written out here
    PreprocessSpec spec = spec(ColorMode.RGB, Layout.NHWC, PixelType.FLOAT32, 1f / 255f);
    ModelSignature s = signature(3, Layout.NHWC);
    PixelWidening widening = PixelWidening.forModel(s, spec).orElseThrow();
    byte[] pixels = new byte[(int) s.imageElements()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i / 3 % 256);
    }
    ByteBuffer batch =
        ByteBuffer.allocateDirect((int) s.imageBytes()).order(ByteOrder.nativeOrder());
    new InputCopy(ElementType.FLOAT32, true, widening, batch)
        .copy(InferenceInput.of(pixels, ElementType.UINT8), 0);
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    for (int i = 0; i < pixels.length; i++) {
      int c = i % 3;
      float want = ((pixels[i] & 0xFF) / 255f - mean[c]) / std[c];
      assertThat(batch.getFloat(i * 4)).as("element %d", i).isEqualTo(want);
    }
  }

  @Test
  void bulkFloatCopyCountsNonFiniteValuesAcrossChunks() {
    int elements = InputCopy.CHUNK * 3 + 7; // several chunks and a partial one
    ByteBuffer src = ByteBuffer.allocate(elements * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < elements; i++) {
      src.putFloat(i * 4, i * 0.5f);
    }
    src.putFloat(0, Float.NaN);
    src.putFloat(InputCopy.CHUNK * 4, Float.POSITIVE_INFINITY);
    src.putFloat((elements - 1) * 4, Float.NEGATIVE_INFINITY);
    ByteBuffer batch = ByteBuffer.allocateDirect(elements * 4 + 8).order(ByteOrder.nativeOrder());
    InputCopy copy = new InputCopy(ElementType.FLOAT32, true, null, batch);
    assertThat(copy.copy(new InferenceInput(src.asReadOnlyBuffer(), ElementType.FLOAT32), 8))
        .isEqualTo(3);
    for (int i = 1; i < elements - 1; i++) {
      if (i != InputCopy.CHUNK) {
        assertThat(batch.getFloat(8 + i * 4)).isEqualTo(i * 0.5f);
      }
    }
    InputCopy unchecked = new InputCopy(ElementType.FLOAT32, false, null, batch);
    assertThat(unchecked.copy(new InferenceInput(src.asReadOnlyBuffer(), ElementType.FLOAT32), 0))
        .isZero();
  }

  @Test
  void uint8IntoAFloatModelWithoutWideningIsRefused() {
    ByteBuffer batch = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
    InputCopy copy = new InputCopy(ElementType.FLOAT32, true, null, batch);
    assertThat(copy.copy(InferenceInput.of(new byte[16], ElementType.UINT8), 0)).isEqualTo(-1);
  }

  @Test
  void wideningIsOfferedOnlyWhereTheSpecStatesTheModelsNormalisation() {
    PreprocessSpec floatNchw = spec(ColorMode.RGB, Layout.NCHW, PixelType.FLOAT32, 1f / 255f);
    assertThat(PixelWidening.forModel(signature(3, Layout.NCHW), floatNchw)).isPresent();
    assertThat(PixelWidening.forModel(signature(3, Layout.NCHW), null)).isEmpty();
    // the spec says the model takes raw pixels, or another layout, size or channel count
    assertThat(
            PixelWidening.forModel(
                signature(3, Layout.NCHW),
                spec(ColorMode.RGB, Layout.NCHW, PixelType.UINT8, 1f / 255f)))
        .isEmpty();
    assertThat(PixelWidening.forModel(signature(3, Layout.NHWC), floatNchw)).isEmpty();
    assertThat(PixelWidening.forModel(signature(1, Layout.NCHW), floatNchw)).isEmpty();
    PreprocessSpec otherSize =
        new PreprocessSpec(
            W + 1,
            H,
            ColorMode.RGB,
            0,
            Interpolation.BILINEAR,
            false,
            1f / 255f,
            new float[] {0f},
            new float[] {1f},
            Layout.NCHW,
            PixelType.FLOAT32);
    assertThat(PixelWidening.forModel(signature(3, Layout.NCHW), otherSize)).isEmpty();
    // a std so small that a table value overflows to infinity
    PreprocessSpec tiny =
        new PreprocessSpec(
            W,
            H,
            ColorMode.RGB,
            0,
            Interpolation.BILINEAR,
            false,
            1f,
            new float[] {0f},
            new float[] {1e-38f},
            Layout.NCHW,
            PixelType.FLOAT32);
    assertThat(PixelWidening.forModel(signature(3, Layout.NCHW), tiny)).isEmpty();
  }
}
