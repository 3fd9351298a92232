package dev.classifier.imaging;

/**
 * Minimal parsing of the container metadata that decoding needs and ImageIO hides: JPEG component
 * count and Adobe APP14 transform, and the EXIF orientation tag (JPEG APP1 or PNG eXIf chunk).
 * Never throws: malformed metadata reads as absent.
 */
final class ImageHeaders {
  /** JPEG facts found before the first scan. */
  record JpegInfo(int components, boolean adobe, int adobeTransform, int orientation) {}

  private ImageHeaders() {}

  static boolean isJpeg(byte[] b) {
    return b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
  }

  static boolean isPng(byte[] b) {
    return b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
  }

  static JpegInfo jpeg(byte[] b) {
    int components = 0;
    boolean adobe = false;
    int transform = -1;
    int orientation = 1;
    int i = 2;
    try {
      while (i + 4 <= b.length) {
        if ((b[i] & 0xFF) != 0xFF) {
          break;
        }
        int marker = b[i + 1] & 0xFF;
        if (marker == 0xFF) {
          i++;
          continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
          i += 2;
          continue;
        }
        if (marker == 0xD9 || marker == 0xDA) {
          break;
        }
        int len = u16be(b, i + 2);
        int p = i + 4;
        if (marker >= 0xC0
            && marker <= 0xCF
            && marker != 0xC4
            && marker != 0xC8
            && marker != 0xCC) {
          components = b[p + 5] & 0xFF;
        } else if (marker == 0xEE
            && len >= 12
            && b[p] == 'A'
            && b[p + 1] == 'd'
            && b[p + 2] == 'o'
            && b[p + 3] == 'b'
            && b[p + 4] == 'e') {
          adobe = true;
          transform = b[p + 11] & 0xFF;
        } else if (marker == 0xE1
            && len >= 16
            && b[p] == 'E'
            && b[p + 1] == 'x'
            && b[p + 2] == 'i'
            && b[p + 3] == 'f'
            && b[p + 4] == 0
            && b[p + 5] == 0) {
          orientation = tiffOrientation(b, p + 6, p + len - 2);
        }
        i += 2 + len;
      }
    } catch (RuntimeException e) {
      // truncated or malformed header: report what was found so far
    }
    return new JpegInfo(components, adobe, transform, orientation);
  }

  /** EXIF orientation of a PNG's eXIf chunk, 1 if absent. */
  static int pngOrientation(byte[] b) {
    int i = 8;
    try {
      while (i + 8 <= b.length) {
        long len = u32be(b, i);
        if (len > b.length) {
          break;
        }
        if (b[i + 4] == 'e' && b[i + 5] == 'X' && b[i + 6] == 'I' && b[i + 7] == 'f') {
          return tiffOrientation(b, i + 8, i + 8 + (int) len);
        }
        if (b[i + 4] == 'I' && b[i + 5] == 'D' && b[i + 6] == 'A' && b[i + 7] == 'T') {
          // PIL only sees an eXIf chunk that precedes the image data when it opens the file
          break;
        }
        i += 12 + (int) len;
      }
    } catch (RuntimeException e) {
      // malformed: no orientation
    }
    return 1;
  }

  /** Orientation (tag 0x0112) from a TIFF structure in b[start, end); 1 if absent or invalid. */
  static int tiffOrientation(byte[] b, int start, int end) {
    if (end > b.length || end - start < 8) {
      return 1;
    }
    boolean le;
    if (b[start] == 'I' && b[start + 1] == 'I') {
      le = true;
    } else if (b[start] == 'M' && b[start + 1] == 'M') {
      le = false;
    } else {
      return 1;
    }
    long ifd = le ? u32le(b, start + 4) : u32be(b, start + 4);
    if (ifd < 8 || start + ifd + 2 > end) {
      return 1;
    }
    int p = start + (int) ifd;
    int n = le ? u16le(b, p) : u16be(b, p);
    p += 2;
    for (int e = 0; e < n && p + 12 <= end; e++, p += 12) {
      int tag = le ? u16le(b, p) : u16be(b, p);
      if (tag == 0x0112) {
        int type = le ? u16le(b, p + 2) : u16be(b, p + 2);
        int v =
            type == 3
                ? (le ? u16le(b, p + 8) : u16be(b, p + 8))
                : type == 4 ? (int) (le ? u32le(b, p + 8) : u32be(b, p + 8)) : 1;
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
    return 1;
  }

  private static int u16be(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  private static int u16le(byte[] b, int i) {
    return ((b[i + 1] & 0xFF) << 8) | (b[i] & 0xFF);
  }

  private static long u32be(byte[] b, int i) {
    return ((long) u16be(b, i) << 16) | u16be(b, i + 2);
  }

  private static long u32le(byte[] b, int i) {
    return ((long) u16le(b, i + 2) << 16) | u16le(b, i);
  }
}
