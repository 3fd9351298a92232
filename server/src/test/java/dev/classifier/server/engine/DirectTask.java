package dev.classifier.server.engine;

import dev.classifier.batching.BatchTask;
import dev.classifier.server.Tensors;
import dev.classifier.server.signature.ElementType;

/** A batch task for running an {@link OnnxInstance} directly: records the outcome. */
final class DirectTask implements BatchTask<InferenceInput, InferenceResult> {
  private final InferenceInput input;
  InferenceResult result;
  Throwable error;
  int outcomes;

  DirectTask(float[] values) {
    this(values, false);
  }

  DirectTask(float[] values, boolean dryRun) {
    InferenceInput in = InferenceInput.of(Tensors.floatBytes(values), ElementType.FLOAT32);
    this.input = dryRun ? in.asDryRun() : in;
  }

  @Override
  public InferenceInput input() {
    return input;
  }

  @Override
  public long queueWaitNanos() {
    return 0;
  }

  @Override
  public synchronized boolean complete(InferenceResult output) {
    outcomes++;
    result = output;
    return outcomes == 1;
  }

  @Override
  public synchronized boolean fail(Throwable failure) {
    outcomes++;
    error = failure;
    return outcomes == 1;
  }

  @Override
  public synchronized boolean isDone() {
    return outcomes > 0;
  }
}
