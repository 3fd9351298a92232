package dev.classifier.server.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Instance;
import dev.classifier.batching.InstanceRunner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One model instance on one device, owned by exactly one batcher slot: its reused direct input
 * buffer, its lease on the device's session and its own {@link OrtSession.RunOptions} (so the
 * watchdog can terminate its run and no other). Copies a batch into the buffer (rejecting
 * non-finite FLOAT32 input in the same pass), runs the session, applies softmax when the model emits
 * logits, and records one outcome per task: an image whose scores are not finite fails alone.
 */
public final class OnnxInstance implements InstanceRunner<InferenceInput, InferenceResult> {
  private static final int EXPONENT_MASK = 0x7f800000;

  private final OnnxEngine engine;
  private final ModelSignature signature;
  private final Instance instance;
  private final SessionPool.Lease lease;
  private final OrtSession.RunOptions runOptions;
  private final ByteBuffer buffer;
  private final int[] rows;
  private final String name;
  private final AtomicBoolean closed = new AtomicBoolean();

  OnnxInstance(OnnxEngine engine, Instance instance) throws OrtException {
    this.engine = engine;
    this.signature = engine.signature;
    this.instance = instance;
    long bytes = (long) instance.maxBatchSize() * signature.imageBytes();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "instance " + instance + " would need a " + bytes + "-byte input buffer");
    }
    // Native order: ONNX Runtime wraps direct buffers without copying only in native order.
    // Request bytes are little-endian; on big-endian hosts the FLOAT32 path would need swapping.
    this.buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    this.rows = new int[instance.maxBatchSize()];
    this.name = instance.deviceId() + "/" + instance.index();
    this.lease = engine.sessions.acquire(instance.deviceId());
    OrtSession.RunOptions options = null;
    try {
      options = new OrtSession.RunOptions();
    } finally {
      if (options == null) {
        lease.close();
      }
    }
    this.runOptions = options;
  }

  public Instance instance() {
    return instance;
  }

  @Override
  public void run(List<BatchTask<InferenceInput, InferenceResult>> batch) throws OrtException {
    long start = System.nanoTime();
    int n = batch.size();
    if (n > instance.maxBatchSize()) {
      throw new IllegalStateException(
          "batch of " + n + " exceeds instance " + instance + " bound " + instance.maxBatchSize());
    }
    buffer.clear();
    int accepted = 0;
    for (int i = 0; i < n; i++) {
      BatchTask<InferenceInput, InferenceResult> task = batch.get(i);
      int nonFinite = copy(task.input().data());
      if (nonFinite > 0) {
        buffer.position(accepted * (int) signature.imageBytes());
        task.fail(
            new NonFiniteInputException(
                "input tensor holds "
                    + nonFinite
                    + " non-finite values (NaN or infinity); model inputs must be finite"));
      } else {
        rows[accepted++] = i;
      }
    }
    if (accepted == 0) {
      return;
    }
    buffer.flip();
    float[][] scores = infer(buffer, accepted);
    engine.batchesRun.increment();
    engine.imagesRun.add(accepted);
    long computeNanos = System.nanoTime() - start;
    for (int r = 0; r < accepted; r++) {
      float[] row = scores[r];
      if (engine.applySoftmax) {
        Softmax.applyInPlace(row);
      }
      BatchTask<InferenceInput, InferenceResult> task = batch.get(rows[r]);
      if (!allFinite(row)) {
        task.fail(new IllegalStateException("model produced a non-finite score for this image"));
      } else {
        task.complete(
            new InferenceResult(row, task.queueWaitNanos(), computeNanos, accepted, name));
      }
    }
  }

  /**
   * Copies one image into the buffer; for FLOAT32 with the check on, in the same pass counts the
   * non-finite values (exponent bits all ones). Returns that count (0 = accepted).
   */
  private int copy(ByteString data) {
    if (signature.inputType() != ElementType.FLOAT32 || !engine.rejectNonFiniteInput) {
      data.copyTo(buffer);
      return 0;
    }
    ByteBuffer src = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    int from = src.position();
    int count = src.remaining() >>> 2;
    int base = buffer.position();
    int nonFinite = 0;
    for (int k = 0; k < count; k++) {
      int bits = src.getInt(from + (k << 2));
      nonFinite += (bits & EXPONENT_MASK) == EXPONENT_MASK ? 1 : 0;
      buffer.putInt(base + (k << 2), bits);
    }
    buffer.position(base + (count << 2));
    return nonFinite;
  }

  private static boolean allFinite(float[] row) {
    for (float v : row) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs {@code n} images whose bytes fill {@code input} (position 0, limit n * imageBytes) and
   * returns the model's raw per-image class scores (no softmax: warm-up inspects them as they are).
   */
  public float[][] infer(ByteBuffer input, int n) throws OrtException {
    long[] shape = signature.batchShape(n);
    try (OnnxTensor tensor = createTensor(input, shape);
        OrtSession.Result result =
            lease
                .session()
                .run(Map.of(signature.inputName(), tensor), engine.outputs, runOptions)) {
      OnnxValue value = result.get(0);
      if (!(value instanceof OnnxTensor out)) {
        throw new IllegalStateException("output " + signature.outputName() + " is not a tensor");
      }
      FloatBuffer floats = out.getFloatBuffer();
      int classes = signature.numClasses();
      if (floats == null || floats.remaining() != (long) n * classes) {
        throw new IllegalStateException(
            "output "
                + signature.outputName()
                + " has "
                + (floats == null ? "no float data" : floats.remaining() + " values")
                + ", expected "
                + n
                + " x "
                + classes);
      }
      float[][] scores = new float[n][classes];
      for (int i = 0; i < n; i++) {
        floats.get(scores[i]);
      }
      return scores;
    }
  }

  private OnnxTensor createTensor(ByteBuffer input, long[] shape) throws OrtException {
    if (signature.inputType() == ElementType.FLOAT32) {
      return OnnxTensor.createTensor(engine.env, input.asFloatBuffer(), shape);
    }
    return OnnxTensor.createTensor(engine.env, input, shape, OnnxJavaType.UINT8);
  }

  /** Asks ONNX Runtime to end this instance's run in progress (it then fails with an error). */
  @Override
  public void terminate() {
    try {
      runOptions.setTerminate(true);
    } catch (OrtException e) {
      throw new IllegalStateException("could not terminate the run on " + name, e);
    }
  }

  /** Releases the run options and the session lease; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      runOptions.close();
      lease.close();
    }
  }

  @Override
  public String toString() {
    return "OnnxInstance[" + name + "]";
  }
}
