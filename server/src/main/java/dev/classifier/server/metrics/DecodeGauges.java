package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import java.util.function.LongSupplier;

/**
 * Gauges of the encoded-image decode stage: images and estimated decoded bytes queued or decoding
 * ({@code classifier_decode_pending_images}, {@code classifier_decode_pending_bytes}).
 */
public final class DecodeGauges {
  private DecodeGauges() {}

  public static void register(MetricRegistry registry, LongSupplier images, LongSupplier bytes) {
    registry.gauge(MetricNames.decode("pending_images"), () -> images::getAsLong);
    registry.gauge(MetricNames.decode("pending_bytes"), () -> bytes::getAsLong);
  }
}
