package dev.classifier.batching;

import dev.classifier.batching.BatcherListener.CloseReason;
import dev.classifier.batching.RejectedException.Reason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dynamic batcher for one model: a bounded priority queue, batch formation (max size, preferred
 * sizes, max queue delay, nearest deadline) and dispatch by capacity (a batch is formed only when
 * an instance is idle). Thread-safe; {@link #submit} never blocks.
 *
 * <p>One {@link ReentrantLock} guards the queue, the slots and the timers; it is held only to link
 * or unlink tasks and decide. Futures are completed, the runner and the listener are called outside
 * it. A worker that finishes a batch forms its own next batch and runs it on the same thread.
 */
public final class Batcher<I, O> implements AutoCloseable {
  /** How long an idle own worker thread polls before blocking (see {@link SpinningWorkQueue}). */
  private static final long OWN_WORKER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private final String name;
  private final BatchPolicy policy;
  private final InstanceRunnerFactory<I, O> runnerFactory;
  private final Executor completionExecutor;
  /** Batches whose outcomes are not yet delivered, plus one for the batcher until terminated. */
  private final AtomicInteger unsettled = new AtomicInteger(1);
  private final Ticker ticker;
  private final TimerScheduler scheduler;
  private final Executor executor;
  private final BatcherListener listener;
  private final List<Instance> instances;
  private final ExecutorService ownExecutor;
  private final ScheduledExecutorService ownScheduler;
  private final int[] preferred;
  private final long defaultTimeoutNanos;
  private final long watchdogNanos;
  private final java.util.function.Consumer<String> onNoHealthyInstance;
  private final long maxQueuedWorkNanos;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private final ReentrantLock lock = new ReentrantLock();
  // ---- guarded by lock ----
  private final TaskQueue<I, O> queue;
  private final Slot<I, O>[] slots;
  private final ArrayDeque<Slot<I, O>> idle;
  private final FormationRule.Decision decision = new FormationRule.Decision();
  /** Re-runs formation when the max queue delay or a deadline-driven close is due. */
  private final Wakeup formationTimer = new Wakeup(false);
  /** Fails queued requests whose deadline passed, armed for the earliest queued deadline. */
  private final Wakeup expiryTimer = new Wakeup(true);
  private TimerScheduler.Cancellable graceTimer;
  private boolean closing;
  private boolean terminated;
  /** Slots not retired; termination waits for these to be idle. */
  private int activeSlots;
  /** Retired slots whose run has not returned yet. */
  private int retiredRunning;
  private final java.util.concurrent.locks.Condition retiredReturned = lock.newCondition();
  /** Why no instance can serve (all wedged and not replaced); null while one can. */
  private volatile String unhealthy;
  private ArrayList<QueuedTask<I, O>> expiredOut;
  private ArrayList<QueuedTask<I, O>> closedOut;

  private Batcher(Builder<I, O> b) {
    this.name = b.name;
    this.policy = b.policy;
    this.runnerFactory = b.runnerFactory;
    this.completionExecutor = b.completionExecutor;
    this.ticker = b.ticker;
    this.listener = GuardedListener.wrap(b.listener);
    this.instances = b.instances;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownExecutor = null;
    } else {
      this.ownExecutor =
          new ThreadPoolExecutor(
              instances.size(),
              instances.size(),
              0L,
              TimeUnit.MILLISECONDS,
              new SpinningWorkQueue(OWN_WORKER_SPIN_NANOS),
              daemonThreads(name + "-worker-"));
      this.executor = ownExecutor;
    }
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = null;
    } else {
      ScheduledThreadPoolExecutor ses =
          new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-timer-"));
      ses.setRemoveOnCancelPolicy(true);
      this.ownScheduler = ses;
      this.scheduler = TimerScheduler.of(ses);
    }
    this.preferred = policy.preferredBatchSizes().stream().mapToInt(Integer::intValue).toArray();
    this.defaultTimeoutNanos = saturatedNanos(policy.defaultTimeout());
    this.watchdogNanos = b.watchdog == null ? 0 : saturatedNanos(b.watchdog);
    this.onNoHealthyInstance = b.onNoHealthyInstance;
    this.maxQueuedWorkNanos = saturatedNanos(policy.maxQueuedWork());
    this.queue = new TaskQueue<>(policy.priorityLevels());
    this.slots = createSlots(instances, b.runnerFactory, policy);
    this.idle = new ArrayDeque<>(instances.size());
    this.activeSlots = slots.length;
    for (int i = 0; i < slots.length; i++) {
      if (b.expectedRunNanos > 0) {
        slots[i].estimator.record(b.expectedRunBatchSize, b.expectedRunNanos);
      }
      idle.addLast(slots[i]);
    }
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

  /** One slot per instance, each with a runner of its own; on failure, closes those created. */
  private static <I, O> Slot<I, O>[] createSlots(
      List<Instance> instances, InstanceRunnerFactory<I, O> factory, BatchPolicy policy) {
    @SuppressWarnings("unchecked")
    Slot<I, O>[] out = (Slot<I, O>[]) new Slot<?, ?>[instances.size()];
    for (int i = 0; i < out.length; i++) {
      InstanceRunner<I, O> r;
      try {
        r = Objects.requireNonNull(factory.create(instances.get(i)), "runner factory returned null");
      } catch (Exception e) {
        for (int j = 0; j < i; j++) {
          closeQuietly(out[j].runner, e);
        }
        throw new IllegalStateException(
            "creating the runner of instance " + instances.get(i) + " failed: " + e.getMessage(), e);
      }
      out[i] = new Slot<>(instances.get(i), r, policy, i);
    }
    return out;
  }

  private static void closeQuietly(InstanceRunner<?, ?> r, Throwable into) {
    try {
      r.close();
    } catch (Exception e) {
      into.addSuppressed(e);
    }
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
    return underLock(queue::size);
  }

  /** Sum of payload bytes of the queued requests. */
  public long queuedBytes() {
    return underLock(queue::bytes);
  }

  /** Requests queued at priority {@code level} (0 = highest). */
  public int queuedRequests(int level) {
    checkLevel(level);
    return underLock(() -> queue.size(level));
  }

  /** Payload bytes queued at priority {@code level} (0 = highest). */
  public long queuedBytes(int level) {
    checkLevel(level);
    return underLock(() -> queue.bytes(level));
  }

  /** Reads batcher state consistently (for observers: gauges, tests). */
  private <T> T underLock(java.util.function.Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} holding the batcher's lock (tests stand in for formation with it). */
  void runUnderLock(Runnable action) {
    underLock(
        () -> {
          action.run();
          return null;
        });
  }

  /** True if {@code thread} waits for the batcher's lock (tests). */
  boolean isWaitingForLock(Thread thread) {
    return lock.hasQueuedThread(thread);
  }

  /** True if the calling thread holds the batcher's lock (tests assert callbacks run without it). */
  boolean lockHeldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  private void checkLevel(int level) {
    if (level < 0 || level >= policy.priorityLevels()) {
      throw new IllegalArgumentException(
          "priority level must be in 0.." + (policy.priorityLevels() - 1) + ", got " + level);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Submission

  /**
   * Queues one request. Never blocks and never throws for load reasons: a rejection is an
   * already-failed future ({@link QueueFullException}, {@link BatcherClosedException}, {@link
   * RejectedException} with reason INVALID, or {@link DeadlineExpiredException} if the deadline
   * has already passed). Cancelling the future removes the request from the queue at once.
   */
  public CompletableFuture<O> submit(I input, SubmitOptions options) {
    if (input == null || options == null) {
      return reject(invalid(input == null ? "input must not be null" : "options must not be null"));
    }
    RejectedException invalid = validate(options, 1);
    if (invalid != null) {
      return reject(invalid);
    }
    long now = ticker.nanoTime();
    long deadline = effectiveDeadline(options.deadlineNanos(), now);
    int priority = options.priority();
    if (deadline <= now) {
      return expiredOnArrival(priority, deadline, now);
    }
    QueuedTask<I, O> task =
        new QueuedTask<>(this, input, priority, options.payloadBytes(), now, deadline);
    @SuppressWarnings("unchecked")
    QueuedTask<I, O>[] parts = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[] {task};
    RejectedException rejection = enqueue(parts, priority, options.payloadBytes(), deadline, now);
    return rejection == null ? task : reject(rejection);
  }

  /**
   * Queues a multi-image request: each input is its own task (possibly in different batches); the
   * result lists outputs in input order. Admission is all-or-nothing. Any part failing fails the
   * whole future and cancels the other parts; cancelling the returned future cancels all parts.
   * {@code options.payloadBytes()} is per element.
   */
  public CompletableFuture<List<O>> submitAll(List<I> inputs, SubmitOptions options) {
    if (inputs == null || options == null) {
      return reject(invalid(inputs == null ? "inputs must not be null" : "options must not be null"));
    }
    int count = inputs.size();
    for (int i = 0; i < count; i++) {
      if (inputs.get(i) == null) {
        return reject(invalid("inputs[" + i + "] must not be null"));
      }
    }
    RejectedException invalid = validate(options, count);
    if (invalid != null) {
      return reject(invalid);
    }
    long now = ticker.nanoTime();
    long deadline = effectiveDeadline(options.deadlineNanos(), now);
    int priority = options.priority();
    if (deadline <= now) {
      return expiredOnArrival(priority, deadline, now);
    }
    if (count == 0) {
      return isClosing()
          ? reject(closedRejection())
          : CompletableFuture.completedFuture(List.of());
    }
    @SuppressWarnings("unchecked")
    QueuedTask<I, O>[] parts = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[count];
    for (int i = 0; i < count; i++) {
      parts[i] =
          new QueuedTask<>(this, inputs.get(i), priority, options.payloadBytes(), now, deadline);
    }
    RejectedException rejection = enqueue(parts, priority, options.payloadBytes(), deadline, now);
    return rejection == null ? new AllOfFuture<>(parts) : reject(rejection);
  }

  /**
   * Admits {@code parts} all or none, links them into the queue and dispatches what an idle
   * instance can take. Returns null when admitted, else why not (nothing was queued). Whatever the
   * outcome, expiries and termination noticed under the lock are delivered.
   */
  private RejectedException enqueue(
      QueuedTask<I, O>[] parts, int priority, long bytesEach, long deadline, long now) {
    int queuedAfter;
    long bytesAfter;
    Batch<I, O> dispatch;
    RejectedException rejection;
    lock.lock();
    try {
      rejection = admissionFailure(parts.length, bytesEach);
      if (rejection == null) {
        for (QueuedTask<I, O> part : parts) {
          queue.addLast(part);
        }
        expiryTimer.wakeBy(deadline, now);
      }
      queuedAfter = queue.size();
      bytesAfter = queue.bytes();
      dispatch = rejection != null || idle.isEmpty() ? null : formBatches(now);
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    ArrayList<QueuedTask<I, O>> expired = takeExpiredOut();
    boolean terminate = takeTermination();
    lock.unlock();
    if (rejection == null) {
      for (int i = 0; i < parts.length; i++) {
        listener.onEnqueued(priority, queuedAfter, bytesAfter);
      }
    }
    deliver(dispatch, expired, null, terminate, null);
    return rejection;
  }

  private RejectedException validate(SubmitOptions options, int count) {
    if (options.priority() >= policy.priorityLevels()) {
      return invalid(
          "priority must be in [0, priorityLevels="
              + policy.priorityLevels()
              + "), got "
              + options.priority());
    }
    if (count > policy.maxQueueSize()) {
      return invalid(
          "request of " + count + " inputs can never fit maxQueueSize=" + policy.maxQueueSize());
    }
    long bytes = options.payloadBytes();
    if (bytes > 0 && count > 0 && bytes > policy.maxQueuedBytes() / count) {
      return invalid(
          "payloadBytes "
              + bytes
              + " x "
              + count
              + " inputs can never fit maxQueuedBytes="
              + policy.maxQueuedBytes());
    }
    return null;
  }

  /** Under the lock: why {@code count} more requests of {@code bytesEach} cannot be queued. */
  private RejectedException admissionFailure(int count, long bytesEach) {
    if (closing) {
      return closedRejection();
    }
    if (unhealthy != null) {
      return new RejectedException(Reason.CLOSED, unhealthy, Duration.ZERO);
    }
    if (queue.size() > policy.maxQueueSize() - count) {
      return new QueueFullException(
          Reason.QUEUE_FULL,
          "queue of batcher '"
              + name
              + "' is full: maxQueueSize="
              + policy.maxQueueSize()
              + " requests queued",
          retryHint());
    }
    if (maxQueuedWorkNanos > 0) {
      long perItem = perItemEstimate();
      // requests already queued plus these, shared by the instances; an empty queue always
      // admits (a request alone over the bound could otherwise never succeed)
      if (perItem > 0
          && !queue.isEmpty()
          && (double) (queue.size() + count) * perItem / slots.length > maxQueuedWorkNanos) {
        return new QueueFullException(
            Reason.QUEUE_FULL,
            "queued work of batcher '"
                + name
                + "' would exceed maxQueuedWork="
                + policy.maxQueuedWork().toMillis()
                + " ms ("
                + queue.size()
                + " requests queued, about "
                + perItem / 1000
                + " us each)",
            retryHint());
      }
    }
    if (queue.bytes() > policy.maxQueuedBytes() - bytesEach * count) {
      return new QueueFullException(
          Reason.BYTES_EXHAUSTED,
          "byte budget of batcher '"
              + name
              + "' exhausted: maxQueuedBytes="
              + policy.maxQueuedBytes()
              + ", queued "
              + queue.bytes()
              + ", requested "
              + bytesEach * count,
          retryHint());
    }
    return null;
  }

  /** Under the lock: estimated time to drain the queue, or the max queue delay if unmeasured. */
  private Duration retryHint() {
    long perItem = perItemEstimate();
    if (perItem == 0) {
      return policy.maxQueueDelay();
    }
    long drainNanos = (long) ((double) queue.size() * perItem / slots.length);
    return Duration.ofNanos(Math.max(drainNanos, policy.maxQueueDelay().toNanos()));
  }

  /** Under the lock: mean measured run time per item over the measured instances, or 0. */
  private long perItemEstimate() {
    long perItemSum = 0;
    int measured = 0;
    for (Slot<I, O> s : slots) {
      if (s.estimator.hasSamples()) {
        perItemSum += s.estimator.perItemNanos();
        measured++;
      }
    }
    return measured == 0 ? 0 : perItemSum / measured;
  }

  private BatcherClosedException closedRejection() {
    return new BatcherClosedException("batcher '" + name + "' is closed");
  }

  private static RejectedException invalid(String message) {
    return new RejectedException(Reason.INVALID, message, Duration.ZERO);
  }

  private <T> CompletableFuture<T> reject(RejectedException e) {
    listener.onRejected(e.reason());
    return CompletableFuture.failedFuture(e);
  }

  private <T> CompletableFuture<T> expiredOnArrival(int priority, long deadline, long now) {
    listener.onExpired(priority);
    return CompletableFuture.failedFuture(
        new DeadlineExpiredException(
            "deadline already passed on submit, by " + (now - deadline) + " ns"));
  }

  private long effectiveDeadline(long requested, long now) {
    if (requested != SubmitOptions.NO_DEADLINE || defaultTimeoutNanos == 0) {
      return requested;
    }
    return FormationRule.saturatedAdd(now, defaultTimeoutNanos);
  }

  // ------------------------------------------------------------------------------------------
  // Batch formation (under the lock)

  /**
   * Forms batches for idle slots while the formation rule says so; arms the delay timer when it
   * says wait. Prunes expired and already-completed tasks it meets. Returns a chain or null.
   */
  private Batch<I, O> formBatches(long now) {
    Batch<I, O> first = null;
    Batch<I, O> last = null;
    while (!idle.isEmpty() && !queue.isEmpty()) {
      Slot<I, O> slot = idle.peekFirst();
      int cap = slot.cap();
      int candidates = 0;
      long oldest = Long.MAX_VALUE;
      long earliest = Long.MAX_VALUE;
      for (int level = 0; level < queue.levels() && candidates < cap; level++) {
        QueuedTask<I, O> t = queue.head(level);
        while (t != null && candidates < cap) {
          QueuedTask<I, O> next = t.next;
          if (t.isDone()) {
            queue.remove(t);
          } else if (t.deadlineNanos <= now) {
            queue.remove(t);
            addExpired(t);
          } else {
            candidates++;
            oldest = Math.min(oldest, t.enqueueNanos);
            earliest = Math.min(earliest, t.deadlineNanos);
          }
          t = next;
        }
      }
      if (candidates == 0) {
        break;
      }
      FormationRule.decide(
          candidates,
          cap,
          preferred,
          slot.delayNanos(),
          closing,
          now,
          oldest,
          earliest,
          slot.estimator.batchNanos(),
          decision);
      if (!decision.dispatch()) {
        formationTimer.wakeBy(decision.wakeAtNanos, now);
        break;
      }
      idle.pollFirst();
      Batch<I, O> batch = take(slot, decision.size, decision.reason, now);
      if (last == null) {
        first = batch;
      } else {
        last.next = batch;
      }
      last = batch;
    }
    return first;
  }

  private Batch<I, O> take(Slot<I, O> slot, int size, CloseReason reason, long now) {
    @SuppressWarnings("unchecked")
    QueuedTask<I, O>[] tasks = (QueuedTask<I, O>[]) new QueuedTask<?, ?>[size];
    long[] waits = new long[size];
    for (int i = 0; i < size; i++) {
      QueuedTask<I, O> t = queue.pollFirst();
      t.markFormed(now);
      tasks[i] = t;
      waits[i] = t.queueWaitNanos();
    }
    Batch<I, O> batch =
        new Batch<>(
            this, slot, tasks, waits, reason, tasks[0].priority, queue.size(), queue.bytes());
    slot.current = batch;
    return batch;
  }

  private void addExpired(QueuedTask<I, O> t) {
    if (expiredOut == null) {
      expiredOut = new ArrayList<>();
    }
    expiredOut.add(t);
  }

  private ArrayList<QueuedTask<I, O>> takeExpiredOut() {
    ArrayList<QueuedTask<I, O>> out = expiredOut;
    expiredOut = null;
    return out;
  }

  private ArrayList<QueuedTask<I, O>> takeClosedOut() {
    ArrayList<QueuedTask<I, O>> out = closedOut;
    closedOut = null;
    return out;
  }

  /** Under the lock: true exactly once, when closing and nothing is queued or running. */
  private boolean takeTermination() {
    if (!closing || terminated || !queue.isEmpty() || idle.size() != activeSlots) {
      return false;
    }
    terminated = true;
    formationTimer.cancel();
    expiryTimer.cancel();
    if (graceTimer != null) {
      graceTimer.cancel();
      graceTimer = null;
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Timers

  /**
   * A re-armable one-shot timer whose fields are guarded by the lock. When it fires (and is still
   * the current arming), it optionally expires overdue requests, then forms what idle slots can
   * take. A generation number makes a stale firing (cancelled or re-armed meanwhile) a no-op.
   */
  private final class Wakeup {
    private final boolean expires;
    private TimerScheduler.Cancellable handle;
    private long atNanos = Long.MAX_VALUE;
    private long generation;

    Wakeup(boolean expires) {
      this.expires = expires;
    }

    /** Under the lock: makes sure it fires by {@code wakeAtNanos} (an earlier arming stays). */
    void wakeBy(long wakeAtNanos, long now) {
      if (wakeAtNanos >= atNanos) {
        return; // an earlier wake-up is pending; it re-evaluates
      }
      cancel();
      final long gen = ++generation;
      atNanos = wakeAtNanos;
      handle = scheduler.schedule(() -> fire(gen), wakeAtNanos - now);
    }

    /** Under the lock. */
    void cancel() {
      if (handle != null) {
        handle.cancel();
        handle = null;
      }
      atNanos = Long.MAX_VALUE;
    }

    private void fire(long gen) {
      Batch<I, O> dispatch;
      lock.lock();
      try {
        if (gen != generation || terminated) {
          lock.unlock();
          return;
        }
        handle = null;
        atNanos = Long.MAX_VALUE;
        long now = ticker.nanoTime();
        if (expires) {
          expireQueued(now);
        }
        dispatch = formBatches(now);
      } catch (Throwable t) {
        lock.unlock();
        throw t;
      }
      unlockAndDeliver(dispatch, null);
    }
  }

  /** Under the lock: unlinks every request whose deadline passed, re-arms for the next deadline. */
  private void expireQueued(long now) {
    long next = Long.MAX_VALUE;
    for (int level = 0; level < queue.levels(); level++) {
      QueuedTask<I, O> t = queue.head(level);
      while (t != null) {
        QueuedTask<I, O> n = t.next;
        if (t.deadlineNanos <= now) {
          queue.remove(t);
          if (!t.isDone()) {
            addExpired(t);
          }
        } else {
          next = Math.min(next, t.deadlineNanos);
        }
        t = n;
      }
    }
    expiryTimer.wakeBy(next, now);
  }

  // ------------------------------------------------------------------------------------------
  // Cancellation

  /**
   * Decides a cancellation under the lock, before the future is marked cancelled: a task still
   * queued is unlinked here, so formation (which scans and takes under the same lock) can never put
   * it in a batch afterwards. Returns true if it was queued (and now is not).
   */
  // the lock is released on both paths by hand: before termination callbacks run, never under it
  @SuppressWarnings("LockNotBeforeTry")
  boolean unqueueForCancel(QueuedTask<I, O> task) {
    lock.lock();
    boolean removed;
    try {
      removed = queue.remove(task);
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    boolean terminate = takeTermination();
    lock.unlock();
    if (terminate) {
      terminate();
    }
    return removed;
  }

  void onCancelled(QueuedTask<I, O> task) {
    listener.onCancelled(task.priority);
  }

  // ------------------------------------------------------------------------------------------
  // Running batches

  /** Runs {@code batch}, then every batch formed for the same slot right after, on this thread. */
  void runBatches(Batch<I, O> batch) {
    Batch<I, O> current = batch;
    while (current != null) {
      current = runOne(current);
    }
  }

  private Batch<I, O> runOne(Batch<I, O> batch) {
    Slot<I, O> slot = batch.slot;
    long start = ticker.nanoTime();
    TimerScheduler.Cancellable guard =
        watchdogNanos > 0 ? scheduler.schedule(() -> onWatchdog(batch), watchdogNanos) : null;
    Throwable failure = null;
    try {
      slot.runner.run(batch);
    } catch (Throwable t) {
      failure = t;
    }
    if (guard != null) {
      guard.cancel();
    }
    long end = ticker.nanoTime();
    settleLater(batch, failure);
    listener.onBatchCompleted(slot.instance, batch.size(), end - start, failure);
    Batch<I, O> dispatch;
    boolean retired;
    lock.lock();
    try {
      retired = slot.retired;
      slot.current = null;
      if (!retired) {
        slot.recordBatch(batch.size(), end - start);
        release(slot);
      }
      dispatch = retired ? null : formBatches(end);
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    if (retired) {
      unlockAndDeliver(null, null);
      wedgedRunReturned(slot);
      lock.lock();
      try {
        retiredRunning--;
        retiredReturned.signalAll();
      } finally {
        lock.unlock();
      }
      return null;
    }
    return unlockAndDeliver(dispatch, slot);
  }

  // ------------------------------------------------------------------------------------------
  // Watchdog: a run past the limit is terminated, answered, and its slot replaced

  @SuppressWarnings("ReferenceEquality") // identity: is this batch still the one the slot runs
  private void onWatchdog(Batch<I, O> batch) {
    Slot<I, O> slot = batch.slot;
    lock.lock();
    boolean replace;
    try {
      if (slot.current != batch || slot.retired || terminated) {
        lock.unlock();
        return;
      }
      retire(slot);
      replace = !closing;
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    unlockAndDeliver(null, null);
    abandon(
        slot,
        batch,
        new WatchdogTimeoutException(
            "batch of "
                + batch.size()
                + " ran longer than the watchdog limit of "
                + TimeUnit.NANOSECONDS.toMillis(watchdogNanos)
                + " ms on instance "
                + slot.instance
                + " of '"
                + name
                + "'; run terminated"
                + (replace ? ", instance replaced" : "")));
    listener.onWatchdogTimeout(slot.instance, replace);
    if (replace) {
      replace(slot);
    }
  }

  /** Under the lock: takes a busy slot off the books; termination no longer waits for it. */
  private void retire(Slot<I, O> slot) {
    slot.retired = true;
    activeSlots--;
    retiredRunning++;
  }

  /**
   * Waits up to {@code timeout} for the runs of retired slots (terminated by the watchdog or
   * abandoned at close) to return; true if none is left. A process should not exit while a native
   * run is still returning.
   */
  public boolean awaitRetiredRuns(Duration timeout) throws InterruptedException {
    long left = saturatedNanos(timeout);
    lock.lock();
    try {
      while (retiredRunning > 0) {
        if (left <= 0) {
          return false;
        }
        left = retiredReturned.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Outside the lock: stops a retired slot's run and answers its batch with {@code why}. */
  private void abandon(Slot<I, O> slot, Batch<I, O> batch, RuntimeException why) {
    batch.settle(why); // answered first: the terminated run's own failure must not win
    try {
      slot.runner.terminate();
    } catch (RuntimeException e) {
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }
  }

  /** A fresh runner in place of a wedged slot; without one, the batcher may have none left. */
  private void replace(Slot<I, O> old) {
    growOwnPool(1);
    InstanceRunner<I, O> fresh = null;
    Exception failure = null;
    try {
      fresh = runnerFactory.create(old.instance);
    } catch (Exception e) {
      failure = e;
    }
    Batch<I, O> dispatch = null;
    boolean installed = false;
    lock.lock();
    try {
      if (fresh != null && !terminated) {
        Slot<I, O> slot = new Slot<>(old.instance, fresh, policy, old.position);
        slot.estimator.copyFrom(old.estimator);
        slots[old.position] = slot;
        activeSlots++;
        idle.addFirst(slot);
        installed = true;
        dispatch = formBatches(ticker.nanoTime());
      } else if (activeSlots == 0 && !closing) {
        unhealthy =
            "model '"
                + name
                + "' has no healthy instance: every instance is wedged in a run"
                + (failure == null ? "" : " and a replacement failed: " + failure.getMessage());
        failAllQueued();
      }
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    String why = installed ? null : unhealthy;
    unlockAndDeliver(dispatch, null);
    if (why != null) {
      try {
        onNoHealthyInstance.accept(why);
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
    if (fresh != null && !installed) {
      closeQuietly(fresh, new IllegalStateException("discarded"));
    }
  }

  /** The run of a retired slot returned at last: release its runner and its thread. */
  private void wedgedRunReturned(Slot<I, O> slot) {
    try {
      slot.runner.close();
    } catch (Exception e) {
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }
    listener.onWedgedRunReturned(slot.instance);
    growOwnPool(-1);
  }

  /** An own worker pool gets a thread for a replacement while the wedged one is stuck. */
  private void growOwnPool(int delta) {
    if (ownExecutor instanceof ThreadPoolExecutor pool && !pool.isShutdown()) {
      synchronized (pool) {
        int size = Math.max(1, pool.getMaximumPoolSize() + delta);
        if (delta > 0) {
          pool.setMaximumPoolSize(size);
          pool.setCorePoolSize(size);
        } else {
          pool.setCorePoolSize(size);
          pool.setMaximumPoolSize(size);
        }
      }
    }
  }

  /**
   * Answers the batches still running with {@code why} and stops waiting for them: each run is
   * asked to terminate and its slot retired, so a closing batcher terminates even if a run never
   * returns. For a bounded close after the drain timed out.
   */
  public void abandonRunning(String why) {
    List<Batch<I, O>> busy = new ArrayList<>();
    lock.lock();
    try {
      for (Slot<I, O> s : slots) {
        if (s.current != null && !s.retired) {
          retire(s);
          busy.add(s.current);
        }
      }
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    unlockAndDeliver(null, null);
    for (Batch<I, O> b : busy) {
      abandon(b.slot, b, new BatcherClosedException(why));
    }
  }

  /** Instances able to take batches (not wedged); 0 means the model cannot serve. */
  public int healthyInstances() {
    return underLock(() -> unhealthy == null ? activeSlots : 0);
  }

  /** Why the batcher cannot serve (every instance wedged), or null while it can. */
  public String unhealthyReason() {
    return underLock(() -> unhealthy);
  }

  /**
   * Hands the batch's outcomes to the completion executor (one hand-off per batch), so completion
   * callbacks neither count as run time nor delay the slot's next batch; inline if it refuses.
   */
  private void settleLater(Batch<I, O> batch, Throwable failure) {
    unsettled.incrementAndGet();
    Runnable settle =
        () -> {
          try {
            batch.settle(failure);
          } finally {
            settled();
          }
        };
    try {
      completionExecutor.execute(settle);
    } catch (RejectedExecutionException e) {
      settle.run();
    }
  }

  /** One batch delivered (or the batcher terminated): the last one finishes closing. */
  private void settled() {
    if (unsettled.decrementAndGet() == 0) {
      closeFuture.complete(null);
    }
  }

  /** Under the lock: marks a slot idle; it is offered the next batch first (warm, and inline). */
  private void release(Slot<I, O> slot) {
    idle.addFirst(slot);
  }

  /**
   * Called holding the lock: collects what must be delivered, releases the lock and delivers.
   * Returns the batch formed for {@code self} (to run inline), if any.
   */
  private Batch<I, O> unlockAndDeliver(Batch<I, O> dispatch, Slot<I, O> self) {
    ArrayList<QueuedTask<I, O>> expired = takeExpiredOut();
    ArrayList<QueuedTask<I, O>> closed = takeClosedOut();
    boolean terminate = takeTermination();
    lock.unlock();
    return deliver(dispatch, expired, closed, terminate, self);
  }

  /**
   * Outside the lock: fails expired and closed-out tasks, reports and dispatches formed batches,
   * and finishes termination. Returns the batch formed for {@code self} (to run inline), if any.
   */
  private Batch<I, O> deliver(
      Batch<I, O> dispatch,
      ArrayList<QueuedTask<I, O>> expired,
      ArrayList<QueuedTask<I, O>> closed,
      boolean terminate,
      Slot<I, O> self) {
    if (expired != null) {
      for (QueuedTask<I, O> t : expired) {
        if (t.fail(
            new DeadlineExpiredException(
                "deadline passed while queued in batcher '" + name + "'"))) {
          listener.onExpired(t.priority);
        }
      }
    }
    if (closed != null) {
      String why = unhealthy;
      RejectedException error =
          why != null
              ? new RejectedException(Reason.CLOSED, why, Duration.ZERO)
              : new BatcherClosedException(
                  "batcher '" + name + "' closed before the request ran (grace period over)");
      for (QueuedTask<I, O> t : closed) {
        t.fail(error);
      }
    }
    Batch<I, O> mine = null;
    Batch<I, O> b = dispatch;
    while (b != null) {
      Batch<I, O> next = b.next;
      b.next = null;
      listener.onBatchFormed(b.slot.instance, b.size(), b.reason, b.queueWaitNanos);
      listener.onQueueDepth(b.topPriority, b.queuedAfter, b.bytesAfter);
      if (mine == null && b.slot == self) {
        mine = b;
      } else {
        execute(b);
      }
      b = next;
    }
    if (terminate) {
      terminate();
    }
    return mine;
  }

  private void execute(Batch<I, O> batch) {
    try {
      executor.execute(batch);
    } catch (RejectedExecutionException e) {
      // the worker pool refuses work only once it is shutting down: the batcher is closing, and
      // the requests are answered as such (retryable elsewhere), never as an internal error
      BatcherClosedException closing =
          new BatcherClosedException("batcher '" + name + "' is closing; the batch was not run");
      for (QueuedTask<I, O> t : batch.tasks) {
        t.fail(closing);
      }
      lock.lock();
      try {
        release(batch.slot);
      } catch (Throwable t) {
        lock.unlock();
        throw t;
      }
      unlockAndDeliver(null, null);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Stops intake (new submissions fail with {@link BatcherClosedException}), lets queued work run
   * for up to {@code grace} (batches formed meanwhile report {@link CloseReason#DRAINING}), then
   * fails what is still queued with {@link BatcherClosedException}. The returned future completes
   * when every accepted request has been answered and all running batches have returned.
   * Idempotent: later calls return the same future (their grace is ignored).
   */
  public CompletableFuture<Void> close(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    long graceNanos = saturatedNanos(grace);
    Batch<I, O> dispatch;
    lock.lock();
    try {
      if (closing) {
        lock.unlock();
        return closeFuture;
      }
      closing = true;
      if (graceNanos <= 0) {
        failAllQueued();
      } else {
        graceTimer = scheduler.schedule(this::onGraceTimer, graceNanos);
      }
      dispatch = formBatches(ticker.nanoTime());
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    unlockAndDeliver(dispatch, null);
    return closeFuture;
  }

  /**
   * Closes with zero grace (queued requests fail with {@link BatcherClosedException}) and waits
   * for running batches to return. Must not be called from inside the runner.
   */
  @Override
  public void close() {
    close(Duration.ZERO).join();
  }

  /** True once {@link #close(Duration)} was called. */
  public boolean isClosing() {
    return underLock(() -> closing);
  }

  private void onGraceTimer() {
    lock.lock();
    try {
      graceTimer = null;
      failAllQueued();
    } catch (Throwable t) {
      lock.unlock();
      throw t;
    }
    unlockAndDeliver(null, null);
  }

  private void failAllQueued() {
    QueuedTask<I, O> t;
    while ((t = queue.pollFirst()) != null) {
      if (closedOut == null) {
        closedOut = new ArrayList<>();
      }
      closedOut.add(t);
    }
  }

  /** Every batch has returned: closes the slots' runners; the close future follows delivery. */
  private void terminate() {
    for (Slot<I, O> s : slots) {
      if (s.retired) {
        continue; // its run may still be going: closed when (if) it returns
      }
      try {
        s.runner.close();
      } catch (Exception e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
    settled();
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
    if (ownScheduler != null) {
      ownScheduler.shutdown();
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + counter.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
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
    private final String name;
    private final BatchPolicy policy;
    private final InstanceRunnerFactory<I, O> runnerFactory;
    private List<Instance> instances;
    private Executor completionExecutor = Runnable::run;
    private Ticker ticker = Ticker.system();
    private TimerScheduler scheduler;
    private Executor executor;
    private BatcherListener listener = BatcherListener.NO_OP;
    private Duration watchdog;
    private java.util.function.Consumer<String> onNoHealthyInstance = why -> {};
    private int expectedRunBatchSize;
    private long expectedRunNanos;

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
     * Completes the callers' futures after a batch returns (one task per batch). Default: the worker
     * thread itself, after the run was timed, before the slot is released; a separate executor
     * keeps response work from delaying the slot's next batch.
     */
    public Builder<I, O> completionExecutor(Executor value) {
      this.completionExecutor = Objects.requireNonNull(value, "completionExecutor");
      return this;
    }

    /**
     * Longest a batch may run. Past it the run is asked to {@link InstanceRunner#terminate()},
     * its requests fail with {@link WatchdogTimeoutException}, and the slot gets a fresh runner
     * from the factory (the old one is closed if its run ever returns). Default: no limit.
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
