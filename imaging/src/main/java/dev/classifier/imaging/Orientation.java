package dev.classifier.imaging;

/**
 * Applies an EXIF orientation like PIL's {@code ImageOps.exif_transpose}: 2 flip left-right, 3
 * rotate 180, 4 flip top-bottom, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90
 * counter-clockwise; anything else leaves the pixels unchanged.
 */
final class Orientation {
  private Orientation() {}

  /** True if {@code orientation} leaves the pixels unchanged (1, or not a valid value). */
  static boolean isIdentity(int orientation) {
    return orientation < 2 || orientation > 8;
  }

  static PixelBuffer apply(PixelBuffer in, int orientation) {
    if (isIdentity(orientation)) {
      return in;
    }
    int w = in.width();
    int h = in.height();
    int c = in.channels();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = in.data();
    byte[] dst = new byte[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> {
            sx = w - 1 - y;
            sy = x;
          } // 8
        }
        System.arraycopy(src, (sy * w + sx) * c, dst, (y * ow + x) * c, c);
      }
    }
    return new PixelBuffer(ow, oh, c, dst);
  }
}
