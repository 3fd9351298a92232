package dev.classifier.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The convergence rule on hand-computed medians. */
class LatencyConvergenceTest {

  @Test
  void needsTwoFullWindows() {
    LatencyConvergence c = new LatencyConvergence(3, 10);
    for (int i = 0; i < 5; i++) {
      c.record(100);
      assertThat(c.converged()).as("after %d", i + 1).isFalse();
    }
    c.record(100);
    assertThat(c.converged()).isTrue();
  }

  @Test
  void stillFallingLatencyIsNotConverged() {
    LatencyConvergence c = new LatencyConvergence(3, 10);
    // window medians 200 then 150: |150 - 200| = 50 > 10 % of 200
    for (long v : new long[] {300, 200, 100, 150, 160, 140}) {
      c.record(v);
    }
    assertThat(c.converged()).isFalse();
    // windows now [150,160,140] (median 150) and [145,155,150] (median 150)
    for (long v : new long[] {145, 155, 150}) {
      c.record(v);
    }
    assertThat(c.converged()).isTrue();
  }

  @Test
  void toleranceIsRelativeToTheEarlierMedianAndInclusive() {
    LatencyConvergence c = new LatencyConvergence(1, 10);
    c.record(100);
    c.record(110); // exactly 10 % above
    assertThat(c.converged()).isTrue();
    c.record(122); // 12 above 110 = 10.9 %
    assertThat(c.converged()).isFalse();
    c.record(110); // 12 below 122 = 9.8 %
    assertThat(c.converged()).isTrue();
  }

  @Test
  void medianIgnoresOneOutlierPerWindow() {
    LatencyConvergence c = new LatencyConvergence(4, 5);
    // even window: median = mean of the middle two
    for (long v : new long[] {100, 100, 102, 10_000, 101, 99, 5_000, 101}) {
      c.record(v);
    }
    // medians (100+102)/2 = 101 and (101+101)/2 = 101
    assertThat(c.converged()).isTrue();
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> new LatencyConvergence(0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyConvergence(5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
