package dev.classifier.server.kserve;

import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.batching.RejectedException;
import dev.classifier.proto.inference.InferBatchStatistics;
import dev.classifier.proto.inference.InferStatistics;
import dev.classifier.proto.inference.ModelStatistics;
import dev.classifier.proto.inference.StatisticDuration;
import dev.classifier.server.model.ServedModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Cumulative per-model statistics in the form of the Open Inference Protocol's ModelStatistics, fed
 * by each model's batcher events (so both protocols count), kept by model name across hot reloads.
 * Counting is per image, as Triton counts each inference of a batched request:
 *
 * <ul>
 *   <li>success: images answered with a result; duration = queue wait + their batch's run;
 *   <li>fail: images whose batch failed (duration as success), that expired in the queue, or that
 *       the batcher rejected (queue or byte budget full, draining; duration 0);
 *   <li>queue: images dispatched and their queue wait; compute_infer: the engine run (input copy,
 *       inference and output copy are one measured span, so compute_input/output stay 0);
 *   <li>execution_count / batch_stats: batches run successfully, by size.
 * </ul>
 */
public final class InferenceStatistics {
  private final LongSupplier epochMillis;
  private final Map<String, Recorder> byModel = new ConcurrentHashMap<>();

  /**
   * @param epochMillis wall clock for {@code last_inference}
   */
  public InferenceStatistics(LongSupplier epochMillis) {
    this.epochMillis = epochMillis;
  }

  /** The batcher listener that records {@code model}'s events (the same one across reloads). */
  public BatcherListener listener(String model) {
    return recorder(model);
  }

  private Recorder recorder(String model) {
    return byModel.computeIfAbsent(model, n -> new Recorder());
  }

  /** The statistics of a served model, as ModelStatistics reports them. */
  ModelStatistics of(ServedModel model) {
    Recorder r = recorder(model.name());
    ModelStatistics.Builder b =
        ModelStatistics.newBuilder()
            .setName(model.name())
            .setVersion(model.version())
            .setLastInference(r.lastInference.get())
            .setInferenceCount(r.success.count.sum())
            .setExecutionCount(r.executions.sum())
            .setInferenceStats(
                InferStatistics.newBuilder()
                    .setSuccess(r.success.proto())
                    .setFail(r.fail.proto())
                    .setQueue(r.queue.proto())
                    .setComputeInput(StatisticDuration.getDefaultInstance())
                    .setComputeInfer(r.compute.proto())
                    .setComputeOutput(StatisticDuration.getDefaultInstance()));
    for (Map.Entry<Integer, Duration> e : r.perBatchSize.entrySet()) {
      b.addBatchStats(
          InferBatchStatistics.newBuilder()
              .setBatchSize(e.getKey())
              .setComputeInput(StatisticDuration.getDefaultInstance())
              .setComputeInfer(e.getValue().proto())
              .setComputeOutput(StatisticDuration.getDefaultInstance()));
    }
    return b.build();
  }

  /** A count and a total in nanoseconds. */
  private static final class Duration {
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();

    void add(long n, long ns) {
      count.add(n);
      nanos.add(ns);
    }

    StatisticDuration proto() {
      return StatisticDuration.newBuilder().setCount(count.sum()).setNs(nanos.sum()).build();
    }
  }

  /** One model's counters; batches on one instance form and complete in turn. */
  private final class Recorder implements BatcherListener {
    final Duration success = new Duration();
    final Duration fail = new Duration();
    final Duration queue = new Duration();
    final Duration compute = new Duration();
    final LongAdder executions = new LongAdder();
    final AtomicLong lastInference = new AtomicLong();
    final Map<Integer, Duration> perBatchSize = new ConcurrentSkipListMap<>();

    /** Per instance, the summed queue wait of the batch it is running. */
    final Map<Instance, Long> runningQueueWait = new ConcurrentHashMap<>();

    @Override
    public void onRejected(RejectedException.Reason reason) {
      fail.add(1, 0);
    }

    @Override
    public void onExpired(int priority) {
      fail.add(1, 0);
    }

    @Override
    public void onBatchFormed(
        Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
      long sum = 0;
      for (long w : queueWaitNanos) {
        sum += w;
      }
      queue.add(queueWaitNanos.length, sum);
      runningQueueWait.put(instance, sum);
    }

    @Override
    public void onBatchCompleted(
        Instance instance, int batchSize, long runNanos, Throwable failureOrNull) {
      Long waited = runningQueueWait.remove(instance);
      long inServer = (waited == null ? 0 : waited) + batchSize * runNanos;
      lastInference.set(epochMillis.getAsLong());
      if (failureOrNull != null) {
        fail.add(batchSize, inServer);
        return;
      }
      success.add(batchSize, inServer);
      compute.add(1, runNanos);
      executions.increment();
      perBatchSize.computeIfAbsent(batchSize, s -> new Duration()).add(1, runNanos);
    }
  }
}
