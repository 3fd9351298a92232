package dev.classifier.loadtest.metrics;

import dev.classifier.loadtest.measure.RunResult.ServerSide;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side numbers of one run from the scrapes before and after it: mean batch size and its
 * histogram ({@code classifier_batch_size}), mean queue wait and, for a summary, its quantiles
 * ({@code classifier_queue_wait_seconds}), and images/s ({@code classifier_images_total}). Families
 * that are absent give NaN / empty maps.
 */
public final class ServerSideDelta {
  static final String BATCH = "classifier_batch_size";
  static final String WAIT = "classifier_queue_wait_seconds";
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
    double batches = delta(before, after, BATCH + "_count", match);
    double batchSum = delta(before, after, BATCH + "_sum", match);
    Map<String, Double> buckets = new TreeMap<>();
    for (PrometheusText.Sample s : after.find(BATCH + "_bucket", match)) {
      String le = s.labels().get("le");
      Map<String, String> m = new TreeMap<>(match);
      m.put("le", le);
      double b = before.sum(BATCH + "_bucket", m);
      buckets.put(le, s.value() - (Double.isNaN(b) ? 0 : b));
    }
    Map<String, Double> batchQuantiles = quantiles(after, BATCH, match, 1);
    double waits = delta(before, after, WAIT + "_count", match);
    double waitSum = delta(before, after, WAIT + "_sum", match);
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
        waits > 0 ? waitSum / waits * 1000 : Double.NaN,
        waitQuantiles,
        seconds > 0 ? images / seconds : Double.NaN);
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
