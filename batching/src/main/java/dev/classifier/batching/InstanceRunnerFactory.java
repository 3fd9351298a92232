package dev.classifier.batching;

/**
 * Creates the {@link InstanceRunner} of one dispatch slot. Called once per slot when the batcher is
 * built, and again for a slot whose runner was retired (e.g. wedged in a run).
 */
@FunctionalInterface
public interface InstanceRunnerFactory<I, O> {
  InstanceRunner<I, O> create(Instance instance) throws Exception;

  /** Adapts a stateless {@link BatchRunner}: every slot calls it with its own instance. */
  static <I, O> InstanceRunnerFactory<I, O> of(BatchRunner<I, O> runner) {
    return instance -> batch -> runner.run(instance, batch);
  }
}
