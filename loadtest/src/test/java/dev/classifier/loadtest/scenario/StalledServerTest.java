package dev.classifier.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.client.ClassifierClient;
import dev.classifier.loadtest.FakeClassifierAccess;
import dev.classifier.loadtest.measure.MeasurementPlan;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.measure.StabilityRule;
import dev.classifier.loadtest.schedule.PoissonSchedule;
import dev.classifier.loadtest.transport.Inputs;
import dev.classifier.loadtest.transport.StreamSender;
import dev.classifier.loadtest.transport.UnarySender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A loopback classifier that stalls for 200 ms once: the open loop's p99 must show it. */
class StalledServerTest {
  private static final MeasurementPlan PLAN =
      new MeasurementPlan(Duration.ZERO, Duration.ofMillis(750), 2, 2, new StabilityRule(2, 0.5));

  @Test
  void openLoopUnaryP99ShowsTheStall() throws Exception {
    // One request in flight at most: during the stall the sender waits for its slot, so only
    // latency from the scheduled time (not from the actual send) puts the backlog in p99.
    try (AutoCloseable fake = FakeClassifierAccess.start(60, 200);
        ClassifierClient client = ClassifierClient.connect(FakeClassifierAccess.target(fake))) {
      UnarySender s =
          new UnarySender(List.of(client), "", 1, Inputs.synthetic(client.modelInfo(""), 2, 1), 1);
      RunResult r =
          new RunExecutor(PLAN, line -> {}, null, "")
              .open("open", "server", s, new PoissonSchedule(200, 5), 1);
      assertThat(r.errors()).isEmpty();
      assertThat(r.requests()).isGreaterThan(200);
      assertThat(r.latency().p99Millis()).isGreaterThanOrEqualTo(150);
      assertThat(r.latency().p50Millis()).isLessThan(100);
    }
  }

  @Test
  void openLoopOverAStreamWithASmallWindowStillShowsTheStall() throws Exception {
    // A window of 1: during the stall the sender itself blocks, the way a coordinated-omission
    // harness would silently stop sending. Latency from the scheduled time still sees it.
    try (AutoCloseable fake = FakeClassifierAccess.start(60, 200);
        ClassifierClient client = ClassifierClient.connect(FakeClassifierAccess.target(fake))) {
      StreamSender s =
          new StreamSender(List.of(client), "", 1, Inputs.synthetic(client.modelInfo(""), 2, 1), 1);
      RunResult r =
          new RunExecutor(PLAN, line -> {}, null, "")
              .open("open", "server", s, new PoissonSchedule(200, 5), 1000);
      s.close();
      assertThat(r.errors()).isEmpty();
      assertThat(r.latency().p99Millis()).isGreaterThanOrEqualTo(150);
    }
  }
}
