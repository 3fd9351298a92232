package dev.classifier.server.core;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What decoding one encoded image will cost in memory, read from its header before anything is
 * decoded: width x height x channels x bytes per sample of the decoded raster, twice (the raster
 * and the working copy preprocessing reads it into). PNG (IHDR) and JPEG (SOF) headers are parsed
 * directly; other formats ask ImageIO for the size only. -1 when the size cannot be read.
 */
public final class DecodeCost {
  private DecodeCost() {}

  /** Width, height and decoded bytes of an image; {@code bytes} = -1 when unknown. */
  public record Estimate(int width, int height, long bytes) {
    static final Estimate UNKNOWN = new Estimate(0, 0, -1);

    public long pixels() {
      return (long) width * height;
    }
  }

  public static Estimate estimate(ByteString encoded) {
    try {
      if (isPng(encoded)) {
        return png(encoded);
      }
      if (encoded.size() > 3 && byteAt(encoded, 0) == 0xFF && byteAt(encoded, 1) == 0xD8) {
        return jpeg(encoded);
      }
      return other(encoded);
    } catch (RuntimeException e) {
      return Estimate.UNKNOWN;
    }
  }

  private static int byteAt(ByteString b, int i) {
    return b.byteAt(i) & 0xFF;
  }

  private static boolean isPng(ByteString b) {
    return b.size() >= 29
        && byteAt(b, 0) == 0x89
        && byteAt(b, 1) == 'P'
        && byteAt(b, 2) == 'N'
        && byteAt(b, 3) == 'G';
  }

  private static int int32(ByteString b, int i) {
    return (byteAt(b, i) << 24)
        | (byteAt(b, i + 1) << 16)
        | (byteAt(b, i + 2) << 8)
        | byteAt(b, i + 3);
  }

  /** IHDR: width at 16, height at 20, bit depth at 24, colour type at 25. */
  private static Estimate png(ByteString b) {
    int w = int32(b, 16);
    int h = int32(b, 20);
    int depth = byteAt(b, 24);
    int channels =
        switch (byteAt(b, 25)) {
          case 0 -> 1; // gray
          case 2, 3 -> 3; // RGB; palette expands to RGB
          case 4 -> 2; // gray + alpha
          default -> 4; // RGBA (6) and anything unexpected: the widest
        };
    return of(w, h, channels, depth > 8 ? 2 : 1);
  }

  /** The first start-of-frame segment: precision, height, width, components. */
  private static Estimate jpeg(ByteString b) {
    int i = 2;
    while (i + 9 < b.size()) {
      if (byteAt(b, i) != 0xFF) {
        return Estimate.UNKNOWN;
      }
      int marker = byteAt(b, i + 1);
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      int length = (byteAt(b, i + 2) << 8) | byteAt(b, i + 3);
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        int precision = byteAt(b, i + 4);
        int h = (byteAt(b, i + 5) << 8) | byteAt(b, i + 6);
        int w = (byteAt(b, i + 7) << 8) | byteAt(b, i + 8);
        int components = byteAt(b, i + 9);
        return of(w, h, Math.max(3, components), precision > 8 ? 2 : 1);
      }
      if (length < 2) {
        return Estimate.UNKNOWN;
      }
      i += 2 + length;
    }
    return Estimate.UNKNOWN;
  }

  /** Other formats: ImageIO reads the size from the header without decoding pixels. */
  private static Estimate other(ByteString b) {
    try (ImageInputStream in = ImageIO.createImageInputStream(b.newInput())) {
      if (in == null) {
        return Estimate.UNKNOWN;
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return Estimate.UNKNOWN;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return of(reader.getWidth(0), reader.getHeight(0), 4, 1);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return Estimate.UNKNOWN;
    }
  }

  private static Estimate of(int w, int h, int channels, int bytesPerSample) {
    if (w <= 0 || h <= 0) {
      return Estimate.UNKNOWN;
    }
    return new Estimate(w, h, 2L * w * h * channels * bytesPerSample);
  }
}
