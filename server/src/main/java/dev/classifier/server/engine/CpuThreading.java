package dev.classifier.server.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.List;

/**
 * How many threads ONNX Runtime uses for one session on the CPU, and whether they spin, chosen from
 * the machine unless the configuration names a thread count.
 *
 * <p>The rule ({@link #choose}):
 *
 * <ul>
 *   <li><b>Intra-op threads</b>: the configured count when it is above 0; otherwise every available
 *       processor up to 3, and all but one from 4 up. ONNX Runtime's own default is the number of
 *       physical cores, which is 1 on a 2-vCPU virtual machine with SMT: half the machine idles
 *       (measured on MobileNetV2: 175 img/s with its default, 235 with 2 threads). Batch inference
 *       of a CNN gains from every core, and the per-request gRPC work (parse, copy, respond) is
 *       small beside it, so small machines give the pool every core; from 4 cores on, one core is
 *       left to Netty, gRPC and the completion threads (and a load generator on the same host), so
 *       that they never queue behind a batch, at a cost of at most a quarter of the compute.
 *   <li><b>Intra-op spinning</b> ({@value #INTRA_OP_SPINNING}): on whenever the pool has workers
 *       (more than one thread) and is not oversubscribed (no more threads than processors), and
 *       always with {@value #FORCE_SPINNING_STOP}, so workers spin only between the operators of a
 *       run and block as soon as it returns: an idle server burns no CPU between requests. Measured
 *       on 2 vCPUs with the load generator on the same cores (docs/BENCHMARKS.md, "CPU ceiling"):
 *       spinning on cut MobileNetV2's p50 at concurrency 1 from 5.6-5.9 ms to 4.5-4.7 ms with the
 *       same throughput at concurrency 16, and changed neither ResNet-50 nor Fashion-MNIST beyond
 *       run-to-run noise. Off for a single thread (no workers) and for an oversubscribed pool,
 *       where a spinning worker would take a core another thread needs.
 *   <li><b>Inter-op</b>: the session runs in sequential execution mode, where ONNX Runtime uses no
 *       inter-op pool; 1 thread and {@value #INTER_OP_SPINNING} off make sure none spins.
 * </ul>
 *
 * @param intraOpThreads threads of the intra-op pool (the calling thread included), at least 1
 * @param intraOpSpinning whether idle intra-op workers spin before blocking
 * @param interOpThreads threads of the inter-op pool, at least 1
 * @param availableProcessors the processors the rule saw
 * @param explicit whether {@link #intraOpThreads} came from the configuration
 */
public record CpuThreading(
    int intraOpThreads,
    boolean intraOpSpinning,
    int interOpThreads,
    int availableProcessors,
    boolean explicit) {

  /** ONNX Runtime session config key: may idle intra-op workers spin ("1") or block ("0"). */
  public static final String INTRA_OP_SPINNING = "session.intra_op.allow_spinning";

  /** ONNX Runtime session config key: may idle inter-op workers spin ("1") or block ("0"). */
  public static final String INTER_OP_SPINNING = "session.inter_op.allow_spinning";

  /** ONNX Runtime session config key: stop spinning as soon as the last concurrent run returns. */
  public static final String FORCE_SPINNING_STOP = "session.force_spinning_stop";

  /** From this many processors on, one is left out of the intra-op pool for gRPC and Netty. */
  static final int RESERVE_ONE_FROM = 4;

  public CpuThreading {
    if (intraOpThreads < 1 || interOpThreads < 1 || availableProcessors < 1) {
      throw new IllegalArgumentException(
          "thread counts and processors must be >= 1, got intra-op "
              + intraOpThreads
              + ", inter-op "
              + interOpThreads
              + ", processors "
              + availableProcessors);
    }
  }

  /**
   * Applies the rule to {@code configuredIntraOp} (0 = choose) on a machine with {@code
   * availableProcessors}.
   */
  public static CpuThreading choose(int configuredIntraOp, int availableProcessors) {
    if (configuredIntraOp < 0) {
      throw new IllegalArgumentException(
          "intra-op threads must be >= 0 (0 = chosen from the machine), got " + configuredIntraOp);
    }
    int cores = Math.max(1, availableProcessors);
    boolean explicit = configuredIntraOp > 0;
    int threads;
    if (explicit) {
      threads = configuredIntraOp;
    } else {
      threads = cores < RESERVE_ONE_FROM ? cores : cores - 1;
    }
    boolean spinning = threads > 1 && threads <= cores;
    return new CpuThreading(threads, spinning, 1, cores, explicit);
  }

  /** The rule for this JVM's {@link Runtime#availableProcessors()}. */
  public static CpuThreading forThisMachine(int configuredIntraOp) {
    return choose(configuredIntraOp, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The same threads with intra-op spinning {@code on} or off (e.g. ONNX Runtime's own default, on,
   * for an in-process baseline that has the machine to itself). A single thread has no workers, so
   * it never spins.
   */
  public CpuThreading withIntraOpSpinning(boolean on) {
    return new CpuThreading(
        intraOpThreads, on && intraOpThreads > 1, interOpThreads, availableProcessors, explicit);
  }

  /**
   * Threads of the narrow sessions when the CPU device adapts its width ({@link WidthArbiter}): the
   * pool split in two, the first half taking the odd thread (2 gives 1 + 1, 7 gives 4 + 3), so two
   * narrow runs side by side use exactly the threads one wide run does. Empty below 2 threads,
   * where there is nothing to split.
   */
  public List<Integer> narrowThreads() {
    if (intraOpThreads < 2) {
      return List.of();
    }
    return List.of((intraOpThreads + 1) / 2, intraOpThreads / 2);
  }

  /** Sets the thread counts and the spinning keys on {@code options}. */
  public void applyTo(OrtSession.SessionOptions options) throws OrtException {
    options.setIntraOpNumThreads(intraOpThreads);
    options.setInterOpNumThreads(interOpThreads);
    options.addConfigEntry(INTRA_OP_SPINNING, intraOpSpinning ? "1" : "0");
    options.addConfigEntry(INTER_OP_SPINNING, "0");
    if (intraOpSpinning) {
      options.addConfigEntry(FORCE_SPINNING_STOP, "1");
    }
  }

  /** For the start-up line, e.g. "intra-op 2 threads (of 2 processors), spinning off". */
  public String describe() {
    return "intra-op "
        + intraOpThreads
        + (intraOpThreads == 1 ? " thread" : " threads")
        + (explicit ? " (configured, " : " (chosen, ")
        + availableProcessors
        + (availableProcessors == 1 ? " processor)" : " processors)")
        + ", spinning "
        + (intraOpSpinning ? "on until each run returns" : "off");
  }
}
