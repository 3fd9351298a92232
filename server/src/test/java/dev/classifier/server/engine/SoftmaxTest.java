package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
  @Test
  void matchesADoublePrecisionReferenceAndSumsToOne() {
    Random r = new Random(3);
    for (int n : new int[] {1, 10, 1000}) {
      float[] logits = new float[n];
      for (int i = 0; i < n; i++) {
        logits[i] = (float) (r.nextGaussian() * 8);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (float v : logits) {
        sum += Math.exp(v - max);
      }
      float[] p = logits.clone();
      Softmax.applyInPlace(p);
      double total = 0;
      for (int i = 0; i < n; i++) {
        assertThat((double) p[i]).isCloseTo(Math.exp(logits[i] - max) / sum, within(1e-7));
        total += p[i];
      }
      assertThat(total).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void hugeLogitsDoNotOverflowAndEmptyInputIsLeftAlone() {
    float[] p = {1000f, 999f, -1000f};
    Softmax.applyInPlace(p);
    assertThat(p[0]).isCloseTo(0.7310586f, within(1e-6f));
    assertThat(p[1]).isCloseTo(0.2689414f, within(1e-6f));
    assertThat(p[2]).isZero();
    Softmax.applyInPlace(new float[0]);
  }
}
