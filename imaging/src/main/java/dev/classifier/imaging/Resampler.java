package dev.classifier.imaging;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A port of Pillow's {@code Image.resize} for 8-bit L and RGB images (Pillow 9.x, {@code
 * libImaging/Resample.c} and, for NEAREST, {@code Geometry.c}'s {@code ImagingScaleAffine}),
 * bit-exact by construction:
 *
 * <ul>
 *   <li>coefficients per output pixel from the filter with its support multiplied by the downscale
 *       factor, bounds rounded with {@code (int)(center +- support + 0.5)}, normalised to sum 1 in
 *       double, then converted to fixed point with 22 fractional bits rounding half away from zero;
 *   <li>the horizontal pass first (only over the rows the vertical pass reads), then the vertical
 *       pass; each accumulates from {@code 1 << 21} and clips {@code sum >> 22} to 0..255, so the
 *       intermediate image is rounded to uint8 exactly like Pillow's;
 *   <li>a pass is skipped when its dimension is unchanged;
 *   <li>with a window ({@link #resizeWindow}, used for the center crop) only the output pixels
 *       inside it are computed, with the same per-pixel coefficients.
 * </ul>
 *
 * Coefficients are cached per (input size, output size, filter).
 */
final class Resampler {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final int MAX_CACHED = 512;
  private static final ConcurrentHashMap<Long, Coeffs> CACHE = new ConcurrentHashMap<>();

  private Resampler() {}

  /**
   * Fixed-point coefficients: for output pixel i, {@code size[i]} taps from input {@code min[i]}.
   */
  record Coeffs(int ksize, int[] min, int[] size, int[] k) {}

  static PixelBuffer resize(PixelBuffer in, int outW, int outH, Interpolation interpolation) {
    if (outW == in.width() && outH == in.height()) {
      return in;
    }
    return resizeWindow(in, outW, outH, interpolation, 0, 0, outW, outH);
  }

  /**
   * The window {@code [x0, x0 + w) x [y0, y0 + h)} of {@code resize(in, outW, outH)}, computing
   * only the output columns and rows inside it (and only the intermediate rows those need):
   * bit-identical to resizing the whole image and cropping, because each output pixel uses the same
   * coefficients.
   */
  static PixelBuffer resizeWindow(
      PixelBuffer in,
      int outW,
      int outH,
      Interpolation interpolation,
      int x0,
      int y0,
      int w,
      int h) {
    if (x0 < 0 || y0 < 0 || w < 1 || h < 1 || x0 + w > outW || y0 + h > outH) {
      throw new IllegalArgumentException(
          "window " + w + "x" + h + "+" + x0 + "+" + y0 + " outside " + outW + "x" + outH);
    }
    if (interpolation == Interpolation.NEAREST) {
      return nearest(in, outW, outH, x0, y0, w, h);
    }
    boolean needH = outW != in.width();
    boolean needV = outH != in.height();
    // rows of the input (= of the horizontal pass's output) that the window's rows read
    int first;
    int last;
    Coeffs vert = null;
    if (needV) {
      vert = coeffs(in.height(), outH, interpolation);
      first = vert.min()[y0];
      last = vert.min()[y0 + h - 1] + vert.size()[y0 + h - 1];
    } else {
      first = y0;
      last = y0 + h;
    }
    PixelBuffer cur =
        needH
            ? horizontal(in, coeffs(in.width(), outW, interpolation), x0, w, first, last - first)
            : crop(in, x0, first, w, last - first);
    if (needV) {
      cur = vertical(cur, vert, y0, h, first);
    }
    return cur;
  }

  private static PixelBuffer crop(PixelBuffer in, int x0, int y0, int w, int h) {
    if (x0 == 0 && y0 == 0 && w == in.width() && h == in.height()) {
      return in;
    }
    int ch = in.channels();
    byte[] dst = new byte[w * h * ch];
    for (int y = 0; y < h; y++) {
      System.arraycopy(in.data(), ((y + y0) * in.width() + x0) * ch, dst, y * w * ch, w * ch);
    }
    return new PixelBuffer(w, h, ch, dst);
  }

  // the ordinal is part of an in-memory cache key only, never stored or sent
  @SuppressWarnings("EnumOrdinal")
  static Coeffs coeffs(int inSize, int outSize, Interpolation interpolation) {
    long key = ((long) inSize << 32) | ((long) outSize << 2) | interpolation.ordinal();
    Coeffs c = CACHE.get(key);
    if (c == null) {
      c = compute(inSize, outSize, interpolation);
      if (CACHE.size() >= MAX_CACHED) {
        CACHE.clear();
      }
      CACHE.put(key, c);
    }
    return c;
  }

  private static double filter(Interpolation interpolation, double x) {
    if (x < 0.0) {
      x = -x;
    }
    if (interpolation == Interpolation.BILINEAR) {
      return x < 1.0 ? 1.0 - x : 0.0;
    }
    final double a = -0.5;
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the box (0, inSize). */
  private static Coeffs compute(int inSize, int outSize, Interpolation interpolation) {
    double support0 = interpolation == Interpolation.BILINEAR ? 1.0 : 2.0;
    double scale = (double) (float) inSize / outSize;
    double filterscale = Math.max(scale, 1.0);
    double support = support0 * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    int[] mins = new int[outSize];
    int[] sizes = new int[outSize];
    int[] kk = new int[outSize * ksize];
    double[] k = new double[ksize];
    double ss = 1.0 / filterscale;
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ww = 0.0;
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      xmax -= xmin;
      for (int x = 0; x < xmax; x++) {
        double w = filter(interpolation, (x + xmin - center + 0.5) * ss);
        k[x] = w;
        ww += w;
      }
      for (int x = 0; x < xmax; x++) {
        double v = ww != 0.0 ? k[x] / ww : k[x];
        kk[xx * ksize + x] =
            v < 0
                ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                : (int) (0.5 + v * (1 << PRECISION_BITS));
      }
      mins[xx] = xmin;
      sizes[xx] = xmax;
    }
    return new Coeffs(ksize, mins, sizes, kk);
  }

  private static int clip8(int ss) {
    int v = ss >> PRECISION_BITS;
    return v < 0 ? 0 : (v > 255 ? 255 : v);
  }

  /**
   * Output columns {@code [col0, col0 + cols)} of input rows {@code [rowOffset, rowOffset + rows)}.
   */
  private static PixelBuffer horizontal(
      PixelBuffer in, Coeffs c, int col0, int cols, int rowOffset, int rows) {
    int ch = in.channels();
    int inStride = in.width() * ch;
    byte[] src = in.data();
    byte[] dst = new byte[cols * rows * ch];
    int ksize = c.ksize();
    int[] kk = c.k();
    int[] mins = c.min();
    int[] sizes = c.size();
    for (int yy = 0; yy < rows; yy++) {
      int rowBase = (yy + rowOffset) * inStride;
      int o = yy * cols * ch;
      for (int xx = col0; xx < col0 + cols; xx++) {
        int kb = xx * ksize;
        int n = sizes[xx];
        int p = rowBase + mins[xx] * ch;
        if (ch == 3) {
          int s0 = HALF;
          int s1 = HALF;
          int s2 = HALF;
          for (int x = 0; x < n; x++, p += 3) {
            int w = kk[kb + x];
            s0 += (src[p] & 0xFF) * w;
            s1 += (src[p + 1] & 0xFF) * w;
            s2 += (src[p + 2] & 0xFF) * w;
          }
          dst[o++] = (byte) clip8(s0);
          dst[o++] = (byte) clip8(s1);
          dst[o++] = (byte) clip8(s2);
        } else {
          int s0 = HALF;
          for (int x = 0; x < n; x++, p++) {
            s0 += (src[p] & 0xFF) * kk[kb + x];
          }
          dst[o++] = (byte) clip8(s0);
        }
      }
    }
    return new PixelBuffer(cols, rows, ch, dst);
  }

  /**
   * Output rows {@code [row0, row0 + rows)}; {@code in} holds the source rows from {@code inFirst}
   * on.
   */
  private static PixelBuffer vertical(PixelBuffer in, Coeffs c, int row0, int rows, int inFirst) {
    int ch = in.channels();
    int stride = in.width() * ch;
    byte[] src = in.data();
    byte[] dst = new byte[stride * rows];
    int ksize = c.ksize();
    int[] kk = c.k();
    int[] mins = c.min();
    int[] sizes = c.size();
    int[] acc = new int[stride];
    for (int r = 0; r < rows; r++) {
      int yy = row0 + r;
      int kb = yy * ksize;
      int n = sizes[yy];
      int base = (mins[yy] - inFirst) * stride;
      java.util.Arrays.fill(acc, HALF);
      // row by row (sequential memory); same integer sums as Pillow's per-pixel loop
      for (int y = 0; y < n; y++) {
        int w = kk[kb + y];
        int p = base + y * stride;
        for (int i = 0; i < stride; i++) {
          acc[i] += (src[p + i] & 0xFF) * w;
        }
      }
      int o = r * stride;
      for (int i = 0; i < stride; i++) {
        dst[o + i] = (byte) clip8(acc[i]);
      }
    }
    return new PixelBuffer(in.width(), rows, ch, dst);
  }

  /**
   * Pillow's ImagingScaleAffine (nearest neighbour, pixel centres, accumulated in double), only the
   * window {@code [x0, x0 + w) x [y0, y0 + h)} of the {@code outW x outH} result.
   */
  private static PixelBuffer nearest(
      PixelBuffer in, int outW, int outH, int x0, int y0, int w, int h) {
    int ch = in.channels();
    double a0 = (double) (float) in.width() / outW;
    double a4 = (double) (float) in.height() / outH;
    int[] xin = new int[w];
    double xo = a0 * 0.5;
    for (int x = 0; x < x0 + w; x++, xo += a0) { // same accumulation as the full image
      if (x >= x0) {
        int xi = xo < 0.0 ? -1 : (int) xo;
        xin[x - x0] = xi >= 0 && xi < in.width() ? xi : -1;
      }
    }
    byte[] src = in.data();
    byte[] dst = new byte[w * h * ch];
    int inStride = in.width() * ch;
    double yo = a4 * 0.5;
    for (int y = 0; y < y0 + h; y++) {
      int yi = yo < 0.0 ? -1 : (int) yo;
      yo += a4;
      if (y < y0 || yi < 0 || yi >= in.height()) {
        continue;
      }
      int rowBase = yi * inStride;
      int o = (y - y0) * w * ch;
      for (int x = 0; x < w; x++, o += ch) {
        if (xin[x] >= 0) {
          System.arraycopy(src, rowBase + xin[x] * ch, dst, o, ch);
        }
      }
    }
    return new PixelBuffer(w, h, ch, dst);
  }
}
