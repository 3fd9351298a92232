package dev.classifier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.client.ClassifierClient;
import dev.classifier.loadtest.measure.MeasurementPlan;
import dev.classifier.loadtest.measure.RunResult;
import dev.classifier.loadtest.measure.StabilityRule;
import dev.classifier.loadtest.scenario.RunExecutor;
import dev.classifier.loadtest.schedule.PoissonSchedule;
import dev.classifier.loadtest.transport.Inputs;
import dev.classifier.loadtest.transport.UnarySender;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.ModelInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A freshly started server process takes a warm client's open loop from the moment it says it is
 * ready (issue 16): no request rejected and p99 (from scheduled send times) within 2x the warm p99
 * in its first 30 s.
 *
 * <p>Steps, all on this machine in this test: start server A and warm the test's own client
 * against it (a closed loop, which also measures the steady-state maximum); measure the warm p99
 * of a Poisson open loop at 60 % of that maximum against A; start server B, read its ready line
 * (printed once SERVING), then at once run the same open loop against B for 30 s.
 *
 * <p>Margins, honestly: the client shares the machine's cores with both servers (and on CI with
 * other builds), so timer and scheduling noise of a few milliseconds is not the server's doing;
 * when the warm p99 is below 5 ms the bound is warm p99 + 5 ms instead of 2x (stated in the
 * assertion). The rate can be forced with {@code -Dcoldstart.rate=R} (requests/s). About 75 s.
 */
class ColdStartProcessTest {
  private static final double LOAD_FRACTION = 0.6;
  private static final double NOISE_FLOOR_MS = 5;

  private static RunExecutor executor(Duration warmup, Duration window, int windows) {
    return new RunExecutor(
        new MeasurementPlan(warmup, window, windows, windows, new StabilityRule(2, 0.5)),
        line -> {},
        null,
        "");
  }

  @Test
  void freshServerTakesAWarmClientsOpenLoopFromTheFirstSecond() throws Exception {
    try (Jars.ServerProcess warm = new Jars.ServerProcess("--intra-op-threads", "1", "--warmup");
        ClassifierClient toWarm = ClassifierClient.connect(warm.target())) {
      assertThat(warm.banner).contains("warm-up ");
      ModelInfo info = toWarm.modelInfo("");
      List<ImageInput> inputs = Inputs.synthetic(info, 16, 7);

      // warms this client and measures the steady-state maximum of the warm server
      RunResult max;
      try (UnarySender s = new UnarySender(List.of(toWarm), "", 1, inputs, 1)) {
        max = executor(Duration.ofSeconds(6), Duration.ofSeconds(2), 2).closed("max", "server", s, 16);
      }
      assertThat(max.errorCount()).isZero();
      double rate =
          Double.parseDouble(
              System.getProperty(
                  "coldstart.rate",
                  Double.toString(LOAD_FRACTION * max.requests() / max.measuredSeconds())));

      // the warm p99 at that rate (and more warm-up of the open-loop path)
      RunResult warmRun;
      try (UnarySender s = new UnarySender(List.of(toWarm), "", 1, inputs, 1)) {
        warmRun =
            executor(Duration.ofSeconds(3), Duration.ofSeconds(3), 3)
                .open("warm", "server", s, new PoissonSchedule(rate, 11), 4096);
      }
      assertThat(warmRun.errorCount()).as("errors against the warm server").isZero();
      double warmP99 = warmRun.latency().p99Millis();

      try (Jars.ServerProcess fresh = new Jars.ServerProcess("--intra-op-threads", "1", "--warmup");
          ClassifierClient toFresh = ClassifierClient.connect(fresh.target())) {
        // the banner is printed once the server is SERVING: load it at once, no warm-up
        RunResult cold;
        try (UnarySender s = new UnarySender(List.of(toFresh), "", 1, inputs, 1)) {
          cold =
              executor(Duration.ZERO, Duration.ofSeconds(5), 6)
                  .open("cold", "server", s, new PoissonSchedule(rate, 13), 4096);
        }
        double bound = Math.max(2 * warmP99, warmP99 + NOISE_FLOOR_MS);
        String summary =
            String.format(
                "rate %.0f/s (max %.0f/s); warm p99 %.2f ms; first 30 s: %d requests, errors %s,"
                    + " p99 %.2f ms (bound %.2f ms), per 5 s window %s; %s",
                rate, max.requests() / max.measuredSeconds(), warmP99, cold.requests(),
                cold.errors(), cold.latency().p99Millis(), bound,
                cold.windows().stream().map(w -> String.format("%.1f", w.p99Millis())).toList(),
                fresh.banner);
        System.out.println("cold start: " + summary);
        assertThat(cold.requests()).as(summary).isGreaterThan((long) (rate * 30 * 0.8));
        assertThat(cold.errorCount()).as("rejected or failed in the first 30 s: " + summary).isZero();
        assertThat(cold.latency().p99Millis()).as(summary).isLessThanOrEqualTo(bound);
      }
    }
  }
}
