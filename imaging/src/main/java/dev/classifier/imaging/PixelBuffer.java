package dev.classifier.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * 8-bit pixels in PIL's "L" (1 channel) or "RGB" (3 channels, R G B order) mode, interleaved row by
 * row. The working representation of the preprocessing pipeline.
 */
record PixelBuffer(int width, int height, int channels, byte[] data) {

  PixelBuffer {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if ((long) width * height * channels != data.length) {
      throw new IllegalArgumentException("data length does not match " + width + "x" + height);
    }
  }

  /** Wraps a copy as TYPE_BYTE_GRAY (1 channel) or TYPE_3BYTE_BGR (3 channels). */
  BufferedImage toBufferedImage() {
    BufferedImage img =
        new BufferedImage(
            width,
            height,
            channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    if (channels == 1) {
      System.arraycopy(data, 0, dst, 0, data.length);
    } else {
      for (int i = 0; i < data.length; i += 3) {
        dst[i] = data[i + 2];
        dst[i + 1] = data[i + 1];
        dst[i + 2] = data[i];
      }
    }
    return img;
  }
}
