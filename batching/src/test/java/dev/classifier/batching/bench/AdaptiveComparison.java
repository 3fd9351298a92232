package dev.classifier.batching.bench;

import dev.classifier.batching.AdaptiveBatching;
import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchRunner;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Batcher;
import dev.classifier.batching.BatcherListener;
import dev.classifier.batching.Instance;
import dev.classifier.batching.SubmitOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;

/**
 * Measured comparison of fixed batching policies against adaptive (AIMD) batching, on a simulated
 * engine whose batch run time is {@code fixed + perItem * n}, spent in real time ({@link
 * LockSupport#parkNanos}) on the batcher's own worker thread (one instance).
 *
 * <p>Open-loop Poisson arrivals at three offered loads (fractions of the engine's asymptotic
 * capacity {@code 1 / perItem}); end-to-end latency is measured from each request's
 * <em>scheduled</em> arrival to the completion of its future, so a late generator does not hide
 * queueing (no coordinated omission). The first {@code warmup} of each run is not recorded (the
 * adaptive cap starts at its minimum and needs time to grow); the batcher keeps running through it.
 * For the first profile a fourth scenario, "step", runs the warm-up at a tenth of capacity and then
 * jumps to the near-saturation load: the adaptive cap enters the burst at the small value a quiet
 * period leaves it at and must climb one step per full batch. The last column is the system's
 * 1-minute load average (the machine is shared).
 *
 * <p>A plain {@code main}, tagged {@code bench} and not named {@code *Test}: surefire never runs
 * it. Command and latest results: {@code docs/ADAPTIVE-BATCHING.md}. Argument {@code --quick}
 * halves the run lengths (for a smoke run; the numbers get noisier).
 */
@Tag("bench")
public final class AdaptiveComparison {
  /** Load levels as fractions of the asymptotic capacity {@code 1 / perItem}. */
  private static final double[] LOADS = {0.2, 0.6, 0.85};

  private static final String[] LOAD_NAMES = {"low", "medium", "near-sat"};

  /** Step scenario: quiet warm-up at this fraction of capacity, then the near-saturation load. */
  private static final double STEP_FROM = 0.1;

  /** Longest wait for stragglers once the arrivals stopped, before the run is cut. */
  private static final Duration DRAIN = Duration.ofSeconds(4);

  /** A simulated model: run time of a batch of n is {@code fixed + perItem * n}. */
  record Profile(
      String name,
      Duration fixed,
      Duration perItem,
      Duration p99Target,
      Duration warmup,
      Duration measured,
      boolean withStep) {
    long runNanos(int n) {
      return fixed.toNanos() + perItem.toNanos() * n;
    }

    double asymptoticCapacityPerSec() {
      return 1e9 / perItem.toNanos();
    }
  }

  /** One batching configuration under test. */
  record Variant(String label, BatchPolicy policy) {}

  /** Outcome of one run (one profile, one variant, one load). */
  record Result(
      int recorded,
      int lost,
      double throughputPerSec,
      double p50Ms,
      double p99Ms,
      double meanBatch,
      int maxBatch) {}

  private AdaptiveComparison() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    double scale = quick ? 0.5 : 1.0;
    List<Profile> profiles =
        List.of(
            new Profile(
                "small CNN on GPU-like engine: 2 ms + 1 ms/image",
                Duration.ofMillis(2),
                Duration.ofMillis(1),
                Duration.ofMillis(50),
                scaled(Duration.ofMillis(1000), scale),
                scaled(Duration.ofMillis(2000), scale),
                true),
            new Profile(
                "ResNet-50-like on CPU: 5 ms + 7 ms/image",
                Duration.ofMillis(5),
                Duration.ofMillis(7),
                Duration.ofMillis(150),
                scaled(Duration.ofMillis(1000), scale),
                scaled(Duration.ofMillis(2500), scale),
                false));
    System.out.printf(
        Locale.ROOT,
        "AdaptiveComparison: %d cores, java %s%s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        quick ? ", --quick" : "");
    long started = System.nanoTime();
    for (Profile profile : profiles) {
      runProfile(profile);
    }
    System.out.printf(Locale.ROOT, "%ntotal %.0f s%n", (System.nanoTime() - started) / 1e9);
  }

