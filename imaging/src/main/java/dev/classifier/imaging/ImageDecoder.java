package dev.classifier.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes encoded images (JPEG via TwelveMonkeys, including CMYK/YCCK; PNG including alpha, gray,
 * palette and 16-bit; anything else ImageIO reads) into the pixels PIL would give, ready for {@link
 * ImagePreprocessor}:
 *
 * <ul>
 *   <li>the declared width x height is checked against {@code maxPixels} from the header, before
 *       any pixel data is decoded (decompression bombs are rejected cheaply);
 *   <li>the result is {@code TYPE_BYTE_GRAY} for gray sources (PIL mode L/LA/I) and {@code
 *       TYPE_3BYTE_BGR} otherwise; alpha is dropped as PIL's {@code convert("RGB")} does; 16-bit
 *       samples keep their high byte; CMYK JPEGs are converted with PIL's formula {@code R = (255 -
 *       C) * (255 - K) / 255} (Adobe-inverted data un-inverted first), not colour-managed;
 *   <li>the EXIF orientation (JPEG APP1 or PNG eXIf) is applied like {@code
 *       ImageOps.exif_transpose} (torchvision does not do this itself; we define preprocessing as
 *       exif_transpose + transform).
 * </ul>
 *
 * <p>Thread-safe; each call uses its own ImageIO reader. Corrupt or truncated data (including a
 * decoder warning, as PIL refuses truncated files by default) gives {@link ImageDecodeException}.
 */
public final class ImageDecoder {
  private final long maxPixels;

  /**
   * @param maxPixels largest accepted width x height
   */
  public ImageDecoder(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  public long maxPixels() {
    return maxPixels;
  }

  public BufferedImage decode(Path file) throws ImageDecodeException, IOException {
    return decode(Files.readAllBytes(file));
  }

  public BufferedImage decode(byte[] encoded) throws ImageDecodeException {
    if (encoded == null || encoded.length == 0) {
      throw new ImageDecodeException("undecodable image: no bytes");
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(
            "unsupported or undecodable image: no decoder recognises "
                + encoded.length
                + " bytes starting with "
                + hexPrefix(encoded));
      }
      ImageReader reader = readers.next();
      String format = formatName(reader);
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener(
          new IIOReadWarningListener() {
            @Override
            public void warningOccurred(ImageReader source, String warning) {
              warnings.add(warning);
            }
          });
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        long pixels = (long) w * h;
        if (w <= 0 || h <= 0) {
          throw new ImageDecodeException("undecodable " + format + " image: size " + w + "x" + h);
        }
        if (pixels > maxPixels) {
          throw new ImageDecodeException(
              "image too large: "
                  + format
                  + " "
                  + w
                  + "x"
                  + h
                  + " = "
                  + pixels
                  + " pixels exceeds the limit of "
                  + maxPixels
                  + " pixels");
        }
        PixelBuffer px = null;
        BufferedImage img = null;
        int orientation = 1;
        if (ImageHeaders.isJpeg(encoded)) {
          ImageHeaders.JpegInfo info = ImageHeaders.jpeg(encoded);
          orientation = info.orientation();
          if (info.components() == 4) {
            px = cmykToRgb(reader.readRaster(0, null), info);
          } else {
            img = reader.read(0);
          }
        } else {
          if (ImageHeaders.isPng(encoded)) {
            orientation = ImageHeaders.pngOrientation(encoded);
          }
          img = reader.read(0);
        }
        if (!warnings.isEmpty()) {
          throw new ImageDecodeException(
              "undecodable "
                  + format
                  + " image (corrupt or truncated): "
                  + String.join("; ", warnings));
        }
        if (img != null && Orientation.isIdentity(orientation) && isFinal(img)) {
          return img; // already what the round trip through PixelBuffer would give: skip two copies
        }
        if (px == null) {
          px = fromImage(img);
        }
        return Orientation.apply(px, orientation).toBufferedImage();
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          "undecodable image (corrupt, truncated or unsupported): " + e, e);
    }
  }

  /**
   * The decoder's own 8-bit gray or BGR image: reading it into a PixelBuffer and back is a no-op.
   */
  private static boolean isFinal(BufferedImage img) {
    return img.getType() == BufferedImage.TYPE_3BYTE_BGR
        || img.getType() == BufferedImage.TYPE_BYTE_GRAY;
  }

  private static PixelBuffer fromImage(BufferedImage img) {
    return Pixels.read(img, Pixels.isGray(img) ? 1 : 3);
  }

  /**
   * PIL's CMYK to RGB ({@code Convert.c cmyk2rgb}): {@code R = MULDIV255(255 - C, 255 - K)}. JPEGs
   * with an Adobe APP14 marker store inverted CMYK (PIL reads them as "CMYK;I"); YCCK (Adobe
   * transform 2) is converted to CMYK by the decoder.
   */
  private static PixelBuffer cmykToRgb(Raster r, ImageHeaders.JpegInfo info) {
    int w = r.getWidth();
    int h = r.getHeight();
    byte[] out = new byte[w * h * 3];
    int[] row = new int[w * 4];
    boolean invert = info.adobe();
    for (int y = 0, o = 0; y < h; y++) {
      r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
      for (int x = 0, p = 0; x < w; x++, p += 4) {
        int k = invert ? 255 - row[p + 3] : row[p + 3];
        for (int ch = 0; ch < 3; ch++) {
          int c = invert ? 255 - row[p + ch] : row[p + ch];
          int t = (255 - c) * (255 - k) + 128;
          out[o++] = (byte) (((t >> 8) + t) >> 8);
        }
      }
    }
    return new PixelBuffer(w, h, 3, out);
  }

  private static String formatName(ImageReader reader) {
    try {
      return reader.getFormatName().toUpperCase(Locale.ROOT);
    } catch (IOException e) {
      return "image";
    }
  }

  private static String hexPrefix(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return sb.toString();
  }
}
