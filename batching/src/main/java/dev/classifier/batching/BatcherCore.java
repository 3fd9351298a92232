package dev.classifier.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state of one {@link Batcher} and the wiring of its parts. The public {@link Batcher} is a
 * facade over this; the behaviour lives in the parts, each in its own class:
 *
 * <ul>
 *   <li>{@link Intake}: submit, submitAll and cancel (the caller's side);
 *   <li>{@link Admission}: whether a request may be queued at all, and the retry hint;
 *   <li>{@link Formation}: batch formation and expiry of queued requests (under the lock);
 *   <li>{@link Wakeup}: the formation and expiry timers;
 *   <li>{@link Delivery}: everything done after the lock is released (failing expired and closed
 *       requests, dispatching formed batches, settling outcomes);
 *   <li>{@link RunLoop}: running a batch and the slot's next ones on the worker thread;
 *   <li>{@link Retirement}: the watchdog, retiring wedged slots and replacing their runners;
 *   <li>{@link Shutdown}: close with grace, termination and the close future.
 * </ul>
 *
 * <p><b>Contract.</b> Owns the configuration (immutable after construction), the one {@link #lock}
 * and <i>every</i> field it guards (the section below it), so the lock's scope is visible in one
 * place. The parts hold no mutable state of their own except where they say so ({@link Wakeup}'s
 * arming, {@link Shutdown}'s settle count). Invariants, under the lock: a slot is either in {@link
 * #idle} or has a {@code current} batch or is retired; {@link #activeSlots} counts the slots not
 * retired; {@link #retiredRunning} counts retired slots whose run has not returned; once {@link
 * #terminated} nothing is queued, formed or scheduled again. The lock is held only to link, unlink
 * and decide: futures are completed, runners and the listener called outside it (the pattern is:
 * lock, decide, then {@link Delivery#unlockAndDeliver}).
 *
 * <p>Construction passes {@code this} to the parts before the constructor returns; they only store
 * it and use it after the batcher is published.
 */
final class BatcherCore<I, O> {
  /** How long an idle own worker thread polls before blocking (see {@link SpinningWorkQueue}). */
  private static final long OWN_WORKER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  // ---- configuration, immutable ----
  final String name;
  final BatchPolicy policy;
  final InstanceRunnerFactory<I, O> runnerFactory;
  final Executor completionExecutor;
  final Ticker ticker;
  final TimerScheduler scheduler;
  final Executor executor;
  final BatcherListener listener;
  final List<Instance> instances;

  /** The worker pool the batcher created (no executor given), else null; resized by retirement. */
  final ExecutorService ownExecutor;

  final ScheduledExecutorService ownScheduler;
  final int[] preferred;
  final long defaultTimeoutNanos;
  final long watchdogNanos;
  final Consumer<String> onNoHealthyInstance;
  final long maxQueuedWorkNanos;

  // ---- the parts ----
  final Intake<I, O> intake;
  final Admission<I, O> admission;
  final Formation<I, O> formation;
  final Delivery<I, O> delivery;
  final RunLoop<I, O> runLoop;
  final Retirement<I, O> retirement;
  final Shutdown<I, O> shutdown;

  final ReentrantLock lock = new ReentrantLock();
  // ---- guarded by lock ----
  final TaskQueue<I, O> queue;
  final Slot<I, O>[] slots;
  final ArrayDeque<Slot<I, O>> idle;
  final FormationRule.Decision decision = new FormationRule.Decision();

  /** Re-runs formation when the max queue delay or a deadline-driven close is due. */
  final Wakeup<I, O> formationTimer;

  /** Fails queued requests whose deadline passed, armed for the earliest queued deadline. */
  final Wakeup<I, O> expiryTimer;

  TimerScheduler.Cancellable graceTimer;
  boolean closing;
  boolean terminated;

  /** Slots not retired; termination waits for these to be idle. */
  int activeSlots;

  /** Retired slots whose run has not returned yet. */
  int retiredRunning;

  final Condition retiredReturned = lock.newCondition();

  /**
   * Why no instance can serve (all wedged and not replaced); null while one can. Also read bare.
   */
  volatile String unhealthy;

  /** Requests found expired under the lock, failed by {@link Delivery} once it is released. */
  ArrayList<QueuedTask<I, O>> expiredOut;

  /** Requests failed by close or by losing every instance, failed by {@link Delivery}. */
  ArrayList<QueuedTask<I, O>> closedOut;

  BatcherCore(Batcher.Builder<I, O> b) {
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
    this.intake = new Intake<>(this);
    this.admission = new Admission<>(this);
    this.formation = new Formation<>(this);
    this.delivery = new Delivery<>(this);
    this.runLoop = new RunLoop<>(this);
    this.retirement = new Retirement<>(this);
    this.shutdown = new Shutdown<>(this);
    this.formationTimer = new Wakeup<>(this, false);
    this.expiryTimer = new Wakeup<>(this, true);
  }

  /** One slot per instance, each with a runner of its own; on failure, closes those created. */
  private static <I, O> Slot<I, O>[] createSlots(
      List<Instance> instances, InstanceRunnerFactory<I, O> factory, BatchPolicy policy) {
    @SuppressWarnings("unchecked")
    Slot<I, O>[] out = (Slot<I, O>[]) new Slot<?, ?>[instances.size()];
    for (int i = 0; i < out.length; i++) {
      InstanceRunner<I, O> r;
      try {
        r =
            Objects.requireNonNull(
                factory.create(instances.get(i)), "runner factory returned null");
      } catch (Exception e) {
        for (int j = 0; j < i; j++) {
          closeQuietly(out[j].runner, e);
        }
        throw new IllegalStateException(
            "creating the runner of instance " + instances.get(i) + " failed: " + e.getMessage(),
            e);
      }
      out[i] = new Slot<>(instances.get(i), r, policy, i);
    }
    return out;
  }

  /** Reads batcher state consistently (for observers: gauges, tests). */
  <T> T underLock(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: marks a slot idle; it is offered the next batch first (warm, and inline). */
  void release(Slot<I, O> slot) {
    idle.addFirst(slot);
  }

  /** Under the lock: a request found expired, to be failed once the lock is released. */
  void addExpired(QueuedTask<I, O> t) {
    if (expiredOut == null) {
      expiredOut = new ArrayList<>();
    }
    expiredOut.add(t);
  }

  /** Under the lock: empties the queue into the closed-out list (failed after the lock). */
  void failAllQueued() {
    QueuedTask<I, O> t;
    while ((t = queue.pollFirst()) != null) {
      if (closedOut == null) {
        closedOut = new ArrayList<>();
      }
      closedOut.add(t);
    }
  }

  ArrayList<QueuedTask<I, O>> takeExpiredOut() {
    ArrayList<QueuedTask<I, O>> out = expiredOut;
    expiredOut = null;
    return out;
  }

  ArrayList<QueuedTask<I, O>> takeClosedOut() {
    ArrayList<QueuedTask<I, O>> out = closedOut;
    closedOut = null;
    return out;
  }

  static void closeQuietly(InstanceRunner<?, ?> r, Throwable into) {
    try {
      r.close();
    } catch (Exception e) {
      into.addSuppressed(e);
    }
  }

  /** A runner's or hook's failure that has no caller to go to: the thread's uncaught handler. */
  static void reportUncaught(Exception e) {
    Thread t = Thread.currentThread();
    t.getUncaughtExceptionHandler().uncaughtException(t, e);
  }

  static long saturatedNanos(java.time.Duration d) {
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
}