  private static Duration scaled(Duration d, double scale) {
    return Duration.ofNanos((long) (d.toNanos() * scale));
  }

  private static List<Variant> variants(Profile profile) {
    Duration delay = Duration.ofMillis(4);
    Duration target = profile.p99Target();
    Duration halfTarget = target.dividedBy(2);
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("fixed max=1", fixed(1, Duration.ZERO)));
    v.add(new Variant("fixed max=8 delay=0", fixed(8, Duration.ZERO)));
    v.add(new Variant("fixed max=8 delay=4ms", fixed(8, delay)));
    v.add(new Variant("fixed max=32 delay=0", fixed(32, Duration.ZERO)));
    v.add(new Variant("fixed max=32 delay=4ms", fixed(32, delay)));
    v.add(
        new Variant(
            "adaptive target=" + target.toMillis() + "ms", adaptive(target, 1, Duration.ZERO)));
    v.add(
        new Variant(
            "adaptive target=" + halfTarget.toMillis() + "ms",
            adaptive(halfTarget, 1, Duration.ZERO)));
    v.add(
        new Variant(
            "adaptive target=" + halfTarget.toMillis() + "ms min=8",
            adaptive(halfTarget, 8, Duration.ZERO)));
    return v;
  }

  private static BatchPolicy fixed(int maxBatchSize, Duration delay) {
    return BatchPolicy.builder()
        .maxBatchSize(maxBatchSize)
        .maxQueueDelay(delay)
        .maxQueueSize(8192)
        .build();
  }

  private static BatchPolicy adaptive(Duration target, int minBatchSize, Duration delay) {
    return BatchPolicy.builder()
        .maxBatchSize(64)
        .maxQueueDelay(delay)
        .maxQueueSize(8192)
        .adaptive(AdaptiveBatching.aimd(target, minBatchSize, 64))
        .build();
  }

  private static void runProfile(Profile profile) throws InterruptedException {
    double capacity = profile.asymptoticCapacityPerSec();
    System.out.printf(
        Locale.ROOT,
        "%n## %s; p99 target %d ms; asymptotic capacity %.0f/s; warm-up %d ms, measured %d ms%n",
        profile.name(),
        profile.p99Target().toMillis(),
        capacity,
        profile.warmup().toMillis(),
        profile.measured().toMillis());
    System.out.println(
        "| load | offered/s | policy | n | lost | throughput/s | p50 ms | p99 ms | target met |"
            + " mean batch | max batch | load avg |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int l = 0; l <= LOADS.length; l++) {
      boolean step = l == LOADS.length;
      if (step && !profile.withStep()) {
        break;
      }
      double rate = (step ? LOADS[LOADS.length - 1] : LOADS[l]) * capacity;
      double warmRate = step ? STEP_FROM * capacity : rate;
      String loadName =
          step ? String.format(Locale.ROOT, "step %.0f→%.0f/s", warmRate, rate) : LOAD_NAMES[l];
      for (Variant variant : variants(profile)) {
        Result r = runOnce(profile, variant.policy(), warmRate, rate, 42L + l);
        boolean met = r.lost() == 0 && r.p99Ms() <= profile.p99Target().toMillis();
        System.out.printf(
            Locale.ROOT,
            "| %s | %.0f | %s | %d | %d | %.0f | %.1f | %.1f | %s | %.1f | %d | %.1f |%n",
            loadName,
            rate,
            variant.label(),
            r.recorded(),
            r.lost(),
            r.throughputPerSec(),
            r.p50Ms(),
            r.p99Ms(),
            met ? "yes" : "**no**",
            r.meanBatch(),
            r.maxBatch(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
    }
  }

  /**
   * One open-loop run: arrivals at {@code warmRatePerSec} during the warm-up, then at {@code
   * ratePerSec}; latency percentiles over the requests scheduled after the warm-up.
   */
  static Result runOnce(
      Profile profile, BatchPolicy policy, double warmRatePerSec, double ratePerSec, long seed)
      throws InterruptedException {
    AtomicLong batches = new AtomicLong();
    AtomicLong items = new AtomicLong();
    AtomicLong maxBatch = new AtomicLong();
    BatcherListener listener =
        new BatcherListener() {
          @Override
          public void onBatchFormed(
              Instance instance, int batchSize, CloseReason reason, long[] queueWaitNanos) {
            batches.incrementAndGet();
            items.addAndGet(batchSize);
            maxBatch.accumulateAndGet(batchSize, Math::max);
          }
        };
    BatchRunner<Long, Long> engine =
        (instance, batch) -> {
          long until = System.nanoTime() + profile.runNanos(batch.size());
          for (long left; (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
          }
          for (BatchTask<Long, Long> t : batch) {
            t.complete(t.input());
          }
        };
    long warmupNanos = profile.warmup().toNanos();
    long endNanos = warmupNanos + profile.measured().toNanos();
    // Arrival offsets (from the run's start) are drawn up front: the generator only sleeps and
    // submits.
    SplittableRandom random = new SplittableRandom(seed);
    long[] warm = poissonOffsets(random, warmRatePerSec, 0, warmupNanos);
    long[] rest = poissonOffsets(random, ratePerSec, warmupNanos, endNanos);
    long[] offsets = Arrays.copyOf(warm, warm.length + rest.length);
    System.arraycopy(rest, 0, offsets, warm.length, rest.length);
    int n = offsets.length;
    AtomicLongArray latency = new AtomicLongArray(n);
    CountDownLatch answered = new CountDownLatch(n);
    try (Batcher<Long, Long> batcher =
        Batcher.builder("bench", policy, engine).listener(listener).build()) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long scheduled = start + offsets[i];
        for (long wait; (wait = scheduled - System.nanoTime()) > 0; ) {
          LockSupport.parkNanos(wait);
        }
        int index = i;
        latency.set(index, -1);
        batcher
            .submit((long) i, SubmitOptions.defaults())
            .whenComplete(
                (out, error) -> {
                  if (error == null) {
                    latency.set(index, System.nanoTime() - scheduled);
                  }
                  answered.countDown();
                });
      }
      answered.await(DRAIN.toNanos(), TimeUnit.NANOSECONDS);
      // close() fails whatever is still queued after the drain; those count as lost below
    }
    answered.await(DRAIN.toNanos(), TimeUnit.NANOSECONDS);
    long[] sample = new long[n];
    int recorded = 0;
    int lost = 0;
    int servedInWindow = 0;
    for (int i = 0; i < n; i++) {
      long v = latency.get(i);
      long done = offsets[i] + v;
      if (v >= 0 && done >= warmupNanos && done < endNanos) {
        servedInWindow++;
      }
      if (offsets[i] < warmupNanos) {
        continue;
      }
      if (v < 0) {
        lost++;
      } else {
        sample[recorded++] = v;
      }
    }
    Arrays.sort(sample, 0, recorded);
    // Throughput: requests completed (whenever submitted) during the measured window, per second.
    // Below capacity this is the offered load; in overload it is what the engine sustains.
    double windowSec = (endNanos - warmupNanos) / 1e9;
    return new Result(
        recorded,
        lost,
        servedInWindow / windowSec,
        percentileMs(sample, recorded, 0.50),
        lost > 0 ? Double.POSITIVE_INFINITY : percentileMs(sample, recorded, 0.99),
        batches.get() == 0 ? 0 : (double) items.get() / batches.get(),
        (int) maxBatch.get());
  }

  /** Poisson arrival times in {@code [fromNanos, endNanos)}. */
  private static long[] poissonOffsets(
      SplittableRandom random, double ratePerSec, long fromNanos, long endNanos) {
    long[] out = new long[(int) (ratePerSec * (endNanos - fromNanos) / 1e9) + 64];
    int n = 0;
    long t = fromNanos;
    while (true) {
      t += (long) (-Math.log(1.0 - random.nextDouble()) / ratePerSec * 1e9);
      if (t >= endNanos) {
        return Arrays.copyOf(out, n);
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = t;
    }
  }

  private static double percentileMs(long[] sorted, int count, double q) {
    if (count == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(q * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, idx))] / 1e6;
  }
}
