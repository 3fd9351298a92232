package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import dev.classifier.batching.Batcher;
import java.util.function.Supplier;

/**
 * Queue depth and queued bytes of one model, per priority level and in total ({@code priority}
 * label {@code "all"}), read from its current batcher at each scrape (so they follow hot reloads).
 */
public final class QueueGauges {
  /** The {@code priority} label value of the totals. */
  public static final String ALL_PRIORITIES = "all";

  private QueueGauges() {}

  /**
   * Registers the gauges once per model name.
   *
   * @param batcher the model's current batcher (looked up at each read)
   * @param levels the model's priority levels
   */
  public static void register(
      MetricRegistry registry, String model, Supplier<Batcher<?, ?>> batcher, int levels) {
    registry.gauge(
        MetricNames.model(model, "queue_depth", ALL_PRIORITIES),
        () -> () -> batcher.get().queuedRequests());
    registry.gauge(
        MetricNames.model(model, "queue_bytes", ALL_PRIORITIES),
        () -> () -> batcher.get().queuedBytes());
    for (int level = 0; level < levels; level++) {
      int l = level;
      registry.gauge(
          MetricNames.model(model, "queue_depth", Integer.toString(level)),
          () -> () -> batcher.get().queuedRequests(l));
      registry.gauge(
          MetricNames.model(model, "queue_bytes", Integer.toString(level)),
          () -> () -> batcher.get().queuedBytes(l));
    }
  }
}
