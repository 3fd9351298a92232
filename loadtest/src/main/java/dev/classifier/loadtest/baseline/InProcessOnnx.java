package dev.classifier.loadtest.baseline;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.classifier.loadtest.measure.LatencySummary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * A model run through ONNX Runtime in this process the way the server's CPU engine runs it (all
 * graph optimisations, sequential execution, the given intra-op threads, CPU provider, direct
 * native-order input buffer, output copied out), minus gRPC and batching. The load tester builds
 * its session here rather than through the server's engine so that it depends on the client library
 * only; keep these session options in step with the server's CPU session. Single-threaded caller;
 * one batch at a time.
 */
public final class InProcessOnnx implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String inputName;
  private final TensorInfo input;

  /**
   * @param intraOpThreads ONNX Runtime intra-op threads (0 = its default); match the server's
   */
  public InProcessOnnx(byte[] onnx, int intraOpThreads) throws OrtException {
    this(onnx, OrtThreading.onnxRuntimeDefault(intraOpThreads));
  }

  /**
   * @param threading the session's CPU threading (the server's rule, or ONNX Runtime's default
   *     spinning for a baseline that has the machine to itself)
   */
  public InProcessOnnx(byte[] onnx, OrtThreading threading) throws OrtException {
    session = createCpuSession(env, onnx, threading);
    Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
    inputName = in.getKey();
    input = (TensorInfo) in.getValue().getInfo();
  }

  private static OrtSession createCpuSession(
      OrtEnvironment env, byte[] onnx, OrtThreading threading) throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      threading.applyTo(so);
      return env.createSession(onnx, so);
    }
  }

  /**
   * What one batch size achieved.
   *
   * @param pass "before" or "after" the load runs (the baseline is measured on both sides of them,
   *     so that a neighbour's load on a shared machine shows up as a difference between the two)
   */
  public record Result(
      int batchSize, double imagesPerSecond, LatencySummary batchLatency, String pass) {
    public Result(int batchSize, double imagesPerSecond, LatencySummary batchLatency) {
      this(batchSize, imagesPerSecond, batchLatency, "before");
    }
  }

  /**
   * Runs batches of {@code batchSize} for {@code warmup}, then measures for {@code duration}.
   *
   * @param pass recorded in the result, see {@link Result#pass()}
   */
  public Result measure(int batchSize, Duration warmup, Duration duration, String pass)
      throws OrtException {
    long[] shape = input.getShape().clone();
    shape[0] = batchSize;
    long elements = 1;
    for (long d : shape) {
      if (d < 1) {
        throw new IllegalStateException("model input has a dynamic dimension besides the batch");
      }
      elements *= d;
    }
    boolean uint8 = input.type == OnnxJavaType.UINT8;
    ByteBuffer buf =
        ByteBuffer.allocateDirect((int) (elements * (uint8 ? 1 : 4)))
            .order(ByteOrder.nativeOrder());
    Random r = new Random(1);
    while (buf.hasRemaining()) {
      if (uint8) {
        buf.put((byte) r.nextInt(256));
      } else {
        buf.putFloat((float) r.nextGaussian());
      }
    }
    buf.flip();
    Histogram h = new Histogram(1_000L, 3_600_000_000_000L, 3);
    long end = System.nanoTime() + warmup.toNanos();
    while (System.nanoTime() < end) {
      runOnce(buf, shape, uint8);
    }
    long images = 0;
    long start = System.nanoTime();
    end = start + duration.toNanos();
    long now = start;
    while (now < end) {
      long t0 = System.nanoTime();
      runOnce(buf, shape, uint8);
      now = System.nanoTime();
      h.recordValue(Math.max(1_000L, now - t0));
      images += batchSize;
    }
    return new Result(batchSize, images / ((now - start) / 1e9), LatencySummary.of(h), pass);
  }

  private void runOnce(ByteBuffer buf, long[] shape, boolean uint8) throws OrtException {
    buf.rewind();
    try (OnnxTensor t =
            uint8
                ? OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.UINT8)
                : OnnxTensor.createTensor(env, buf.asFloatBuffer(), shape);
        OrtSession.Result res = session.run(Map.of(inputName, t))) {
      OnnxValue v = res.get(0);
      FloatBuffer out = ((OnnxTensor) v).getFloatBuffer();
      float[] copy = new float[out.remaining()];
      out.get(copy);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
