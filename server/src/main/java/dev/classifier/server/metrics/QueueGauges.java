package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import java.util.function.LongSupplier;

/**
 * Queue depth and queued bytes of one model, read from its (current) batcher at each scrape.
 *
 * <p>The batcher counts its queue across priority levels only, so the {@code priority} label is
 * {@code "all"}; per-level figures would need per-level counters in the batching module.
 */
public final class QueueGauges {
  /** The {@code priority} label value of the totals. */
  public static final String ALL_PRIORITIES = "all";

  private QueueGauges() {}

  /** Registers the gauges once per model name (idempotent; the suppliers should follow reloads). */
  public static void register(
      MetricRegistry registry, String model, LongSupplier depth, LongSupplier bytes) {
    registry.gauge(
        MetricNames.model(model, "queue_depth", ALL_PRIORITIES), () -> depth::getAsLong);
    registry.gauge(
        MetricNames.model(model, "queue_bytes", ALL_PRIORITIES), () -> bytes::getAsLong);
  }
}
