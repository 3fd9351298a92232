package dev.classifier.server.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Profile shapes from the instance's batch bounds and one image's shape. */
class OptimizationProfileTest {
  private static final long[] IMAGE = {3, 224, 224};

  @Test
  void minOptMaxComeFromTheBatchBoundsAndTheImageShape() {
    OptimizationProfile p =
        OptimizationProfile.derive("input", IMAGE, true, 1, 8, 32).orElseThrow();
    assertThat(p.min()).isEqualTo("input:1x3x224x224");
    assertThat(p.opt()).isEqualTo("input:8x3x224x224");
    assertThat(p.max()).isEqualTo("input:32x3x224x224");
  }

  @Test
  void optDefaultsToTheMaxBatch() {
    OptimizationProfile p =
        OptimizationProfile.derive("pixels", new long[] {224, 224, 3}, true, 1, 0, 16)
            .orElseThrow();
    assertThat(p.opt()).isEqualTo("pixels:16x224x224x3").isEqualTo(p.max());
    assertThat(OptimizationProfile.batches(1, 0, 16)).containsExactly(1, 16);
    assertThat(OptimizationProfile.batches(2, 4, 8)).containsExactly(2, 4, 8);
  }

  @Test
  void aFixedBatchGraphNeedsNoProfile() {
    assertThat(OptimizationProfile.derive("x", new long[] {1, 28, 28}, false, 1, 0, 1)).isEmpty();
  }

  @Test
  void boundsOutsideTheInstancesBatchAreRejected() {
    assertThatThrownBy(() -> OptimizationProfile.derive("input", IMAGE, true, 4, 0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min 4, opt 2, max 2");
    assertThatThrownBy(() -> OptimizationProfile.derive("input", IMAGE, true, 1, 64, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("opt 64");
  }
}
