package dev.classifier.server.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.classifier.batching.BatchRunner;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Instance;
import dev.classifier.server.model.ElementType;
import dev.classifier.server.model.ModelSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs batches of one model through ONNX Runtime: copies the batch into the instance's reused
 * direct buffer, runs the device's session, reads the class scores and applies softmax when the
 * model emits logits. Each task is completed individually, so a bad result never spoils the others.
 *
 * <p>Sessions are per device (one shared by that device's instances: ONNX Runtime sessions are safe
 * for concurrent {@code run} calls); input buffers are per instance, so instances never share memory.
 */
public final class OnnxEngine implements BatchRunner<InferenceInput, InferenceResult>, AutoCloseable {
  private final OrtEnvironment env;
  private final Map<String, OrtSession> sessionsByDevice;
  private final ModelSignature signature;
  private final boolean applySoftmax;
  private final Set<String> outputs;
  private final Map<Instance, InstanceState> instances = new ConcurrentHashMap<>();
  private final LongAdder imagesRun = new LongAdder();
  private final LongAdder batchesRun = new LongAdder();

  public OnnxEngine(
      OrtEnvironment env,
      Map<String, OrtSession> sessionsByDevice,
      ModelSignature signature,
      boolean applySoftmax) {
    this.env = Objects.requireNonNull(env, "env");
    this.sessionsByDevice = Map.copyOf(sessionsByDevice);
    this.signature = Objects.requireNonNull(signature, "signature");
    this.applySoftmax = applySoftmax;
    this.outputs = Set.of(signature.outputName());
  }

  /** What one instance reuses across batches: its input buffer and its name in results. */
  private record InstanceState(ByteBuffer buffer, String name) {}

  /** Whether {@link #run} turns the model's outputs into probabilities (they are logits). */
  public boolean appliesSoftmax() {
    return applySoftmax;
  }

  public ModelSignature signature() {
    return signature;
  }

  /** Images computed so far (all instances). */
  public long imagesRun() {
    return imagesRun.sum();
  }

  /** Batches computed so far (all instances). */
  public long batchesRun() {
    return batchesRun.sum();
  }

  @Override
  public void run(Instance instance, List<BatchTask<InferenceInput, InferenceResult>> batch)
      throws OrtException {
    long start = System.nanoTime();
    int n = batch.size();
    InstanceState state = instances.computeIfAbsent(instance, this::allocate);
    ByteBuffer buffer = state.buffer();
    if (n > instance.maxBatchSize() || (long) n * signature.imageBytes() > buffer.capacity()) {
      throw new IllegalStateException(
          "batch of " + n + " exceeds instance " + instance + " bound " + instance.maxBatchSize());
    }
    buffer.clear();
    for (BatchTask<InferenceInput, InferenceResult> task : batch) {
      task.input().data().copyTo(buffer);
    }
    buffer.flip();
    float[][] scores = infer(instance, buffer, n);
    if (applySoftmax) {
      for (float[] row : scores) {
        Softmax.applyInPlace(row);
      }
    }
    batchesRun.increment();
    imagesRun.add(n);
    long computeNanos = System.nanoTime() - start;
    for (int i = 0; i < n; i++) {
      BatchTask<InferenceInput, InferenceResult> task = batch.get(i);
      task.complete(new InferenceResult(scores[i], task.queueWaitNanos(), computeNanos, n, state.name()));
    }
  }

  /**
   * Runs {@code n} images whose bytes fill {@code input} (position 0, limit n * imageBytes) and
   * returns the model's raw per-image class scores (no softmax: warm-up inspects them as they are).
   */
  public float[][] infer(Instance instance, ByteBuffer input, int n) throws OrtException {
    OrtSession session = sessionFor(instance.deviceId());
    long[] shape = signature.batchShape(n);
    try (OnnxTensor tensor = createTensor(input, shape);
        OrtSession.Result result =
            session.run(Map.of(signature.inputName(), tensor), outputs)) {
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
      return OnnxTensor.createTensor(env, input.asFloatBuffer(), shape);
    }
    return OnnxTensor.createTensor(env, input, shape, OnnxJavaType.UINT8);
  }

  private OrtSession sessionFor(String deviceId) {
    OrtSession session = sessionsByDevice.get(deviceId);
    if (session == null) {
      throw new IllegalStateException("no session for device " + deviceId);
    }
    return session;
  }

  private InstanceState allocate(Instance instance) {
    long bytes = (long) instance.maxBatchSize() * signature.imageBytes();
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "instance " + instance + " would need a " + bytes + "-byte input buffer");
    }
    // Native order: ONNX Runtime wraps direct buffers without copying only in native order.
    // Request bytes are little-endian; on big-endian hosts the FLOAT32 path would need swapping.
    return new InstanceState(
        ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()),
        instance.deviceId() + "/" + instance.index());
  }

  @Override
  public void close() throws OrtException {
    for (OrtSession s : sessionsByDevice.values()) {
      s.close();
    }
  }
}
