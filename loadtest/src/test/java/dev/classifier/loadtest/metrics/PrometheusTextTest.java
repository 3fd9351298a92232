package dev.classifier.loadtest.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.classifier.loadtest.measure.RunResult.ServerSide;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  /** One scrape of a server that ran {@code batches} batches of {@code batchSum} images in all. */
  private static String scrape(
      int batches,
      int batchSum,
      int otherBatches,
      double waitP50,
      double waitSum,
      int waits,
      String images) {
    return """
        # HELP classifier_batch_size Images per batch.
        # TYPE classifier_batch_size histogram
        classifier_batch_size_bucket{model="fashion-mnist",le="1"} 10
        classifier_batch_size_bucket{model="fashion-mnist",le="8"} %1$d
        classifier_batch_size_bucket{model="fashion-mnist",le="+Inf"} %1$d
        classifier_batch_size_sum{model="fashion-mnist"} %2$d
        classifier_batch_size_count{model="fashion-mnist"} %1$d
        classifier_batch_size_count{model="other"} %3$d
        # TYPE classifier_queue_wait_seconds summary
        classifier_queue_wait_seconds{model="fashion-mnist",quantile="0.5"} %4$s
        classifier_queue_wait_seconds_sum{model="fashion-mnist"} %5$s
        classifier_queue_wait_seconds_count{model="fashion-mnist"} %6$d
        # TYPE classifier_images_total counter
        classifier_images_total{model="fashion-mnist"} %7$s
        """
        .formatted(batches, batchSum, otherBatches, waitP50, waitSum, waits, images);
  }

  /** With a sample timestamp on the images counter. */
  static final String BEFORE = scrape(20, 60, 999, 0.0001, 0.5, 60, "60 1700000000000");

  /** With a NaN quantile, a garbage line and escaped label values added. */
  static final String AFTER =
      scrape(120, 860, 1999, 0.002, 2.1, 860, "860")
          + """
          classifier_queue_wait_seconds{model="fashion-mnist",quantile="0.99"} NaN
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
  void meansFromTheServersHistogramsBeforeAnySummary() {
    // the server's shape: summaries without _sum, histograms (seconds) with _sum and _count
    String before =
        """
        classifier_queue_wait_seconds_count{model="m"} 10
        classifier_queue_wait_duration_seconds_sum{model="m"} 0.5
        classifier_queue_wait_duration_seconds_count{model="m"} 10
        classifier_compute_duration_seconds_sum{model="m"} 1.0
        classifier_compute_duration_seconds_count{model="m"} 4
        classifier_request_duration_seconds_sum{model="m"} 2.0
        classifier_request_duration_seconds_count{model="m"} 10
        classifier_compute_duration_seconds_sum{model="other"} 99.0
        classifier_compute_duration_seconds_count{model="other"} 1
        """;
    String after =
        """
        classifier_queue_wait_seconds_count{model="m"} 50
        classifier_queue_wait_duration_seconds_sum{model="m"} 0.7
        classifier_queue_wait_duration_seconds_count{model="m"} 50
        classifier_compute_duration_seconds_sum{model="m"} 1.3
        classifier_compute_duration_seconds_count{model="m"} 14
        classifier_request_duration_seconds_sum{model="m"} 2.2
        classifier_request_duration_seconds_count{model="m"} 50
        classifier_compute_duration_seconds_sum{model="other"} 199.0
        classifier_compute_duration_seconds_count{model="other"} 2
        """;
    ServerSide s =
        ServerSideDelta.between(PrometheusText.parse(before), PrometheusText.parse(after), "m", 1);
    assertThat(s.meanQueueWaitMillis()).isCloseTo(5.0, within(1e-9)); // 0.2 s / 40
    assertThat(s.meanComputeMillisPerBatch()).isCloseTo(30.0, within(1e-9)); // 0.3 s / 10
    assertThat(s.meanRequestMillis()).isCloseTo(5.0, within(1e-9)); // 0.2 s / 40
    ServerSide none =
        ServerSideDelta.between(PrometheusText.parse(after), PrometheusText.parse(after), "m", 1);
    assertThat(none.meanComputeMillisPerBatch()).isNaN(); // nothing observed in between
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
  void selectsTheModelByTheLabelTheServerWrites() {
    // the server's metric names turn the dots of a model name into underscores
    String after = "classifier_images_total{model=\"resnet50_v1\"} 30\n";
    ServerSide s =
        ServerSideDelta.between(
            PrometheusText.parse(""), PrometheusText.parse(after), "resnet50.v1", 1);
    assertThat(s.serverImagesPerSecond()).isEqualTo(30);
  }

  @Test
  void absentFamiliesGiveNaN() {
    ServerSide s =
        ServerSideDelta.between(PrometheusText.parse(""), PrometheusText.parse("x 1\n"), "", 1);
    assertThat(s.meanBatchSize()).isNaN();
    assertThat(s.meanQueueWaitMillis()).isNaN();
    assertThat(s.meanComputeMillisPerBatch()).isNaN();
    assertThat(s.meanRequestMillis()).isNaN();
    assertThat(s.serverImagesPerSecond()).isNaN();
  }
}
