package dev.classifier.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.batching.RejectedException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Records one model's batcher events in a Dropwizard registry. */
public final class BatcherMetrics implements BatcherListener {
  private final MetricRegistry registry;
  private final String prefix;
  private final Meter images;
  private final Histogram batchSize;
  private final Timer queueWait;
  private final Timer compute;
  private final Counter batchFailures;
  private final Counter expired;
  private final Counter cancelled;
  private final Map<RejectedException.Reason, Counter> rejected =
      new EnumMap<>(RejectedException.Reason.class);
  private final Map<CloseReason, Counter> closeReasons = new EnumMap<>(CloseReason.class);
  private final Map<Integer, AtomicLong> depthByPriority = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> bytesByPriority = new ConcurrentHashMap<>();

  public BatcherMetrics(MetricRegistry registry, String model) {
    this.registry = registry;
    this.prefix = MetricRegistry.name("classifier", "model", model);
    this.images = registry.meter(name("images"));
    this.batchSize = registry.histogram(name("batch_size"));
    this.queueWait = registry.timer(name("queue_wait"));
    this.compute = registry.timer(name("compute"));
    this.batchFailures = registry.counter(name("batch_failures"));
    this.expired = registry.counter(name("expired"));
    this.cancelled = registry.counter(name("cancelled"));
    for (RejectedException.Reason r : RejectedException.Reason.values()) {
      rejected.put(r, registry.counter(name("rejected", r.name().toLowerCase())));
    }
    for (CloseReason r : CloseReason.values()) {
      closeReasons.put(r, registry.counter(name("batch_close", r.name().toLowerCase())));
    }
  }

  private String name(String... parts) {
    return MetricRegistry.name(prefix, parts);
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
    closeReasons.get(reason).inc();
    for (long w : queueWaitNanos) {
      queueWait.update(w, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void onBatchCompleted(Instance instance, int size, long runNanos, Throwable failure) {
    compute.update(runNanos, TimeUnit.NANOSECONDS);
    if (failure != null) {
      batchFailures.inc();
    } else {
      images.mark(size);
    }
  }

  @Override
  public void onQueueDepth(int priority, int queuedRequests, long queuedBytes) {
    gauge(depthByPriority, "queue_depth", priority).set(queuedRequests);
    gauge(bytesByPriority, "queue_bytes", priority).set(queuedBytes);
  }

  @Override
  public void onEnqueued(int priority, int queuedRequests, long queuedBytes) {
    onQueueDepth(priority, queuedRequests, queuedBytes);
  }

  private AtomicLong gauge(Map<Integer, AtomicLong> map, String metric, int priority) {
    return map.computeIfAbsent(
        priority,
        p -> {
          AtomicLong value = new AtomicLong();
          registry.gauge(name(metric, "priority" + p), () -> value::get);
          return value;
        });
  }
}
