package dev.classifier.client.eval;

import dev.classifier.client.ImageEncoder;
import dev.classifier.imaging.ImageDecodeException;
import dev.classifier.proto.v1.ImageInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Builds the wire input for a data set image: a client-side tensor (through the model's {@link
 * ImageEncoder}, raw IDX pixels going through the same preprocessor as a decoded gray image) or the
 * encoded bytes for the server to decode (raw pixels are sent as a lossless gray PNG). Thread-safe.
 */
public final class InputFactory {
  private final ImageEncoder encoder;
  private final SendMode mode;

  public InputFactory(ImageEncoder encoder, SendMode mode) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  public SendMode mode() {
    return mode;
  }

  /**
   * @throws IOException if a file cannot be read or (tensor mode) decoded
   */
  public ImageInput build(LabelledImage image) throws IOException {
    if (image.file() != null) {
      if (mode == SendMode.ENCODED) {
        return ImageEncoder.encodedFile(image.file());
      }
      try {
        return encoder.encode(image.file());
      } catch (ImageDecodeException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    BufferedImage gray = grayImage(image.gray(), image.width(), image.height());
    if (mode == SendMode.ENCODED) {
      return ImageEncoder.encodedBytes(png(gray));
    }
    return encoder.encode(gray);
  }

  /** An 8-bit gray image holding {@code pixels} (row-major), as a decoder would give it. */
  public static BufferedImage grayImage(byte[] pixels, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, width, height, pixels);
    return img;
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "png", out)) {
      throw new IOException("no PNG writer available");
    }
    return out.toByteArray();
  }
}
