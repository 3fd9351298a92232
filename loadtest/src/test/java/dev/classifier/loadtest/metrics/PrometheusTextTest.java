package dev.classifier.loadtest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.classifier.loadtest.measure.RunResult.ServerSide;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  static final String BEFORE =
      """
      # HELP classifier_batch_size Images per batch.
      # TYPE classifier_batch_size histogram
      classifier_batch_size_bucket{model="fashion-mnist",le="1"} 10
      classifier_batch_size_bucket{model="fashion-mnist",le="8"} 20
      classifier_batch_size_bucket{model="fashion-mnist",le="+Inf"} 20
      classifier_batch_size_sum{model="fashion-mnist"} 60
      classifier_batch_size_count{model="fashion-mnist"} 20
      classifier_batch_size_count{model="other"} 999
      # TYPE classifier_queue_wait_seconds summary
      classifier_queue_wait_seconds{model="fashion-mnist",quantile="0.5"} 0.0001
      classifier_queue_wait_seconds_sum{model="fashion-mnist"} 0.5
      classifier_queue_wait_seconds_count{model="fashion-mnist"} 60
      # TYPE classifier_images_total counter
      classifier_images_total{model="fashion-mnist"} 60 1700000000000
      """;

  static final String AFTER =
      """
      # HELP classifier_batch_size Images per batch.
      # TYPE classifier_batch_size histogram
      classifier_batch_size_bucket{model="fashion-mnist",le="1"} 10
      classifier_batch_size_bucket{model="fashion-mnist",le="8"} 120
      classifier_batch_size_bucket{model="fashion-mnist",le="+Inf"} 120
      classifier_batch_size_sum{model="fashion-mnist"} 860
      classifier_batch_size_count{model="fashion-mnist"} 120
      classifier_batch_size_count{model="other"} 1999
      # TYPE classifier_queue_wait_seconds summary
      classifier_queue_wait_seconds{model="fashion-mnist",quantile="0.5"} 0.002
      classifier_queue_wait_seconds{model="fashion-mnist",quantile="0.99"} NaN
      classifier_queue_wait_seconds_sum{model="fashion-mnist"} 2.1
      classifier_queue_wait_seconds_count{model="fashion-mnist"} 860
      # TYPE classifier_images_total counter
      classifier_images_total{model="fashion-mnist"} 860
      this line is garbage {{
      jvm_info{version="17 \\"quoted\\" \\\\ back",vendor="x"} 1
      """;

  @Test
  void parsesTypesLabelsEscapesInfNanAndTimestamps() {
    PrometheusText.Exposition e = PrometheusText.parse(AFTER);
    assertThat(e.types())
        .containsEntry("classifier_batch_size", "histogram")
        .containsEntry("classifier_queue_wait_seconds", "summary")
        .containsEntry("classifier_images_total", "counter");
    assertThat(e.find("classifier_batch_size_bucket", Map.of("le", "+Inf")).get(0).value())
        .isEqualTo(120);
    assertThat(e.find("jvm_info", Map.of()).get(0).labels())
        .containsEntry("version", "17 \"quoted\" \\ back")
        .containsEntry("vendor", "x");
    assertThat(e.find("classifier_queue_wait_seconds", Map.of("quantile", "0.99")).get(0).value())
        .isNaN();
    assertThat(PrometheusText.parse(BEFORE).sum("classifier_images_total", Map.of())).isEqualTo(60);
    assertThat(e.samples()).noneMatch(s -> s.name().equals("this"));
  }

  @Test
  void sumsAcrossLabelsOrSelectsOneModel() {
    PrometheusText.Exposition e = PrometheusText.parse(AFTER);
    assertThat(e.sum("classifier_batch_size_count", Map.of())).isEqualTo(2119);
    assertThat(e.sum("classifier_batch_size_count", Map.of("model", "other"))).isEqualTo(1999);
    assertThat(e.sum("absent", Map.of())).isNaN();
  }

  @Test
  void serverSideDeltaBetweenTwoScrapes() {
    ServerSide s =
        ServerSideDelta.between(
            PrometheusText.parse(BEFORE), PrometheusText.parse(AFTER), "fashion-mnist", 2.0);
    assertThat(s.meanBatchSize()).isCloseTo(8.0, within(1e-9)); // (860-60)/(120-20)
    assertThat(s.batchSizeBuckets()).containsEntry("8", 100.0).containsEntry("1", 0.0);
    assertThat(s.meanQueueWaitMillis()).isCloseTo(2.0, within(1e-9)); // 1.6 s / 800
    assertThat(s.queueWaitQuantilesMillis()).containsOnlyKeys("0.5");
    assertThat(s.queueWaitQuantilesMillis().get("0.5")).isCloseTo(2.0, within(1e-9));
    assertThat(s.serverImagesPerSecond()).isCloseTo(400, within(1e-9));
  }

  @Test
  void dropwizardStyleSummaryWithoutSumFallsBackToImagesPerBatch() {
    String before =
        """
        classifier_batch_size{model="m",quantile="0.5"} 1.0
        classifier_batch_size_count{model="m"} 10
        classifier_images_total{model="m"} 10.0
        """;
    String after =
        """
        # TYPE classifier_batch_size summary
        classifier_batch_size{model="m",quantile="0.5"} 4.0
        classifier_batch_size{model="m",quantile="0.99"} 8.0
        classifier_batch_size_count{model="m"} 60
        classifier_images_total{model="m"} 260.0
        """;
    ServerSide s =
        ServerSideDelta.between(PrometheusText.parse(before), PrometheusText.parse(after), "m", 1);
    assertThat(s.meanBatchSize()).isCloseTo(5.0, within(1e-9)); // 250 images / 50 batches
    assertThat(s.batchSizeQuantiles()).containsEntry("0.5", 4.0).containsEntry("0.99", 8.0);
  }

  @Test
  void absentFamiliesGiveNaN() {
    ServerSide s =
        ServerSideDelta.between(PrometheusText.parse(""), PrometheusText.parse("x 1\n"), "", 1);
    assertThat(s.meanBatchSize()).isNaN();
    assertThat(s.meanQueueWaitMillis()).isNaN();
    assertThat(s.serverImagesPerSecond()).isNaN();
  }
}
