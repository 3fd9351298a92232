package dev.classifier.batching;

import java.util.List;

/**
 * The engine seam: runs one batch synchronously on the thread it is called on (a thread of the
 * batcher's executor). It should complete every task; tasks it leaves incomplete are failed with
 * {@code IllegalStateException("runner did not complete task")}. If it throws, the tasks of this
 * batch it left incomplete fail with that exception; other batches are unaffected.
 */
@FunctionalInterface
public interface BatchRunner<I, O> {
  /**
   * @param instance the instance (device slot) this batch was formed for
   * @param batch between 1 and {@code instance.maxBatchSize()} tasks; an unmodifiable list
   */
  void run(Instance instance, List<BatchTask<I, O>> batch) throws Exception;
}
