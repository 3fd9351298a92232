package dev.classifier.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(10_000_000L);

  @Test
  void jpegIsReadByTwelveMonkeys() throws Exception {
    byte[] jpeg = TorchvisionParityTest.resource("rocket_landscape.jpg");
    ImageReader reader =
        ImageIO.getImageReaders(
                new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(jpeg)))
            .next();
    assertThat(reader.getClass().getName()).startsWith("com.twelvemonkeys");
  }

  @Test
  void decodesToCanonicalTypes() throws Exception {
    BufferedImage rgb = decoder.decode(TorchvisionParityTest.resource("rocket_landscape.jpg"));
    assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(rgb.getWidth()).isEqualTo(640);
    assertThat(rgb.getHeight()).isEqualTo(427);
    BufferedImage gray = decoder.decode(TorchvisionParityTest.resource("chelsea_gray.jpg"));
    assertThat(gray.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage la = decoder.decode(TorchvisionParityTest.resource("chelsea_la.png"));
    assertThat(la.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage cmyk = decoder.decode(TorchvisionParityTest.resource("coffee_cmyk.jpg"));
    assertThat(cmyk.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
  }

  @Test
  void appliesExifOrientation() throws Exception {
    // stored 300x200 with orientation 6 (rotate 90 clockwise) -> 200x300
    BufferedImage img = decoder.decode(TorchvisionParityTest.resource("rocket_exif6.jpg"));
    assertThat(img.getWidth()).isEqualTo(200);
    assertThat(img.getHeight()).isEqualTo(300);
  }

  @Test
  void orientationsMatchPilExifTranspose() {
    // expected values printed by PIL's ImageOps.exif_transpose on a 3x2 image holding 0..5
    int[][] expected = {
      {0, 1, 2, 3, 4, 5}, {2, 1, 0, 5, 4, 3}, {5, 4, 3, 2, 1, 0}, {3, 4, 5, 0, 1, 2},
      {0, 3, 1, 4, 2, 5}, {3, 0, 4, 1, 5, 2}, {5, 2, 4, 1, 3, 0}, {2, 5, 1, 4, 0, 3}
    };
    PixelBuffer in = new PixelBuffer(3, 2, 1, new byte[] {0, 1, 2, 3, 4, 5});
    for (int o = 1; o <= 8; o++) {
      PixelBuffer out = Orientation.apply(in, o);
      int[] got = new int[6];
      for (int i = 0; i < 6; i++) {
        got[i] = out.data()[i];
      }
      assertThat(got).as("orientation %d", o).containsExactly(expected[o - 1]);
      assertThat(out.width()).isEqualTo(o >= 5 ? 2 : 3);
    }
  }

  @Test
  void rejectsTooManyPixelsFromTheHeaderBeforeDecoding() {
    // a PNG that declares 100000 x 100000 pixels but carries no image data at all
    byte[] png = pngHeaderOnly(100_000, 100_000);
    long start = System.nanoTime();
    assertThatThrownBy(() -> decoder.decode(png))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("too large")
        .hasMessageContaining("100000x100000")
        .hasMessageContaining("limit of 10000000 pixels");
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void rejectsJpegWhoseFrameHeaderDeclaresAHugeSize() throws Exception {
    byte[] jpeg = TorchvisionParityTest.resource("chelsea_small.jpg").clone();
    patchJpegSize(jpeg, 60_000, 50_000);
    assertThatThrownBy(() -> decoder.decode(jpeg))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("60000x50000")
        .hasMessageContaining("limit of 10000000 pixels");
  }

  @Test
  void limitIsInclusive() throws Exception {
    ImageDecoder exact = new ImageDecoder(120L * 80L);
    assertThat(exact.decode(TorchvisionParityTest.resource("chelsea_small.jpg")).getWidth())
        .isEqualTo(120);
    ImageDecoder smaller = new ImageDecoder(120L * 80L - 1);
    assertThatThrownBy(() -> smaller.decode(TorchvisionParityTest.resource("chelsea_small.jpg")))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("limit of 9599 pixels");
  }

  @Test
  void rejectsGarbage() {
    byte[] garbage = new byte[4096];
    new Random(1).nextBytes(garbage);
    assertThatThrownBy(() -> decoder.decode(garbage))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("unsupported or undecodable");
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("no bytes");
  }

  @Test
  void rejectsTruncatedJpegAndPng() throws Exception {
    byte[] jpeg = TorchvisionParityTest.resource("rocket_landscape.jpg");
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("undecodable");
    byte[] png = TorchvisionParityTest.resource("coffee_landscape.png");
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(png, png.length / 2)))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("undecodable");
  }

  @Test
  void rejectsCorruptedJpegBody() throws Exception {
    byte[] jpeg = TorchvisionParityTest.resource("rocket_landscape.jpg").clone();
    for (int i = jpeg.length / 3; i < jpeg.length / 3 + 64; i++) {
      jpeg[i] = (byte) 0xFF; // marker soup in the entropy-coded data
    }
    assertThatThrownBy(() -> decoder.decode(jpeg)).isInstanceOf(ImageDecodeException.class);
  }

  @Test
  void decodesFromPath(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.png");
    Files.write(f, TorchvisionParityTest.resource("chelsea_palette.png"));
    assertThat(decoder.decode(f).getWidth()).isEqualTo(300);
  }

  @Test
  void roundTripsLosslessPixels() throws Exception {
    BufferedImage src = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        src.setRGB(x, y, (x * 50) << 24 | (x * 40) << 16 | (y * 60) << 8 | (x + y) * 20);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(src, "png", out);
    BufferedImage got = decoder.decode(out.toByteArray());
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        // alpha dropped, colour kept (PIL convert("RGB") semantics), even where alpha == 0
        assertThat(got.getRGB(x, y) & 0xFFFFFF).isEqualTo(src.getRGB(x, y) & 0xFFFFFF);
      }
    }
  }

  @Test
  void rejectsNonPositiveLimit() {
    assertThatThrownBy(() -> new ImageDecoder(0)).hasMessageContaining("maxPixels");
  }

  static byte[] pngHeaderOnly(int w, int h) {
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    writeChunk(out, "IHDR", ihdr.array());
    writeChunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static void patchJpegSize(byte[] b, int w, int h) {
    int i = 2;
    while (i < b.length) {
      int marker = b[i + 1] & 0xFF;
      int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
      if (marker >= 0xC0 && marker <= 0xC2) {
        b[i + 5] = (byte) (h >> 8);
        b[i + 6] = (byte) h;
        b[i + 7] = (byte) (w >> 8);
        b[i + 8] = (byte) w;
        return;
      }
      i += 2 + len;
    }
    throw new IllegalStateException("no SOF");
  }
}
