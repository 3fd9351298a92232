package dev.classifier.batching;

import dev.classifier.batching.BatcherListener.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Dynamic batcher for one model: a bounded priority queue, batch formation (max size, preferred
 * sizes, max queue delay, nearest deadline) and dispatch by capacity (a batch is formed only when
 * an instance is idle). Thread-safe; {@link #submit} never blocks.
 *
 * <p>One {@link java.util.concurrent.locks.ReentrantLock} guards the queue, the slots and the
 * timers; it is held only to link or unlink tasks and decide. Futures are completed, the runner and
 * the listener are called outside it. A worker that finishes a batch forms its own next batch and
 * runs it on the same thread.
 *
 * <p><b>Contract.</b> This class is the public facade and the {@link Builder}: it validates
 * arguments and delegates to {@link BatcherCore}, which owns the lock, the state it guards and the
 * package-private parts that do the work ({@link Intake}, {@link Admission}, {@link Formation},
 * {@link Wakeup}, {@link Delivery}, {@link RunLoop}, {@link Retirement}, {@link Shutdown}); see
 * {@link BatcherCore} for the map and the invariants. It holds no mutable state of its own and
 * takes the lock only through the core (observers read state under it).
 */
public final class Batcher<I, O> implements AutoCloseable {
  private final String name;
  private final BatchPolicy policy;
  private final List<Instance> instances;
  private final BatcherCore<I, O> core;

  private Batcher(Builder<I, O> b) {
    this.name = b.name;
    this.policy = b.policy;
    this.instances = b.instances;
    this.core = new BatcherCore<>(b);
  }

  /** Starts a builder for a stateless runner; see {@link Builder} for defaults. */
  public static <I, O> Builder<I, O> builder(
      String name, BatchPolicy policy, BatchRunner<I, O> runner) {
    return new Builder<>(
        name, policy, InstanceRunnerFactory.of(Objects.requireNonNull(runner, "runner")));
  }

  /**
   * Starts a builder whose slots each get their own runner from {@code runners} (state such as
   * reused buffers belongs to the slot, never to an {@link Instance} value).
   */
  public static <I, O> Builder<I, O> builder(
      String name, BatchPolicy policy, InstanceRunnerFactory<I, O> runners) {
    return new Builder<>(name, policy, runners);
  }

  public String name() {
    return name;
  }

  public BatchPolicy policy() {
    return policy;
  }

  /** The instances this batcher dispatches to, in configuration order. */
  public List<Instance> instances() {
    return instances;
  }

  /** Requests currently queued (not yet in a batch), across priority levels. */
  public int queuedRequests() {
    return core.underLock(core.queue::size);
  }

  /** Sum of payload bytes of the queued requests. */
  public long queuedBytes() {
    return core.underLock(core.queue::bytes);
  }

  /** Requests queued at priority {@code level} (0 = highest). */
  public int queuedRequests(int level) {
    checkLevel(level);
    return core.underLock(() -> core.queue.size(level));
  }

  /** Payload bytes queued at priority {@code level} (0 = highest). */
  public long queuedBytes(int level) {
    checkLevel(level);
    return core.underLock(() -> core.queue.bytes(level));
  }

  /** Runs {@code action} holding the batcher's lock (tests stand in for formation with it). */
  void runUnderLock(Runnable action) {
    core.underLock(
        () -> {
          action.run();
          return null;
        });
  }

  /** True if {@code thread} waits for the batcher's lock (tests). */
  boolean isWaitingForLock(Thread thread) {
    return core.lock.hasQueuedThread(thread);
  }

  /**
   * True if the calling thread holds the batcher's lock (tests assert callbacks run without it).
   */
  boolean lockHeldByCurrentThread() {
    return core.lock.isHeldByCurrentThread();
  }

  private void checkLevel(int level) {
    if (level < 0 || level >= policy.priorityLevels()) {
      throw new IllegalArgumentException(
          "priority level must be in 0.." + (policy.priorityLevels() - 1) + ", got " + level);
    }
  }

  /**
   * Queues one request. Never blocks and never throws for load reasons: a rejection is an
   * already-failed future ({@link QueueFullException}, {@link BatcherClosedException}, {@link
   * RejectedException} with reason INVALID, or {@link DeadlineExpiredException} if the deadline has
   * already passed). Cancelling the future removes the request from the queue at once.
   */
  public CompletableFuture<O> submit(I input, SubmitOptions options) {
    return core.intake.submit(input, options);
  }

  /**
   * Queues a multi-image request: each input is its own task (possibly in different batches); the
   * result lists outputs in input order. Admission is all-or-nothing. Any part failing fails the
   * whole future and cancels the other parts; cancelling the returned future cancels all parts.
   * {@code options.payloadBytes()} is per element.
   */
  public CompletableFuture<List<O>> submitAll(List<I> inputs, SubmitOptions options) {
    return core.intake.submitAll(inputs, options);
  }

  /**
   * Answers the batches still running with {@code why} and stops waiting for them: each run is
   * asked to terminate and its slot retired, so a closing batcher terminates even if a run never
   * returns. For a bounded close after the drain timed out.
   */
  public void abandonRunning(String why) {
    core.retirement.abandonRunning(why);
  }

  /**
   * Waits up to {@code timeout} for the runs of retired slots (terminated by the watchdog or
   * abandoned at close) to return; true if none is left. A process should not exit while a native
   * run is still returning.
   */
  public boolean awaitRetiredRuns(Duration timeout) throws InterruptedException {
    return core.retirement.awaitRetiredRuns(timeout);
  }

  /** Instances able to take batches (not wedged); 0 means the model cannot serve. */
  public int healthyInstances() {
    return core.underLock(() -> core.unhealthy == null ? core.activeSlots : 0);
  }

  /** Why the batcher cannot serve (every instance wedged), or null while it can. */
  public String unhealthyReason() {
    return core.underLock(() -> core.unhealthy);
  }

  /**
   * Stops intake (new submissions fail with {@link BatcherClosedException}), lets queued work run
   * for up to {@code grace} (batches formed meanwhile report {@link CloseReason#DRAINING}), then
   * fails what is still queued with {@link BatcherClosedException}. The returned future completes
   * when every accepted request has been answered and all running batches have returned.
   * Idempotent: later calls return the same future (their grace is ignored).
   */
  public CompletableFuture<Void> close(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    return core.shutdown.close(grace);
  }

  /**
   * Closes with zero grace (queued requests fail with {@link BatcherClosedException}) and waits for
   * running batches to return. Must not be called from inside the runner.
   */
  @Override
  public void close() {
    close(Duration.ZERO).join();
  }

  /** True once {@link #close(Duration)} was called. */
  public boolean isClosing() {
    return core.underLock(() -> core.closing);
  }

  @Override
  public String toString() {
    return "Batcher[" + name + ", " + instances.size() + " instances]";
  }

  /**
   * Builder. Defaults: one {@code Instance("cpu", 0, policy.maxBatchSize())}, the system ticker,
   * and, when no executor or scheduler is given, daemon threads owned by the batcher (one per
   * instance, one timer thread) that are shut down once it is closed.
   */
  public static final class Builder<I, O> {
    // package-private: read by BatcherCore's constructor
    final String name;
    final BatchPolicy policy;
    final InstanceRunnerFactory<I, O> runnerFactory;
    List<Instance> instances;
    Executor completionExecutor = Runnable::run;
    Ticker ticker = Ticker.system();
    TimerScheduler scheduler;
    Executor executor;
    BatcherListener listener = BatcherListener.NO_OP;
    Duration watchdog;
    java.util.function.Consumer<String> onNoHealthyInstance = why -> {};
    int expectedRunBatchSize;
    long expectedRunNanos;

    private Builder(String name, BatchPolicy policy, InstanceRunnerFactory<I, O> runners) {
      this.name = Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.policy = Objects.requireNonNull(policy, "policy");
      this.runnerFactory = Objects.requireNonNull(runners, "runners");
      this.instances = List.of(new Instance("cpu", 0, policy.maxBatchSize()));
    }

    /** Instances to dispatch to (at least one); each gets batches of at most its max size. */
    public Builder<I, O> instances(List<Instance> value) {
      Objects.requireNonNull(value, "instances");
      if (value.isEmpty()) {
        throw new IllegalArgumentException("instances must not be empty");
      }
      this.instances = List.copyOf(value);
      return this;
    }

    public Builder<I, O> ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    public Builder<I, O> scheduler(TimerScheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Runs batches; must not run tasks on the submitting thread while holding caller locks. */
    public Builder<I, O> executor(Executor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /**
     * A batch run time measured before serving (e.g. at warm-up): the starting point of each
     * instance's run-time estimate, which decides how early a batch closes for its earliest
     * deadline. Without it the estimate starts at zero until the first batch has run, so a batch
     * waiting for its queue delay closes for a deadline only at the deadline itself.
     */
    public Builder<I, O> expectedRunTime(int batchSize, Duration runTime) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      if (runTime.isNegative()) {
        throw new IllegalArgumentException("runTime must be >= 0, got " + runTime);
      }
      this.expectedRunBatchSize = batchSize;
      this.expectedRunNanos = runTime.toNanos();
      return this;
    }

    /**
     * Completes the callers' futures after a batch returns (one task per batch). Default: the
     * worker thread itself, after the run was timed, before the slot is released; a separate
     * executor keeps response work from delaying the slot's next batch.
     */
    public Builder<I, O> completionExecutor(Executor value) {
      this.completionExecutor = Objects.requireNonNull(value, "completionExecutor");
      return this;
    }

    /**
     * Longest a batch may run. Past it the run is asked to {@link InstanceRunner#terminate()}, its
     * requests fail with {@link WatchdogTimeoutException}, and the slot gets a fresh runner from
     * the factory (the old one is closed if its run ever returns). Default: no limit.
     */
    public Builder<I, O> watchdog(Duration limit) {
      Objects.requireNonNull(limit, "watchdog");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("watchdog must be > 0, got " + limit);
      }
      this.watchdog = limit;
      return this;
    }

    /** Called (with the reason) when the watchdog leaves the batcher without a healthy instance. */
    public Builder<I, O> onNoHealthyInstance(java.util.function.Consumer<String> hook) {
      this.onNoHealthyInstance = Objects.requireNonNull(hook, "onNoHealthyInstance");
      return this;
    }

    public Builder<I, O> listener(BatcherListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    public Batcher<I, O> build() {
      return new Batcher<>(this);
    }
  }
}
