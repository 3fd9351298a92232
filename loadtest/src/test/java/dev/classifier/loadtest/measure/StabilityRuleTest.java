package dev.classifier.loadtest.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StabilityRuleTest {
  private final StabilityRule rule = new StabilityRule(3, 0.10);

  private static Window w(double imgs, double p99) {
    return new Window(1, imgs, p99, 0);
  }

  @Test
  void stableWhenTheLastWindowsAgreeWithinTolerance() {
    StabilityRule.Stability s =
        rule.judge(List.of(w(100, 50), w(1000, 10), w(1050, 10.5), w(980, 9.8)));
    assertThat(s.stable()).isTrue();
    assertThat(s.reason()).contains("last 3 windows").contains("10%");
  }

  @Test
  void unstableWhenThroughputDrifts() {
    StabilityRule.Stability s = rule.judge(List.of(w(800, 10), w(1000, 10), w(1200, 10)));
    assertThat(s.stable()).isFalse();
    assertThat(s.reason()).contains("throughput").doesNotContain("p99");
  }

  @Test
  void unstableWhenP99JumpsEvenIfThroughputIsFlat() {
    StabilityRule.Stability s = rule.judge(List.of(w(1000, 10), w(1000, 10), w(1000, 30)));
    assertThat(s.stable()).isFalse();
    assertThat(s.reason()).contains("p99");
  }

  @Test
  void tooFewWindowsIsNotStable() {
    assertThat(rule.judge(List.of(w(1, 1), w(1, 1))).stable()).isFalse();
  }

  @Test
  void exactlyAtTheToleranceCounts() {
    // mean 1000; 1100 deviates exactly 10 %
    assertThat(rule.judge(List.of(w(900, 1), w(1000, 1), w(1100, 1))).stable()).isTrue();
  }

  @Test
  void validatesItsParameters() {
    assertThatThrownBy(() -> new StabilityRule(1, 0.1)).hasMessageContaining("windows");
    assertThatThrownBy(() -> new StabilityRule(3, 0)).hasMessageContaining("tolerance");
  }
}
