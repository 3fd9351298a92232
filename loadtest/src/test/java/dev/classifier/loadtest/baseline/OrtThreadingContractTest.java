package dev.classifier.loadtest.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.classifier.server.engine.CpuThreading;
import org.junit.jupiter.api.Test;

/** The load tester's copy of the server's threading rule must not drift from the server's. */
class OrtThreadingContractTest {
  @Test
  void serverRuleMatchesTheServersCpuThreadingForExplicitCounts() {
    for (int processors = 1; processors <= 8; processors++) {
      for (int threads = 1; threads <= 8; threads++) {
        CpuThreading server = CpuThreading.choose(threads, processors);
        OrtThreading mirror = OrtThreading.serverRule(threads, processors);
        assertThat(mirror.intraOpThreads()).isEqualTo(server.intraOpThreads());
        assertThat(mirror.intraOpSpinning())
            .as("spinning, %d threads on %d processors", threads, processors)
            .isEqualTo(server.intraOpSpinning());
      }
    }
  }

  @Test
  void onnxRuntimeDefaultSpinsExceptWithOneThread() {
    assertThat(OrtThreading.onnxRuntimeDefault(2).intraOpSpinning()).isTrue();
    assertThat(OrtThreading.onnxRuntimeDefault(1).intraOpSpinning()).isFalse();
    assertThatThrownBy(() -> new OrtThreading(-1, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
