package dev.classifier.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  @Test
  void logsAtMostOneLinePerIntervalWhateverTheRate() {
    AtomicLong now = new AtomicLong(1_000);
    RateLimitedLog log =
        new RateLimitedLog(
            LoggerFactory.getLogger(RateLimitedLogTest.class), 10, TimeUnit.SECONDS, now::get);
    int logged = 0;
    for (int i = 0; i < 1000; i++) {
      logged += log.warn("bad message " + i) ? 1 : 0;
    }
    assertThat(logged).isEqualTo(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(10) - 1);
    assertThat(log.warn("still too early")).isFalse();
    now.addAndGet(1);
    assertThat(log.warn("next interval")).isTrue();
    assertThat(log.warn("again")).isFalse();
  }
}
