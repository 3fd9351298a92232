package dev.classifier.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;

/**
 * One model's request-level figures, seen from the gRPC layer: requests (unary calls and stream
 * items), end-to-end latency of successful ones and requests rejected as invalid.
 */
final class RequestMetrics {
  private final Meter requests;
  private final Timer latency;
  private final BucketedHistogram latencyBuckets;
  private final Counter invalid;

  RequestMetrics(MetricRegistry registry, String model) {
    this.requests = registry.meter(MetricNames.model(model, "requests"));
    this.latency = registry.timer(MetricNames.model(model, "latency"));
    this.latencyBuckets =
        Histograms.register(
            registry,
            MetricNames.buckets(model, "latency"),
            BucketedHistogram.SECONDS_BUCKETS,
            true);
    this.invalid = BatcherMetrics.rejectCounter(registry, model, BatcherMetrics.INVALID);
  }

  void received() {
    requests.mark();
  }

  void answered(boolean ok, boolean invalidArgument, long nanos) {
    if (ok) {
      latency.update(nanos, TimeUnit.NANOSECONDS);
      latencyBuckets.update(nanos);
    } else if (invalidArgument) {
      invalid.inc();
    }
  }
}
