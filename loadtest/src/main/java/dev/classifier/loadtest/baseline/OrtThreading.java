package dev.classifier.loadtest.baseline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The CPU threading of an in-process baseline session: intra-op thread count and whether idle
 * intra-op workers spin. The load tester does not depend on the server, so it cannot call the
 * server's {@code CpuThreading}; {@link #serverRule} mirrors that class's rule for an explicit
 * thread count, and {@code OrtThreadingContractTest} checks the two agree.
 *
 * @param intraOpThreads threads of the intra-op pool (0 = ONNX Runtime's default, spinning left to
 *     ONNX Runtime)
 * @param intraOpSpinning whether idle intra-op workers spin before blocking (ignored for 0 threads)
 * @param stopSpinningAfterRun whether spinning workers stop as soon as a run returns ({@value
 *     #FORCE_SPINNING_STOP}, the server's setting), or keep spinning for a while after it as ONNX
 *     Runtime's default does (faster back-to-back runs, a core burnt after the last one)
 */
public record OrtThreading(
    int intraOpThreads, boolean intraOpSpinning, boolean stopSpinningAfterRun) {
  /** ONNX Runtime session config key: may idle intra-op workers spin ("1") or block ("0"). */
  static final String INTRA_OP_SPINNING = "session.intra_op.allow_spinning";

  /** ONNX Runtime session config key: may idle inter-op workers spin ("1") or block ("0"). */
  static final String INTER_OP_SPINNING = "session.inter_op.allow_spinning";

  /** ONNX Runtime session config key: stop spinning as soon as the last concurrent run returns. */
  static final String FORCE_SPINNING_STOP = "session.force_spinning_stop";

  public OrtThreading {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intra-op threads must be >= 0, got " + intraOpThreads);
    }
    intraOpSpinning = intraOpSpinning && intraOpThreads > 1; // one thread has no workers to spin
    stopSpinningAfterRun = stopSpinningAfterRun && intraOpSpinning;
  }

  /** {@code threads} with intra-op spinning as given, stopped after each run when on. */
  public OrtThreading(int intraOpThreads, boolean intraOpSpinning) {
    this(intraOpThreads, intraOpSpinning, true);
  }

  /**
   * ONNX Runtime's own default for {@code threads} (0 = leave threads and spinning entirely to ONNX
   * Runtime): intra-op workers spin, and keep spinning after a run returns (no {@value
   * #FORCE_SPINNING_STOP}). Measured in-process with MobileNetV2 on 2 vCPUs, single-image runs on 2
   * threads are 0.2-0.45 ms faster this way than with the stop the server sets, at the price of
   * about 40 ms of one core spun after every run. The inter-op pool is 1 non-spinning thread, as in
   * the server (sequential execution uses none).
   */
  public static OrtThreading onnxRuntimeDefault(int threads) {
    return new OrtThreading(threads, true, false);
  }

  /**
   * The server's rule for an explicit count of {@code threads} on {@code processors}: spinning
   * (stopped after each run) while the pool has workers and is not oversubscribed.
   */
  public static OrtThreading serverRule(int threads, int processors) {
    if (threads < 1) {
      throw new IllegalArgumentException("the server rule needs threads >= 1, got " + threads);
    }
    return new OrtThreading(threads, threads > 1 && threads <= processors);
  }

  /** Sets the thread count and the spinning keys on {@code options}. */
  void applyTo(OrtSession.SessionOptions options) throws OrtException {
    if (intraOpThreads == 0) {
      return;
    }
    options.setIntraOpNumThreads(intraOpThreads);
    options.setInterOpNumThreads(1);
    options.addConfigEntry(INTRA_OP_SPINNING, intraOpSpinning ? "1" : "0");
    options.addConfigEntry(INTER_OP_SPINNING, "0");
    if (stopSpinningAfterRun) {
      options.addConfigEntry(FORCE_SPINNING_STOP, "1");
    }
  }
}
