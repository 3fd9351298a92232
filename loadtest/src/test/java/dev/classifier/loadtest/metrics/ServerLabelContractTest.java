package dev.classifier.loadtest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.classifier.server.metrics.MetricNames;
import org.junit.jupiter.api.Test;

/**
 * The load tester writes the {@code model} label the way the server does without depending on the
 * server's classes; this test (the server is a test dependency only) fails when the two drift.
 */
class ServerLabelContractTest {
  @Test
  void modelLabelValuesMatchTheServers() {
    for (String model : new String[] {"fashion-mnist", "resnet50.v1", "a.b.c", "x_y", "..."}) {
      assertThat(ServerSideDelta.labelValue(model)).as(model).isEqualTo(MetricNames.segment(model));
    }
  }
}
