package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.imaging.ImageDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.junit.jupiter.api.Test;

class InputFactoryTest {
  @Test
  void grayPixelsRoundTripLosslesslyThroughPng() throws Exception {
    byte[] px = new byte[28 * 28];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 7);
    }
    BufferedImage img = InputFactory.grayImage(px, 28, 28);
    BufferedImage back = new ImageDecoder(10_000).decode(InputFactory.png(img));
    assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(((DataBufferByte) back.getRaster().getDataBuffer()).getData()).containsExactly(px);
  }
}
