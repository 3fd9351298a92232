package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BucketedHistogramTest {
  @Test
  void valuesFallInTheFirstBucketWhoseBoundIsNotBelowThem() {
    BucketedHistogram h = new BucketedHistogram(new long[] {1, 2, 4}, 1);
    for (long v : new long[] {0, 1, 2, 3, 4, 5, 100}) {
      h.update(v);
    }
    BucketedHistogram.Snapshot s = h.snapshot();
    // le=1: 0,1  le=2: 2  le=4: 3,4  +Inf: 5,100
    assertThat(s.counts()).containsExactly(2, 1, 2, 2);
    assertThat(s.upperBounds()).containsExactly(1, 2, 4, Double.POSITIVE_INFINITY);
    assertThat(s.count()).isEqualTo(7);
    assertThat(s.sum()).isEqualTo(115);
    assertThat(h.getValue()).isEqualTo(7);
  }

  @Test
  void registersInARegistryWithAJmxListener() {
    com.codahale.metrics.MetricRegistry registry = new com.codahale.metrics.MetricRegistry();
    try (com.codahale.metrics.jmx.JmxReporter jmx =
        com.codahale.metrics.jmx.JmxReporter.forRegistry(registry)
            .inDomain("bucketed-test")
            .build()) {
      jmx.start();
      BucketedHistogram h =
          Histograms.register(registry, "a.b_buckets", BucketedHistogram.SIZE_BUCKETS, false);
      assertThat(
              Histograms.register(registry, "a.b_buckets", BucketedHistogram.SIZE_BUCKETS, false))
          .isSameAs(h);
    }
  }

  @Test
  void secondsHistogramsRecordNanosAndExportSeconds() {
    BucketedHistogram h = BucketedHistogram.ofSeconds(0.001, 0.01);
    h.update(1_000_000); // exactly 1 ms
    h.update(5_000_000);
    BucketedHistogram.Snapshot s = h.snapshot();
    assertThat(s.upperBounds()[0]).isEqualTo(0.001, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(s.counts()).containsExactly(1, 1, 0);
    assertThat(s.sum()).isEqualTo(0.006, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void rejectsUnorderedBounds() {
    assertThatThrownBy(() -> new BucketedHistogram(new long[] {2, 2}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> new BucketedHistogram(new long[] {}, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
