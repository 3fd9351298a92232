package dev.classifier.loadtest.measure;

import java.util.List;
import java.util.Map;

/**
 * One run's numbers.
 *
 * @param label human-readable name, e.g. "closed c=8 unary"
 * @param scenario closed, open, offline or inprocess
 * @param target what was loaded: server, batching-off, echo, inprocess
 * @param transport unary, stream, echo or ort
 * @param concurrency requests in flight (closed loop; 0 for open loop)
 * @param offeredRatePerSecond scheduled requests per second (open loop; 0 for closed loop)
 * @param imagesPerRequest images in each request
 * @param measuredSeconds measured time (warm-up excluded)
 * @param requests requests answered OK
 * @param imagesPerSecond images answered OK per second
 * @param latency latency percentiles (open loop: from each request's scheduled send time)
 * @param errors failed requests by gRPC status code
 * @param stable whether the stability rule held
 * @param stabilityReason why (or why not)
 * @param windows the measurement windows
 * @param histogram latency histogram buckets
 * @param server server-side numbers scraped from /metrics over the run, or null
 */
public record RunResult(
    String label,
    String scenario,
    String target,
    String transport,
    int concurrency,
    double offeredRatePerSecond,
    int imagesPerRequest,
    double measuredSeconds,
    long requests,
    double imagesPerSecond,
    LatencySummary latency,
    Map<String, Long> errors,
    boolean stable,
    String stabilityReason,
    List<Window> windows,
    List<HistogramBucket> histogram,
    ServerSide server) {

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Returns a copy with server-side numbers attached. */
  public RunResult withServer(ServerSide s) {
    return new RunResult(
        label,
        scenario,
        target,
        transport,
        concurrency,
        offeredRatePerSecond,
        imagesPerRequest,
        measuredSeconds,
        requests,
        imagesPerSecond,
        latency,
        errors,
        stable,
        stabilityReason,
        windows,
        histogram,
        s);
  }

  /**
   * Server-side view of a run, from the difference of two /metrics scrapes.
   *
   * @param meanBatchSize images per batch: sum/count of classifier_batch_size, else the increase of
   *     classifier_images_total per batch counted; NaN if neither is exposed
   * @param batchSizeBuckets cumulative histogram le -> batches, if it is a histogram
   * @param batchSizeQuantiles summary quantiles at the end of the run (quantile -> images)
   * @param meanQueueWaitMillis mean queue wait per image (classifier_queue_wait_duration_seconds),
   *     or NaN
   * @param queueWaitQuantilesMillis summary quantiles at the end of the run (quantile -> ms)
   * @param meanComputeMillisPerBatch mean engine time per batch, input copy and ONNX Runtime run
   *     (classifier_compute_duration_seconds), or NaN
   * @param meanRequestMillis mean server-side time per answered request, from the call's arrival to
   *     its answer (classifier_request_duration_seconds), or NaN
   * @param serverImagesPerSecond classifier_images_total increase per second, or NaN
   */
  public record ServerSide(
      double meanBatchSize,
      Map<String, Double> batchSizeBuckets,
      Map<String, Double> batchSizeQuantiles,
      double meanQueueWaitMillis,
      Map<String, Double> queueWaitQuantilesMillis,
      double meanComputeMillisPerBatch,
      double meanRequestMillis,
      double serverImagesPerSecond) {}
}
