package dev.classifier.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BusyRatioTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void ratioOfTheLastWindowWithAFakeClock() {
    AtomicLong now = new AtomicLong(1_000);
    BusyRatio ratio = new BusyRatio(now::get, 5 * SECOND);
    assertThat(ratio.getValue()).isZero();

    ratio.record(2 * SECOND);
    now.addAndGet(4 * SECOND);
    assertThat(ratio.getValue()).as("window not complete: previous value").isZero();
    now.addAndGet(SECOND);
    assertThat(ratio.getValue()).isEqualTo(0.4);
    assertThat(ratio.getValue()).as("reading does not reset").isEqualTo(0.4);

    ratio.record(10 * SECOND); // two instances' worth cannot exceed 1
    now.addAndGet(5 * SECOND);
    assertThat(ratio.getValue()).isEqualTo(1.0);
    now.addAndGet(5 * SECOND);
    assertThat(ratio.getValue()).as("idle window").isZero();
  }

  @Test
  void methodNamesDropThePackage() {
    assertThat(GrpcMetricsInterceptor.shortMethod("classifier.v1.Classifier/Classify"))
        .isEqualTo("Classifier/Classify");
    assertThat(GrpcMetricsInterceptor.shortMethod("grpc.health.v1.Health/Check"))
        .isEqualTo("Health/Check");
    assertThat(MetricNames.segment("a.b")).isEqualTo("a_b");
  }
}
