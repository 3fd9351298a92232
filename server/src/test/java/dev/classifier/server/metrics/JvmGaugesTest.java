package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmGaugesTest {
  @Test
  void heapAfterGcIsWhatTheLatestCollectionLeftInUse() {
    byte[] live = new byte[32 << 20]; // kept reachable across the collection below
    System.gc();
    long after = JvmGauges.heapAfterGc();
    assertThat(after).isGreaterThanOrEqualTo(live.length);
    assertThat(after).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
  }
}
