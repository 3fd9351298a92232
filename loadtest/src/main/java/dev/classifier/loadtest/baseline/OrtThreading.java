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
 */
public record OrtThreading(int intraOpThreads, boolean intraOpSpinning) {
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
  }

  /**
   * Spinning on, as ONNX Runtime's default is, for {@code threads} (0 = leave threads and spinning
   * entirely to ONNX Runtime). With a count above 1 the session also stops spinning after each run
   * ({@value #FORCE_SPINNING_STOP}) and has 1 non-spinning inter-op thread, as the server's
   * sessions do, so the sweep's two modes differ in intra-op spinning only.
   */
  public static OrtThreading onnxRuntimeDefault(int threads) {
    return new OrtThreading(threads, true);
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
    if (intraOpSpinning) {
      options.addConfigEntry(FORCE_SPINNING_STOP, "1");
    }
  }
}
