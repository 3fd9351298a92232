package dev.classifier.loadtest.metrics;

import dev.classifier.loadtest.measure.RunResult.ServerSide;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side numbers of one run from the scrapes before and after it: mean batch size and its
 * histogram ({@code classifier_batch_images}; else {@code classifier_batch_size}) and the quantiles
 * of its summary ({@code classifier_batch_size}), mean queue wait ({@code
 * classifier_queue_wait_duration_seconds}) and the quantiles of its summary ({@code
 * classifier_queue_wait_seconds}), the mean engine time per batch ({@code
 * classifier_compute_duration_seconds}: the batch's input copy and its ONNX Runtime run), the mean
 * server-side time per answered request ({@code classifier_request_duration_seconds}), and images/s
 * ({@code classifier_images_total}). Means come from the histograms' {@code _sum} and {@code
 * _count} (the server's summaries carry no {@code _sum}); a summary that does carry one is the
 * fallback. Families that are absent give NaN / empty maps.
 */
public final class ServerSideDelta {
  static final String BATCH = "classifier_batch_size";
  static final String BATCH_HISTOGRAM = "classifier_batch_images";
  static final String WAIT = "classifier_queue_wait_seconds";
  static final String WAIT_HISTOGRAM = "classifier_queue_wait_duration_seconds";
  static final String COMPUTE_HISTOGRAM = "classifier_compute_duration_seconds";
  static final String REQUEST_HISTOGRAM = "classifier_request_duration_seconds";
  static final String IMAGES = "classifier_images_total";

  private ServerSideDelta() {}

  /**
   * @param model the model whose label to select (written as the server writes label values: dots
   *     become underscores, see {@link #labelValue}), or empty for all models
   */
  public static ServerSide between(
      PrometheusText.Exposition before,
      PrometheusText.Exposition after,
      String model,
      double seconds) {
    Map<String, String> match =
        model == null || model.isEmpty() ? Map.of() : Map.of("model", labelValue(model));
    // the server's histogram of images per batch, else a histogram or summary by the older name
    String histogram =
        after.find(BATCH_HISTOGRAM + "_count", match).isEmpty() ? BATCH : BATCH_HISTOGRAM;
    double batches = delta(before, after, histogram + "_count", match);
    double batchSum = delta(before, after, histogram + "_sum", match);
    Map<String, Double> buckets = new TreeMap<>();
    for (PrometheusText.Sample s : after.find(histogram + "_bucket", match)) {
      String le = s.labels().get("le");
      Map<String, String> m = new TreeMap<>(match);
      m.put("le", le);
      double b = before.sum(histogram + "_bucket", m);
      buckets.put(le, s.value() - (Double.isNaN(b) ? 0 : b));
    }
    Map<String, Double> batchQuantiles = quantiles(after, BATCH, match, 1);
    double waitMillis = meanMillis(before, after, WAIT_HISTOGRAM, match);
    if (Double.isNaN(waitMillis)) {
      waitMillis = meanMillis(before, after, WAIT, match);
    }
    Map<String, Double> waitQuantiles = quantiles(after, WAIT, match, 1000);
    double images = delta(before, after, IMAGES, match);
    double meanBatch =
        batches > 0 && !Double.isNaN(batchSum)
            ? batchSum / batches
            : batches > 0 && !Double.isNaN(images) ? images / batches : Double.NaN;
    return new ServerSide(
        meanBatch,
        buckets,
        batchQuantiles,
        waitMillis,
        waitQuantiles,
        meanMillis(before, after, COMPUTE_HISTOGRAM, match),
        meanMillis(before, after, REQUEST_HISTOGRAM, match),
        seconds > 0 ? images / seconds : Double.NaN);
  }

  /** The mean, in ms, of the observations between the scrapes of a family in seconds, or NaN. */
  private static double meanMillis(
      PrometheusText.Exposition before,
      PrometheusText.Exposition after,
      String family,
      Map<String, String> match) {
    double count = delta(before, after, family + "_count", match);
    double sum = delta(before, after, family + "_sum", match);
    return count > 0 && !Double.isNaN(sum) ? sum / count * 1000 : Double.NaN;
  }

  /**
   * A model name as the server's metrics carry it in the {@code model} label: its Dropwizard names
   * use dots as separators, so dots in the name become underscores (the server's {@code
   * MetricNames.segment}; this is part of the metrics contract documented in docs/OPERATIONS.md).
   */
  static String labelValue(String model) {
    return model.replace('.', '_');
  }

  private static Map<String, Double> quantiles(
      PrometheusText.Exposition e, String name, Map<String, String> match, double scale) {
    Map<String, Double> out = new TreeMap<>();
    for (PrometheusText.Sample s : e.find(name, match)) {
      String q = s.labels().get("quantile");
      if (q != null && !Double.isNaN(s.value())) {
        out.put(q, s.value() * scale);
      }
    }
    return out;
  }

  private static double delta(
      PrometheusText.Exposition before,
      PrometheusText.Exposition after,
      String name,
      Map<String, String> m) {
    double a = after.sum(name, m);
    double b = before.sum(name, m);
    return Double.isNaN(a) ? Double.NaN : a - (Double.isNaN(b) ? 0 : b);
  }
}
