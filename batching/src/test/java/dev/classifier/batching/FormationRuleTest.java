package dev.classifier.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.batching.BatcherListener.CloseReason;
import dev.classifier.batching.FormationRule.Decision;
import org.junit.jupiter.api.Test;

/** The pure formation rule. Times in nanoseconds; "now" is 1000. */
class FormationRuleTest {
  private static final long NOW = 1000;
  private static final long NONE = Long.MAX_VALUE;

  private static Decision decide(
      int candidates, int cap, int[] preferred, long delay, long oldest, long deadline, long est) {
    Decision d = new Decision();
    FormationRule.decide(candidates, cap, preferred, delay, false, NOW, oldest, deadline, est, d);
    return d;
  }

  @Test
  void fullBatchCloses() {
    Decision d = decide(8, 8, new int[0], 100, NOW, NONE, 0);
    assertThat(d.reason).isEqualTo(CloseReason.FULL);
    assertThat(d.size).isEqualTo(8);
  }

  @Test
  void zeroDelayNeverWaits() {
    Decision d = decide(3, 8, new int[0], 0, NOW, NONE, 0);
    assertThat(d.reason).isEqualTo(CloseReason.IMMEDIATE);
    assertThat(d.size).isEqualTo(3);
    Decision p = decide(3, 8, new int[] {2, 4}, 0, NOW, NONE, 0);
    assertThat(p.reason).isEqualTo(CloseReason.PREFERRED_SIZE);
    assertThat(p.size).isEqualTo(2);
  }

  @Test
  void waitsUntilTheOldestHasWaitedTheDelay() {
    Decision d = decide(3, 8, new int[0], 100, NOW - 40, NONE, 0);
    assertThat(d.dispatch()).isFalse();
    assertThat(d.wakeAtNanos).isEqualTo(NOW + 60);
    Decision e = decide(3, 8, new int[0], 100, NOW - 100, NONE, 0);
    assertThat(e.reason).isEqualTo(CloseReason.DELAY_ELAPSED);
    assertThat(e.size).isEqualTo(3);
  }

  @Test
  void largestPreferredSizeClosesWithoutWaiting() {
    Decision d = decide(5, 8, new int[] {2, 4}, 100, NOW, NONE, 0);
    assertThat(d.reason).isEqualTo(CloseReason.PREFERRED_SIZE);
    assertThat(d.size).isEqualTo(4);
  }

  @Test
  void onElapsedDelayTheLargestFittingPreferredSizeIsTaken() {
    Decision d = decide(5, 8, new int[] {2, 6}, 100, NOW - 100, NONE, 0);
    assertThat(d.reason).isEqualTo(CloseReason.PREFERRED_SIZE);
    assertThat(d.size).isEqualTo(2);
  }

  @Test
  void deadlineMinusEstimatedRunTimeClosesEarly() {
    Decision wait = decide(2, 8, new int[0], 100, NOW, NOW + 50, 20);
    assertThat(wait.dispatch()).isFalse();
    assertThat(wait.wakeAtNanos).isEqualTo(NOW + 30);
    Decision close = decide(2, 8, new int[0], 100, NOW, NOW + 20, 20);
    assertThat(close.reason).isEqualTo(CloseReason.DEADLINE);
    assertThat(close.size).isEqualTo(2);
  }

  @Test
  void drainingFlushesEverything() {
    Decision d = new Decision();
    FormationRule.decide(3, 8, new int[] {2}, 100, true, NOW, NOW, NONE, 0, d);
    assertThat(d.reason).isEqualTo(CloseReason.DRAINING);
    assertThat(d.size).isEqualTo(3);
  }

  @Test
  void saturatedAddDoesNotOverflow() {
    assertThat(FormationRule.saturatedAdd(Long.MAX_VALUE - 1, 10)).isEqualTo(Long.MAX_VALUE);
    assertThat(FormationRule.saturatedAdd(5, 10)).isEqualTo(15);
  }
}
