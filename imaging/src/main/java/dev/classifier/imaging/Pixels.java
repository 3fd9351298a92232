package dev.classifier.imaging;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Reads a {@link BufferedImage} into a {@link PixelBuffer} the way PIL's {@code convert("RGB")} /
 * {@code convert("L")} would treat the same file: alpha is dropped (not composited), gray is
 * replicated to RGB, RGB to gray uses PIL's fixed-point ITU-R 601-2 luma, 16-bit samples keep their
 * high byte, palettes are expanded. Colour-managed conversion ({@code getRGB}) is used only for
 * unusual image types, one row at a time.
 */
final class Pixels {
  private Pixels() {}

  /** PIL's RGB to L: {@code (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16}. */
  static int luma(int r, int g, int b) {
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }

  /** True if the image holds gray samples (with or without alpha), i.e. PIL mode L, LA or I. */
  static boolean isGray(BufferedImage img) {
    ColorModel cm = img.getColorModel();
    return !(cm instanceof IndexColorModel)
        && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && img.getRaster().getNumBands() <= 2;
  }

  /** Converts to 1 (L) or 3 (RGB) channels. */
  static PixelBuffer read(BufferedImage img, int channels) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[w * h * channels];
    if (isGray(img)) {
      byte[] gray = channels == 1 ? out : new byte[w * h];
      readBand0(img.getRaster(), gray);
      if (channels == 3) {
        for (int i = 0, o = 0; i < gray.length; i++, o += 3) {
          out[o] = out[o + 1] = out[o + 2] = gray[i];
        }
      }
      return new PixelBuffer(w, h, channels, out);
    }
    byte[] rgb = channels == 3 ? out : new byte[w * h * 3];
    readRgb(img, rgb);
    if (channels == 1) {
      for (int i = 0, p = 0; i < out.length; i++, p += 3) {
        out[i] = (byte) luma(rgb[p] & 0xFF, rgb[p + 1] & 0xFF, rgb[p + 2] & 0xFF);
      }
    }
    return new PixelBuffer(w, h, channels, out);
  }

  /** Gray samples of band 0; 16-bit samples keep the high byte. */
  private static void readBand0(Raster r, byte[] out) {
    int w = r.getWidth();
    int h = r.getHeight();
    if (r.getSampleModel() instanceof ComponentSampleModel sm
        && r.getDataBuffer().getNumBanks() == 1
        && (r.getDataBuffer() instanceof DataBufferByte
            || r.getDataBuffer() instanceof DataBufferUShort)) {
      int[] off = componentOffsets(r, sm, 1);
      int ps = sm.getPixelStride();
      int ss = sm.getScanlineStride();
      if (r.getDataBuffer() instanceof DataBufferByte db) {
        byte[] src = db.getData();
        for (int y = 0, o = 0; y < h; y++) {
          for (int x = 0, i = off[0] + y * ss; x < w; x++, i += ps) {
            out[o++] = src[i];
          }
        }
      } else {
        short[] src = ((DataBufferUShort) r.getDataBuffer()).getData();
        for (int y = 0, o = 0; y < h; y++) {
          for (int x = 0, i = off[0] + y * ss; x < w; x++, i += ps) {
            out[o++] = (byte) ((src[i] & 0xFFFF) >>> 8);
          }
        }
      }
      return;
    }
    int bits = r.getSampleModel().getSampleSize(0);
    int shift = Math.max(0, bits - 8);
    int[] row = new int[w];
    for (int y = 0, o = 0; y < h; y++) {
      r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        out[o++] = (byte) (bits < 8 ? row[x] * 255 / ((1 << bits) - 1) : row[x] >>> shift);
      }
    }
  }

  /** Buffer offsets of the first {@code bands} bands of pixel (minX, minY). */
  private static int[] componentOffsets(Raster r, ComponentSampleModel sm, int bands) {
    int base =
        r.getDataBuffer().getOffset()
            + (r.getMinY() - r.getSampleModelTranslateY()) * sm.getScanlineStride()
            + (r.getMinX() - r.getSampleModelTranslateX()) * sm.getPixelStride();
    int[] bo = sm.getBandOffsets();
    int[] off = new int[bands];
    for (int b = 0; b < bands; b++) {
      off[b] = base + bo[b];
    }
    return off;
  }

  private static void readRgb(BufferedImage img, byte[] out) {
    Raster r = img.getRaster();
    ColorModel cm = img.getColorModel();
    int w = img.getWidth();
    int h = img.getHeight();
    DataBuffer db = r.getDataBuffer();
    boolean srgb = cm.getColorSpace().isCS_sRGB();
    if (cm instanceof ComponentColorModel
        && srgb
        && !cm.isAlphaPremultiplied()
        && r.getSampleModel() instanceof ComponentSampleModel sm
        && db.getNumBanks() == 1
        && r.getNumBands() >= 3) {
      int[] off = componentOffsets(r, sm, 3);
      int ps = sm.getPixelStride();
      int ss = sm.getScanlineStride();
      if (db instanceof DataBufferByte bb) {
        byte[] src = bb.getData();
        for (int y = 0, o = 0; y < h; y++) {
          int row = y * ss;
          for (int x = 0, p = row; x < w; x++, p += ps) {
            out[o++] = src[off[0] + p];
            out[o++] = src[off[1] + p];
            out[o++] = src[off[2] + p];
          }
        }
        return;
      }
      if (db instanceof DataBufferUShort ub) {
        short[] src = ub.getData();
        for (int y = 0, o = 0; y < h; y++) {
          int row = y * ss;
          for (int x = 0, p = row; x < w; x++, p += ps) {
            out[o++] = (byte) ((src[off[0] + p] & 0xFFFF) >>> 8);
            out[o++] = (byte) ((src[off[1] + p] & 0xFFFF) >>> 8);
            out[o++] = (byte) ((src[off[2] + p] & 0xFFFF) >>> 8);
          }
        }
        return;
      }
    }
    if (cm instanceof DirectColorModel dcm
        && srgb
        && !cm.isAlphaPremultiplied()
        && db instanceof DataBufferInt ib
        && r.getSampleModel() instanceof SinglePixelPackedSampleModel sm
        && dcm.getRedMask() == 0xFF0000
        && dcm.getGreenMask() == 0xFF00
        && dcm.getBlueMask() == 0xFF) {
      int[] src = ib.getData();
      int ss = sm.getScanlineStride();
      int base =
          db.getOffset()
              + (r.getMinY() - r.getSampleModelTranslateY()) * ss
              + (r.getMinX() - r.getSampleModelTranslateX());
      for (int y = 0, o = 0; y < h; y++) {
        for (int x = 0, p = base + y * ss; x < w; x++, p++) {
          int v = src[p];
          out[o++] = (byte) (v >>> 16);
          out[o++] = (byte) (v >>> 8);
          out[o++] = (byte) v;
        }
      }
      return;
    }
    if (cm instanceof IndexColorModel icm) {
      int n = icm.getMapSize();
      byte[] reds = new byte[n];
      byte[] greens = new byte[n];
      byte[] blues = new byte[n];
      icm.getReds(reds);
      icm.getGreens(greens);
      icm.getBlues(blues);
      int[] row = new int[w];
      for (int y = 0, o = 0; y < h; y++) {
        r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int i = Math.min(row[x], n - 1);
          out[o++] = reds[i];
          out[o++] = greens[i];
          out[o++] = blues[i];
        }
      }
      return;
    }
    int[] row = new int[w];
    for (int y = 0, o = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int v = row[x];
        out[o++] = (byte) (v >>> 16);
        out[o++] = (byte) (v >>> 8);
        out[o++] = (byte) v;
      }
    }
  }
}
