package dev.classifier.batching.bench;

import dev.classifier.batching.BatchPolicy;
import dev.classifier.batching.BatchRunner;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Batcher;
import dev.classifier.batching.SubmitOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batcher alone, with a runner that only completes each task with its input, at max queue delay
 * 0 on one instance (the batcher's own worker and timer threads).
 *
 * <ul>
 *   <li>{@code throughput}: 4 producer threads, each submitting a window of {@value #WINDOW}
 *       requests and then waiting for them; score = requests/s completed.
 *   <li>{@code latency}: one producer, submit then wait; the sample distribution is the added
 *       latency per request (submit to future completion, including the worker hand-off).
 * </ul>
 *
 * Run by hand (tagged {@code bench}, so surefire skips it); see docs/BENCHMARKS.md ("The batcher
 * alone").
 */
@Tag("bench")
@State(Scope.Benchmark)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BatcherBenchmark {
  static final int WINDOW = 64;

  @Param({"8", "32"})
  public int maxBatchSize;

  private Batcher<Integer, Integer> batcher;
  private final SubmitOptions options = SubmitOptions.defaults();

  private static final BatchRunner<Integer, Integer> NO_OP_RUNNER =
      (instance, batch) -> {
        for (int i = 0, n = batch.size(); i < n; i++) {
          BatchTask<Integer, Integer> t = batch.get(i);
          t.complete(t.input());
        }
      };

  @Setup(Level.Trial)
  public void setUp() {
    BatchPolicy policy =
        BatchPolicy.builder()
            .maxBatchSize(maxBatchSize)
            .maxQueueDelay(Duration.ZERO)
            .maxQueueSize(64 * 1024)
            .build();
    batcher = Batcher.builder("bench", policy, NO_OP_RUNNER).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    batcher.close(Duration.ofSeconds(5)).join();
  }

  /** Per-producer reusable window of futures. */
  @State(Scope.Thread)
  public static class Window {
    @SuppressWarnings("unchecked")
    final CompletableFuture<Integer>[] futures =
        (CompletableFuture<Integer>[]) new CompletableFuture<?>[WINDOW];

    final Integer[] inputs = new Integer[WINDOW];

    @Setup
    public void setUp() {
      for (int i = 0; i < WINDOW; i++) {
        inputs[i] = i; // boxed once, outside the measurement
      }
    }
  }

  @Benchmark
  @Threads(4)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(WINDOW)
  public int throughput(Window w) {
    CompletableFuture<Integer>[] futures = w.futures;
    for (int i = 0; i < WINDOW; i++) {
      futures[i] = batcher.submit(w.inputs[i], options);
    }
    int sum = 0;
    for (int i = 0; i < WINDOW; i++) {
      sum += futures[i].join();
    }
    return sum;
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Integer latency(Window w) {
    return batcher.submit(w.inputs[1], options).join();
  }

  /** Convenience entry point: {@code java -cp <test classpath> ...BatcherBenchmark [jmh args]}. */
  public static void main(String[] args) throws Exception {
    String[] jmhArgs = args.length > 0 ? args : new String[] {BatcherBenchmark.class.getName()};
    org.openjdk.jmh.Main.main(jmhArgs);
  }
}
