package dev.classifier.loadtest.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
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
  void onnxRuntimeDefaultKeepsSpinningAfterARunWhereTheServerRuleStops() throws Exception {
    try (OrtSession.SessionOptions ort = new OrtSession.SessionOptions();
        OrtSession.SessionOptions server = new OrtSession.SessionOptions()) {
      OrtThreading.onnxRuntimeDefault(2).applyTo(ort);
      OrtThreading.serverRule(2, 2).applyTo(server);
      assertThat(ort.getConfigEntries())
          .containsEntry("session.intra_op.allow_spinning", "1")
          .doesNotContainKey("session.force_spinning_stop");
      assertThat(server.getConfigEntries())
          .containsEntry("session.intra_op.allow_spinning", "1")
          .containsEntry("session.force_spinning_stop", "1");
    }
    // so the sweep measures both for 2 threads, and one session for 1 thread (nothing spins)
    assertThat(OrtThreading.onnxRuntimeDefault(2)).isNotEqualTo(OrtThreading.serverRule(2, 2));
    assertThat(OrtThreading.onnxRuntimeDefault(1)).isEqualTo(OrtThreading.serverRule(1, 2));
  }

  @Test
  void onnxRuntimeDefaultSpinsExceptWithOneThread() {
    assertThat(OrtThreading.onnxRuntimeDefault(2).intraOpSpinning()).isTrue();
    assertThat(OrtThreading.onnxRuntimeDefault(1).intraOpSpinning()).isFalse();
    assertThatThrownBy(() -> new OrtThreading(-1, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
