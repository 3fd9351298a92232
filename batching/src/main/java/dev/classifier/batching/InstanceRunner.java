package dev.classifier.batching;

import java.util.List;

/**
 * The engine seam for one dispatch slot: runs the batches formed for its instance, one at a time,
 * on the thread it is called on. It owns whatever state its instance reuses (buffers, a session
 * handle); the batcher creates one per slot through an {@link InstanceRunnerFactory} and never
 * shares it with another slot.
 *
 * <p>{@link #run} records each task's outcome with {@link BatchTask#complete} or {@link
 * BatchTask#fail}; the callers' futures are completed after it returns, on the batcher's completion
 * executor, so response work is neither timed as compute nor delays the next batch. Tasks it leaves
 * without an outcome fail with the exception it threw, else with {@code
 * IllegalStateException("runner did not complete task")}.
 */
public interface InstanceRunner<I, O> extends AutoCloseable {
  /**
   * @param batch between 1 and the instance's max batch size tasks; an unmodifiable list
   */
  void run(List<BatchTask<I, O>> batch) throws Exception;

  /**
   * Asks a run in progress on another thread to stop as soon as it can (the watchdog calls it for a
   * run that exceeded its limit). The default does nothing: such a run is abandoned, not stopped.
   */
  default void terminate() {}

  /** Releases the slot's resources; called once, after its last run returned. */
  @Override
  default void close() throws Exception {}
}
