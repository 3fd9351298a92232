package dev.classifier.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Resizing only a window (the center crop's) equals resizing everything and cropping, bit for bit.
 */
class ResamplerWindowTest {
  private static PixelBuffer random(Random r, int w, int h, int ch) {
    byte[] d = new byte[w * h * ch];
    r.nextBytes(d);
    return new PixelBuffer(w, h, ch, d);
  }

  private static byte[] crop(PixelBuffer p, int x0, int y0, int w, int h) {
    int ch = p.channels();
    byte[] out = new byte[w * h * ch];
    for (int y = 0; y < h; y++) {
      System.arraycopy(p.data(), ((y + y0) * p.width() + x0) * ch, out, y * w * ch, w * ch);
    }
    return out;
  }

  @Test
  @SuppressWarnings("EnumOrdinal") // a random interpolation, picked by index
  void everyWindowMatchesFullResizeThenCrop() {
    Random r = new Random(5);
    for (int i = 0; i < 300; i++) {
      int ch = r.nextBoolean() ? 3 : 1;
      PixelBuffer in = random(r, 1 + r.nextInt(60), 1 + r.nextInt(60), ch);
      int outW = r.nextInt(4) == 0 ? in.width() : 1 + r.nextInt(70);
      int outH = r.nextInt(4) == 0 ? in.height() : 1 + r.nextInt(70);
      Interpolation f = Interpolation.values()[r.nextInt(Interpolation.values().length)];
      int w = 1 + r.nextInt(outW);
      int h = 1 + r.nextInt(outH);
      int x0 = r.nextInt(outW - w + 1);
      int y0 = r.nextInt(outH - h + 1);
      PixelBuffer full = Resampler.resize(in, outW, outH, f);
      PixelBuffer win = Resampler.resizeWindow(in, outW, outH, f, x0, y0, w, h);
      assertThat(win.width()).isEqualTo(w);
      assertThat(win.height()).isEqualTo(h);
      assertThat(win.data())
          .as(
              "%s %dx%dx%d -> %dx%d window %dx%d+%d+%d",
              f, in.width(), in.height(), ch, outW, outH, w, h, x0, y0)
          .containsExactly(crop(full, x0, y0, w, h));
    }
  }

  @Test
  void windowOutsideTheOutputIsRejected() {
    PixelBuffer in = random(new Random(1), 4, 4, 1);
    assertThatThrownBy(() -> Resampler.resizeWindow(in, 8, 8, Interpolation.BILINEAR, 5, 0, 4, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
