package dev.classifier.imaging;

import java.awt.image.BufferedImage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Turns a decoded image into the tensor a model wants, reproducing torchvision 0.14's eval
 * transform on PIL images (see {@link PreprocessSpec}): PIL-style colour conversion, Pillow's
 * resampling ({@link Resampler}), torchvision's {@code CenterCrop} offsets and zero padding, then
 * {@code ToTensor}/{@code Normalize} in float32 (or raw uint8) in the requested layout.
 *
 * <p>Immutable and thread-safe: one instance per model can serve all threads. Normalisation reads
 * {@link Normalization}'s 256-entry table per channel (the same float32 operations as PyTorch), the
 * tables the server uses to widen uint8 tensors.
 */
public final class ImagePreprocessor {
  /** Writes a float into the output bytes little-endian (no intermediate float[] and copy). */
  private static final VarHandle FLOAT_LE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final PreprocessSpec spec;
  private final float[][] lut;

  public ImagePreprocessor(PreprocessSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec must not be null");
    Normalization normalization = Normalization.of(spec);
    lut = new float[spec.channels()][];
    for (int ch = 0; ch < lut.length; ch++) {
      lut[ch] = normalization.tableView(ch);
    }
  }

  public PreprocessSpec spec() {
    return spec;
  }

  /** Output {width, height} of torchvision's Resize for an input of the given size. */
  static int[] resizedSize(PreprocessSpec spec, int w, int h) {
    int size = spec.resizeShorterSide();
    if (size == 0) {
      return new int[] {spec.width(), spec.height()};
    }
    int shortSide = Math.min(w, h);
    int longSide = Math.max(w, h);
    // torchvision: int(size * long / short), Python true division of ints is correctly rounded
    int newLong = (int) ((double) ((long) size * longSide) / shortSide);
    return w <= h ? new int[] {size, newLong} : new int[] {newLong, size};
  }

  /** torchvision CenterCrop source offset for one dimension (negative = zero padding before). */
  static int cropOffset(int size, int crop) {
    if (crop > size) {
      return -((crop - size) / 2);
    }
    return (int) Math.rint((size - crop) / 2.0);
  }

  /**
   * Preprocesses one image.
   *
   * @throws IllegalArgumentException if the image is empty
   */
  public ImageTensor apply(BufferedImage image) {
    Objects.requireNonNull(image, "image must not be null");
    if (image.getWidth() <= 0 || image.getHeight() <= 0) {
      throw new IllegalArgumentException("image is empty");
    }
    int c = spec.channels();
    PixelBuffer px = Pixels.read(image, c);
    int[] size = resizedSize(spec, px.width(), px.height());
    int outW = size[0];
    int outH = size[1];
    int offX = 0;
    int offY = 0;
    if (spec.centerCrop()) {
      outW = spec.width();
      outH = spec.height();
      offX = cropOffset(size[0], outW);
      offY = cropOffset(size[1], outH);
    }
    // resize only the part of the image the crop keeps: [winX, winX + winW) x [winY, winY + winH)
    int winX = Math.max(0, offX);
    int winY = Math.max(0, offY);
    int winW = Math.min(size[0], offX + outW) - winX;
    int winH = Math.min(size[1], offY + outH) - winY;
    if (size[0] == px.width() && size[1] == px.height()) {
      winX = 0; // no resize: index the decoded pixels directly
      winY = 0;
    } else {
      px =
          Resampler.resizeWindow(
              px, size[0], size[1], spec.interpolation(), winX, winY, winW, winH);
    }
    offX -= winX;
    offY -= winY;
    boolean nchw = spec.layout() == Layout.NCHW;
    long[] shape = nchw ? new long[] {c, outH, outW} : new long[] {outH, outW, c};
    boolean bgr = spec.colorMode() == ColorMode.BGR;
    int plane = outW * outH;
    byte[] src = px.data();
    int inW = px.width();
    int inH = px.height();

    if (spec.pixelType() == PixelType.UINT8) {
      byte[] out = new byte[plane * c];
      for (int y = 0; y < outH; y++) {
        int sy = y + offY;
        if (sy < 0 || sy >= inH) {
          continue;
        }
        for (int x = 0; x < outW; x++) {
          int sx = x + offX;
          if (sx < 0 || sx >= inW) {
            continue;
          }
          int s = (sy * inW + sx) * c;
          int pix = y * outW + x;
          for (int ch = 0; ch < c; ch++) {
            byte v = src[s + (bgr ? 2 - ch : ch)];
            out[nchw ? ch * plane + pix : pix * c + ch] = v;
          }
        }
      }
      return new ImageTensor(PixelType.UINT8, shape, out);
    }

    byte[] out = new byte[plane * c * Float.BYTES];
    for (int y = 0; y < outH; y++) {
      int sy = y + offY;
      boolean rowIn = sy >= 0 && sy < inH;
      for (int x = 0; x < outW; x++) {
        int sx = x + offX;
        boolean in = rowIn && sx >= 0 && sx < inW;
        int s = in ? (sy * inW + sx) * c : 0;
        int pix = y * outW + x;
        for (int ch = 0; ch < c; ch++) {
          int v = in ? src[s + (bgr ? 2 - ch : ch)] & 0xFF : 0; // padding is pixel value 0
          FLOAT_LE.set(out, (nchw ? ch * plane + pix : pix * c + ch) * Float.BYTES, lut[ch][v]);
        }
      }
    }
    return new ImageTensor(PixelType.FLOAT32, shape, out);
  }
}
