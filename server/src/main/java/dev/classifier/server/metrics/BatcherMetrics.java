package dev.classifier.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.batching.RejectedException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Records one model's batcher events in a Dropwizard registry (names: {@link MetricNames}): images
 * served, batch sizes, why each batch closed, queue wait, compute time (per model and per
 * instance), instance busy ratio and rejects by reason. One instance per model name, kept across
 * hot reloads so that counters continue.
 */
public final class BatcherMetrics implements BatcherListener {
  /** Reject reasons as exported ({@code reason} label of {@code classifier_rejected_total}). */
  public static final String QUEUE_FULL = "queue_full";

  public static final String QUEUE_BYTES_FULL = "queue_bytes_full";
  public static final String DRAINING = "draining";
  public static final String INVALID = "invalid";
  public static final String EXPIRED = "expired";
  public static final String CANCELLED = "cancelled";

  private static final long BUSY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final MetricRegistry registry;
  private final String model;
  private final LongSupplier nanoClock;
  private final Meter images;
  private final Histogram batchSize;
  private final Timer queueWait;
  private final Timer compute;
  private final BucketedHistogram batchSizeBuckets;
  private final BucketedHistogram queueWaitBuckets;
  private final BucketedHistogram computeBuckets;
  private final Counter batchFailures;
  private final Counter expired;
  private final Counter cancelled;
  private final Counter watchdogTimeouts;
  private final Map<RejectedException.Reason, Counter> rejected =
      new EnumMap<>(RejectedException.Reason.class);
  private final Map<CloseReason, Counter> closeReasons = new EnumMap<>(CloseReason.class);
  private final Map<Instance, InstanceMetrics> perInstance = new ConcurrentHashMap<>();

  /** One instance's compute timer, busy-ratio gauge and wedged-run count (a gauge). */
  private record InstanceMetrics(Timer compute, BusyRatio busy, AtomicInteger wedged) {}

  public BatcherMetrics(MetricRegistry registry, String model) {
    this(registry, model, System::nanoTime);
  }

  BatcherMetrics(MetricRegistry registry, String model, LongSupplier nanoClock) {
    this.registry = registry;
    this.model = model;
    this.nanoClock = nanoClock;
    this.images = registry.meter(MetricNames.model(model, "images"));
    this.batchSize = registry.histogram(MetricNames.model(model, "batch_size"));
    this.queueWait = registry.timer(MetricNames.model(model, "queue_wait"));
    this.compute = registry.timer(MetricNames.model(model, "compute"));
    this.batchSizeBuckets =
        Histograms.register(
            registry,
            MetricNames.buckets(model, "batch_size"),
            BucketedHistogram.SIZE_BUCKETS,
            false);
    this.queueWaitBuckets =
        Histograms.register(
            registry,
            MetricNames.buckets(model, "queue_wait"),
            BucketedHistogram.SECONDS_BUCKETS,
            true);
    this.computeBuckets =
        Histograms.register(
            registry,
            MetricNames.buckets(model, "compute"),
            BucketedHistogram.SECONDS_BUCKETS,
            true);
    this.batchFailures = registry.counter(MetricNames.model(model, "batch_failures"));
    this.watchdogTimeouts = registry.counter(MetricNames.model(model, "watchdog_timeouts"));
    this.expired = rejectCounter(registry, model, EXPIRED);
    this.cancelled = rejectCounter(registry, model, CANCELLED);
    for (RejectedException.Reason r : RejectedException.Reason.values()) {
      rejected.put(r, rejectCounter(registry, model, label(r)));
    }
    for (CloseReason r : CloseReason.values()) {
      closeReasons.put(
          r,
          registry.counter(
              MetricNames.model(model, "batch_close", r.name().toLowerCase(Locale.ROOT))));
    }
  }

  /** The counter of {@code classifier_rejected_total{model, reason}}. */
  public static Counter rejectCounter(MetricRegistry registry, String model, String reason) {
    return registry.counter(MetricNames.model(model, "rejected", reason));
  }

  static String label(RejectedException.Reason r) {
    return switch (r) {
      case QUEUE_FULL -> QUEUE_FULL;
      case BYTES_EXHAUSTED -> QUEUE_BYTES_FULL;
      case CLOSED -> DRAINING;
      case INVALID -> INVALID;
    };
  }

  public String model() {
    return model;
  }

  @Override
  public void onRejected(RejectedException.Reason reason) {
    rejected.get(reason).inc();
  }

  @Override
  public void onExpired(int priority) {
    expired.inc();
  }

  @Override
  public void onCancelled(int priority) {
    cancelled.inc();
  }

  @Override
  public void onBatchFormed(
      Instance instance, int size, CloseReason reason, long[] queueWaitNanos) {
    batchSize.update(size);
    batchSizeBuckets.update(size);
    closeReasons.get(reason).inc();
    for (long w : queueWaitNanos) {
      queueWait.update(w, TimeUnit.NANOSECONDS);
      queueWaitBuckets.update(w);
    }
  }

  @Override
  public void onBatchCompleted(Instance instance, int size, long runNanos, Throwable failure) {
    compute.update(runNanos, TimeUnit.NANOSECONDS);
    computeBuckets.update(runNanos);
    InstanceMetrics i = instance(instance);
    i.compute().update(runNanos, TimeUnit.NANOSECONDS);
    i.busy().record(runNanos);
    if (failure != null) {
      batchFailures.inc();
    } else {
      images.mark(size);
    }
  }

  @Override
  public void onWatchdogTimeout(Instance instance, boolean replaced) {
    watchdogTimeouts.inc();
    instance(instance).wedged().incrementAndGet();
  }

  @Override
  public void onWedgedRunReturned(Instance instance) {
    instance(instance).wedged().decrementAndGet();
  }

  /** Registers the instance's metrics (at load, so idle instances show 0). */
  public void register(Instance instance) {
    instance(instance);
  }

  private InstanceMetrics instance(Instance instance) {
    InstanceMetrics m = perInstance.get(instance);
    return m != null ? m : perInstance.computeIfAbsent(instance, this::newInstanceMetrics);
  }

  private InstanceMetrics newInstanceMetrics(Instance i) {
    AtomicInteger wedged = new AtomicInteger();
    registry.gauge(MetricNames.instance(model, i, "wedged"), () -> (Gauge<Integer>) wedged::get);
    return new InstanceMetrics(
        registry.timer(MetricNames.instance(model, i, "compute")),
        registry.gauge(
            MetricNames.instance(model, i, "busy_ratio"),
            () -> new BusyRatio(nanoClock, BUSY_WINDOW_NANOS)),
        wedged);
  }
}
