package dev.classifier.loadtest.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoissonScheduleTest {
  private static double[] gapsMillis(ArrivalSchedule s, int n) {
    double[] g = new double[n];
    long prev = 0;
    for (int i = 0; i < n; i++) {
      long t = s.nextOffsetNanos();
      assertThat(t).isGreaterThanOrEqualTo(prev);
      g[i] = (t - prev) / 1e6;
      prev = t;
    }
    return g;
  }

  @Test
  void exponentialGapsHaveMeanAndVarianceOfTheRate() {
    double rate = 500; // mean gap 2 ms, variance 4 ms^2
    double[] g = gapsMillis(new PoissonSchedule(rate, 7), 200_000);
    double mean = 0;
    for (double v : g) {
      mean += v;
    }
    mean /= g.length;
    double var = 0;
    for (double v : g) {
      var += (v - mean) * (v - mean);
    }
    var /= g.length - 1;
    assertThat(mean).isCloseTo(2.0, within(0.02));
    assertThat(var).isCloseTo(4.0, within(0.12));
  }

  @Test
  void arrivalsPerSecondAreAlsoPoissonCountsWithEqualMeanAndVariance() {
    PoissonSchedule s = new PoissonSchedule(100, 11);
    int seconds = 2000;
    int[] counts = new int[seconds];
    long t;
    while ((t = s.nextOffsetNanos()) < seconds * 1_000_000_000L) {
      counts[(int) (t / 1_000_000_000L)]++;
    }
    double mean = 0;
    for (int c : counts) {
      mean += c;
    }
    mean /= seconds;
    double var = 0;
    for (int c : counts) {
      var += (c - mean) * (c - mean);
    }
    var /= seconds - 1;
    assertThat(mean).isCloseTo(100, within(1.0));
    assertThat(var / mean).isCloseTo(1.0, within(0.1));
  }

  @Test
  void theSameSeedGivesTheSameScheduleAndAnotherSeedDoesNot() {
    double[] a = gapsMillis(new PoissonSchedule(100, 3), 100);
    double[] b = gapsMillis(new PoissonSchedule(100, 3), 100);
    double[] c = gapsMillis(new PoissonSchedule(100, 4), 100);
    assertThat(a).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void constantScheduleIsEvenlySpaced() {
    ArrivalSchedule s = ArrivalSchedule.of("constant", 250, 0);
    assertThat(s.nextOffsetNanos()).isZero();
    assertThat(s.nextOffsetNanos()).isEqualTo(4_000_000L);
    assertThat(s.nextOffsetNanos()).isEqualTo(8_000_000L);
  }

  @Test
  void rejectsNonPositiveRatesAndUnknownKinds() {
    assertThatThrownBy(() -> new PoissonSchedule(0, 1)).hasMessageContaining("ratePerSecond");
    assertThatThrownBy(() -> ArrivalSchedule.of("bursty", 1, 1)).hasMessageContaining("poisson");
  }
}
