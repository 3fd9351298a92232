package dev.classifier.server.metrics;

import com.codahale.metrics.MetricRegistry;
import java.util.function.LongSupplier;

/**
 * Gauges of the streaming calls: open streams, items in flight across them (received, not yet
 * answered) and the most any single stream has held at once ({@code classifier_streams_*}).
 */
public final class StreamGauges {
  private StreamGauges() {}

  public static void register(
      MetricRegistry registry,
      LongSupplier open,
      LongSupplier inFlight,
      LongSupplier peakPerStream) {
    registry.gauge(MetricNames.streams("open"), () -> open::getAsLong);
    registry.gauge(MetricNames.streams("in_flight"), () -> inFlight::getAsLong);
    registry.gauge(
        MetricNames.streams("peak_in_flight_per_stream"), () -> peakPerStream::getAsLong);
  }
}
