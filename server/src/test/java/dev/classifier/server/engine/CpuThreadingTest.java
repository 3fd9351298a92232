package dev.classifier.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.classifier.server.model.ModelSource;
import org.junit.jupiter.api.Test;

class CpuThreadingTest {
  // Expected values worked out by hand from the rule in docs/OPERATIONS.md ("CPU threads"):
  // every processor up to 3, all but one from 4 on; spinning (stopped after each run) only when the
  // pool has a worker at all and is not oversubscribed (threads <= processors).

  @Test
  void oneProcessorGetsOneThreadWithoutSpinning() {
    CpuThreading t = CpuThreading.choose(0, 1);
    assertThat(t.intraOpThreads()).isEqualTo(1);
    assertThat(t.intraOpSpinning()).isFalse();
    assertThat(t.interOpThreads()).isEqualTo(1);
    assertThat(t.explicit()).isFalse();
  }

  @Test
  void twoProcessorsGiveThePoolBothCoresSpinningWithinARun() {
    CpuThreading t = CpuThreading.choose(0, 2);
    assertThat(t.intraOpThreads()).isEqualTo(2);
    assertThat(t.intraOpSpinning()).isTrue();
  }

  @Test
  void eightProcessorsLeaveOneCoreToGrpcAndSpin() {
    CpuThreading t = CpuThreading.choose(0, 8);
    assertThat(t.intraOpThreads()).isEqualTo(7);
    assertThat(t.intraOpSpinning()).isTrue();
  }

  @Test
  void theReservedCoreStartsAtFourProcessors() {
    assertThat(CpuThreading.choose(0, 3).intraOpThreads()).isEqualTo(3);
    assertThat(CpuThreading.choose(0, 3).intraOpSpinning()).isTrue();
    assertThat(CpuThreading.choose(0, 4).intraOpThreads()).isEqualTo(3);
    assertThat(CpuThreading.choose(0, 4).intraOpSpinning()).isTrue();
  }

  @Test
  void aConfiguredCountWinsAndSpinningFollowsIt() {
    CpuThreading one = CpuThreading.choose(1, 2);
    assertThat(one.intraOpThreads()).isEqualTo(1);
    assertThat(one.explicit()).isTrue();
    assertThat(one.intraOpSpinning()).isFalse(); // a single thread has no workers to spin

    CpuThreading four = CpuThreading.choose(4, 2); // oversubscribed: shares cores, never spins
    assertThat(four.intraOpThreads()).isEqualTo(4);
    assertThat(four.intraOpSpinning()).isFalse();

    CpuThreading two = CpuThreading.choose(2, 8); // leaves six cores free: spinning allowed
    assertThat(two.intraOpThreads()).isEqualTo(2);
    assertThat(two.intraOpSpinning()).isTrue();
  }

  @Test
  void spinningCanBeTurnedOnOnlyWhereThereAreWorkers() {
    assertThat(CpuThreading.choose(0, 2).withIntraOpSpinning(true).intraOpSpinning()).isTrue();
    assertThat(CpuThreading.choose(1, 2).withIntraOpSpinning(true).intraOpSpinning()).isFalse();
    assertThat(CpuThreading.choose(0, 8).withIntraOpSpinning(false).intraOpSpinning()).isFalse();
  }

  @Test
  void theNarrowSessionsSplitThePoolInTwoTheFirstTakingTheOddThread() {
    assertThat(CpuThreading.choose(1, 2).narrowThreads()).as("nothing to split").isEmpty();
    assertThat(CpuThreading.choose(0, 1).narrowThreads()).isEmpty();
    assertThat(CpuThreading.choose(0, 2).narrowThreads()).containsExactly(1, 1);
    assertThat(CpuThreading.choose(0, 4).narrowThreads()).containsExactly(2, 1); // 3 threads
    assertThat(CpuThreading.choose(0, 8).narrowThreads()).containsExactly(4, 3); // 7 threads
    assertThat(CpuThreading.choose(6, 8).narrowThreads()).containsExactly(3, 3);
  }

  @Test
  void aNegativeCountIsRefused() {
    assertThatThrownBy(() -> CpuThreading.choose(-1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void appliesTheSpinningKeysOfOnnxRuntime() throws Exception {
    try (OrtSession.SessionOptions off = new OrtSession.SessionOptions();
        OrtSession.SessionOptions on = new OrtSession.SessionOptions()) {
      CpuThreading.choose(1, 2).applyTo(off);
      CpuThreading.choose(0, 2).applyTo(on);
      // key names as in ONNX Runtime's onnxruntime_session_options_config_keys.h
      assertThat(off.getConfigEntries())
          .containsEntry("session.intra_op.allow_spinning", "0")
          .containsEntry("session.inter_op.allow_spinning", "0")
          .doesNotContainKey("session.force_spinning_stop");
      assertThat(on.getConfigEntries())
          .containsEntry("session.intra_op.allow_spinning", "1")
          .containsEntry("session.inter_op.allow_spinning", "0")
          .containsEntry("session.force_spinning_stop", "1");
    }
  }

  @Test
  void onnxRuntimeAcceptsTheChosenOptions() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] model = ModelSource.embedded().onnx();
    for (int cores : new int[] {1, 2, 8}) {
      try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        CpuThreading.choose(0, cores).applyTo(so);
        try (OrtSession session = env.createSession(model, so)) {
          assertThat(session.getInputNames()).isNotEmpty();
        }
      }
    }
  }

  @Test
  void describesTheChoiceForTheStartUpLine() {
    assertThat(CpuThreading.choose(0, 2).describe())
        .isEqualTo("intra-op 2 threads (chosen, 2 processors), spinning on until each run returns");
    assertThat(CpuThreading.choose(4, 2).describe())
        .isEqualTo("intra-op 4 threads (configured, 2 processors), spinning off");
    assertThat(CpuThreading.choose(1, 8).describe())
        .isEqualTo("intra-op 1 thread (configured, 8 processors), spinning off");
    assertThat(CpuThreading.choose(0, 8).describe())
        .isEqualTo("intra-op 7 threads (chosen, 8 processors), spinning on until each run returns");
  }
}
