/**
 * Dynamic batching for one model, JDK only: a bounded priority queue, batch formation and dispatch
 * by capacity to model instances on one or more devices.
 *
 * <p><b>Where to start.</b> {@link dev.classifier.batching.Batcher} is the entry point: build one
 * per model with a {@link dev.classifier.batching.BatchPolicy}, the engine seam (an {@link
 * dev.classifier.batching.InstanceRunnerFactory} creating one {@link
 * dev.classifier.batching.InstanceRunner} per slot, so instance state is never shared, or a
 * stateless {@link dev.classifier.batching.BatchRunner}) and the {@link
 * dev.classifier.batching.Instance}s to serve, then {@code submit} inputs and get futures back.
 * Runners record outcomes; the futures are completed after the run on an injectable completion
 * executor, so response work is not timed as compute. An optional watchdog terminates a run past
 * its limit, answers its requests and replaces the slot's runner.
 *
 * <p><b>Three ideas, kept apart (as in Triton).</b>
 *
 * <ul>
 *   <li><i>Queue policy</i>: {@code TaskQueue} holds one intrusive FIFO per priority level; the
 *       batcher bounds it by request count and payload bytes and rejects at once with a typed
 *       {@link dev.classifier.batching.RejectedException} (an already-failed future, never a
 *       block). Cancelled requests leave the queue at once; expired ones are removed by a single
 *       timer armed for the earliest deadline, and again at batch formation.
 *   <li><i>Batch formation</i>: {@code FormationRule} is a pure function of what is queued: full,
 *       preferred size, max queue delay elapsed, or the earliest deadline minus the estimated run
 *       time ({@code RunTimeEstimator}, an EWMA per instance) — else wait for a timer.
 *   <li><i>Dispatch capacity</i>: a {@code Slot} per instance; a batch is formed only when a slot
 *       is idle (pull, not push), so batches grow with load. A worker that finishes a batch forms
 *       and runs its own next batch on the same thread; batches for other idle slots go to the
 *       executor.
 * </ul>
 *
 * <p><b>Concurrency.</b> One {@code ReentrantLock} guards queue, slots and timers and is held only
 * to link, unlink and decide. Futures are completed, the runner and the {@link
 * dev.classifier.batching.BatcherListener} are called outside it. A cancel is decided under it (a
 * queued task is unlinked before its future is marked cancelled), so formation never takes a
 * cancelled task. A queued request is a single object ({@code QueuedTask}): the caller's {@code
 * CompletableFuture} and the runner's {@link dev.classifier.batching.BatchTask} at once, so a
 * submission allocates one object.
 *
 * <p><b>How {@code Batcher} is built.</b> The public {@link dev.classifier.batching.Batcher} is a
 * facade (and its {@code Builder}); {@code BatcherCore} owns the lock, every field it guards and
 * the wiring of package-private parts, one concept each, each with a contract comment (thread,
 * lock, invariants): {@code Intake} (submit, submitAll, cancel), {@code Admission} (can it ever
 * fit, may it be queued now, retry hint), {@code Formation} (batch formation and expiry, under the
 * lock), {@code Wakeup} (the formation and expiry timers), {@code Delivery} (everything done after
 * the lock is released: failing, dispatching, settling), {@code RunLoop} (the worker: run, time,
 * form the slot's next batch inline), {@code Retirement} (watchdog, wedged and abandoned runs,
 * replacement runners) and {@code Shutdown} (grace, termination, the close future).
 *
 * <p><b>Adaptive batching</b> ({@link dev.classifier.batching.AdaptiveBatching}, off by default):
 * {@code AimdController} adjusts each instance's batch-size cap (and proportionally its queue
 * delay) from measured batch run time, additive increase / multiplicative decrease as in Clipper.
 *
 * <p><b>Time and threads are injected</b> ({@link dev.classifier.batching.Ticker}, {@link
 * dev.classifier.batching.TimerScheduler}, an {@link java.util.concurrent.Executor}), so the unit
 * tests run on fake time with a hand-run executor and never sleep.
 */
package dev.classifier.batching;
