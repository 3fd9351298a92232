package dev.classifier.client.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccuracyAccumulatorTest {
  @Test
  void countsTop1Top5PerClassAndConfusion() {
    AccuracyAccumulator acc = new AccuracyAccumulator(6);
    acc.record(0, new int[] {0, 1, 2, 3, 4}); // top-1 hit
    acc.record(0, new int[] {1, 2, 3, 4, 0}); // top-5 hit at rank 5
    acc.record(0, new int[] {1, 2, 3, 4, 5}); // miss
    acc.record(2, new int[] {2});
    acc.recordError();
    AccuracyResult r = acc.snapshot();
    assertThat(r.evaluated()).isEqualTo(4);
    assertThat(r.errors()).isEqualTo(1);
    assertThat(r.top1Correct()).isEqualTo(2);
    assertThat(r.top5Correct()).isEqualTo(3);
    assertThat(r.top1()).isEqualTo(0.5);
    assertThat(r.confusion()[0]).containsExactly(1, 2, 0, 0, 0, 0);
    assertThat(r.support(0)).isEqualTo(3);
    assertThat(r.classTop1(0)).isEqualTo(1.0 / 3);
    assertThat(r.classTop1(1)).isNaN();
    assertThat(r.top5PerClass()).containsExactly(2, 0, 1, 0, 0, 0);
  }

  @Test
  void onlyTheFirstFivePredictionsCount() {
    AccuracyAccumulator acc = new AccuracyAccumulator(7);
    acc.record(6, new int[] {0, 1, 2, 3, 4, 6});
    assertThat(acc.snapshot().top5Correct()).isZero();
  }

  @Test
  void rejectsOutOfRangeClasses() {
    AccuracyAccumulator acc = new AccuracyAccumulator(2);
    assertThatThrownBy(() -> acc.record(2, new int[] {0})).hasMessageContaining("outside 0..1");
    assertThatThrownBy(() -> acc.record(0, new int[] {})).hasMessageContaining("no valid top-1");
  }
}
