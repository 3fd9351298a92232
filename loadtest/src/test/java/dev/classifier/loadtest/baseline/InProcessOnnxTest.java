package dev.classifier.loadtest.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The load tester's own ONNX Runtime session runs the real Fashion-MNIST model (the server's
 * embedded one, on the test classpath through the test-scoped server dependency) at the batch sizes
 * the server uses.
 */
class InProcessOnnxTest {
  private static byte[] fashionMnist() throws Exception {
    try (InputStream in =
        InProcessOnnxTest.class.getResourceAsStream("/models/fashion-mnist/model.onnx")) {
      assertThat(in).as("the server's embedded model on the test classpath").isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void measuresBatchesOfTheRealModel() throws Exception {
    try (InProcessOnnx ort = new InProcessOnnx(fashionMnist(), 1)) {
      InProcessOnnx.Result r = ort.measure(8, Duration.ZERO, Duration.ofMillis(200), "after");
      assertThat(r.batchSize()).isEqualTo(8);
      assertThat(r.pass()).isEqualTo("after");
      // the loop always completes at least one timed batch, each of which is recorded
      assertThat(r.batchLatency().count()).isPositive();
      assertThat(r.imagesPerSecond()).isPositive();
    }
  }

  @Test
  void negativeThreadCountIsRefused() {
    assertThatThrownBy(() -> new InProcessOnnx(fashionMnist(), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
