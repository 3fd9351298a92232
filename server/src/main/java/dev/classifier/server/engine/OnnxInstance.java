package dev.classifier.server.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.classifier.batching.BatchTask;
import dev.classifier.batching.Instance;
import dev.classifier.batching.InstanceRunner;
import dev.classifier.server.signature.ModelSignature;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One model instance on one device, owned by exactly one batcher slot: its preallocated input and
 * output tensors ({@link BatchTensors}), its lease on the device's session and its own {@link
 * OrtSession.RunOptions} (so the watchdog can terminate its run and no other). Copies a batch into
 * the input buffer in one pass per image ({@link InputCopy}: rejecting non-finite FLOAT32 input,
 * widening UINT8 pixels with the model's normalisation), runs the session into the pinned output,
 * applies softmax when the model emits logits, and records one outcome per task: an image whose
 * scores are not finite fails alone. The only per-batch allocations left are each image's result
 * array and ONNX Runtime's own small run bookkeeping. A batch made only of dry-run inputs (the
 * server's serving-path warm-up, {@link InferenceInput#dryRun}) is copied but not run, and is not
 * counted in {@link OnnxEngine#batchesRun()} / {@link OnnxEngine#imagesRun()}.
 *
 * <p>On an adaptive CPU device the instance also leases its own narrow session and asks the
 * device's {@link WidthArbiter}, run by run, whether to run on the shared wide session (alone:
 * every thread) or on its narrow one (beside the other instance: its half of the threads).
 */
public final class OnnxInstance implements InstanceRunner<InferenceInput, InferenceResult> {
  private final OnnxEngine engine;
  private final ModelSignature signature;
  private final Instance instance;
  private final SessionPool.Lease lease;
  private final SessionPool.Lease narrowLease;
  private final WidthArbiter arbiter;
  private final AtomicBoolean terminated = new AtomicBoolean();
  private final BooleanSupplier isTerminated = terminated::get; // one object, not one per run
  private final OrtSession.RunOptions runOptions;
  private final BatchTensors tensors;
  private final InputCopy copier;
  private final Map<String, OnnxTensor> inputMap;
  private final Map<String, OnnxTensor> outputMap;
  private final int[] rows;
  private final String name;
  private final AtomicBoolean closed = new AtomicBoolean();

  OnnxInstance(OnnxEngine engine, Instance instance) throws OrtException {
    this.engine = engine;
    this.signature = engine.signature;
    this.instance = instance;
    this.tensors = new BatchTensors(engine.env, signature, instance.maxBatchSize());
    this.copier =
        new InputCopy(
            signature.inputType(),
            engine.rejectNonFiniteInput,
            engine.widening,
            tensors.inputBuffer());
    this.inputMap = new HashMap<>(2); // one entry each, replaced per run without allocating
    this.outputMap = new HashMap<>(2);
    this.rows = new int[instance.maxBatchSize()];
    this.name = instance.deviceId() + "/" + instance.index();
    this.arbiter = engine.arbiter(instance.deviceId());
    this.lease = engine.sessions.acquire(instance.deviceId());
    SessionPool.Lease narrow = null;
    OrtSession.RunOptions options = null;
    try {
      if (arbiter != null) {
        narrow =
            engine.sessions.acquire(SessionPool.narrowKey(instance.deviceId(), instance.index()));
      }
      options = new OrtSession.RunOptions();
    } finally {
      if (options == null) {
        if (narrow != null) {
          narrow.close();
        }
        lease.close();
      }
    }
    this.narrowLease = narrow;
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
    int accepted = 0;
    boolean allDry = true;
    int imageBytes = (int) signature.imageBytes();
    for (int i = 0; i < n; i++) {
      BatchTask<InferenceInput, InferenceResult> task = batch.get(i);
      InferenceInput input = task.input();
      int nonFinite =
          input.elements() == signature.imageElements()
              ? copier.copy(input, accepted * imageBytes)
              : -1;
      if (nonFinite < 0) {
        task.fail(
            new IllegalStateException(
                "a "
                    + input.dtype()
                    + " input of "
                    + input.sizeBytes()
                    + " bytes does not fit model input "
                    + signature));
      } else if (nonFinite > 0) {
        task.fail(
            new NonFiniteInputException(
                "input tensor holds "
                    + nonFinite
                    + " non-finite values (NaN or infinity); model inputs must be finite"));
      } else {
        rows[accepted++] = i;
        allDry &= input.dryRun();
      }
    }
    if (accepted == 0) {
      return;
    }
    FloatBuffer scores;
    if (allDry) {
      scores = tensors.outputBuffer(); // warm-up only: the last run's scores, not these images'
    } else {
      scores = run(accepted);
      engine.batchesRun.increment();
      engine.imagesRun.add(accepted);
    }
    long computeNanos = System.nanoTime() - start;
    int classes = signature.numClasses();
    for (int r = 0; r < accepted; r++) {
      float[] row = new float[classes]; // the image's result, handed to another thread
      scores.get(r * classes, row);
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

  private static boolean allFinite(float[] row) {
    for (float v : row) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the first {@code n} images of the input buffer into the pinned output and returns the
   * output buffer (image r's scores at {@code r * numClasses}; valid until the next run).
   */
  private FloatBuffer run(int n) throws OrtException {
    if (arbiter == null) {
      return runOn(lease.session(), n);
    }
    WidthArbiter.Width width = arbiter.acquire(isTerminated);
    if (width == null) {
      throw new IllegalStateException(
          "the run on " + name + " was terminated while it waited for the device's cores");
    }
    try {
      return runOn(width == WidthArbiter.Width.WIDE ? lease.session() : narrowLease.session(), n);
    } finally {
      arbiter.release(width);
    }
  }

  private FloatBuffer runOn(OrtSession session, int n) throws OrtException {
    inputMap.put(signature.inputName(), tensors.input(n));
    outputMap.put(signature.outputName(), tensors.output(n));
    // The result owns nothing (the output is pinned): closing it releases no tensor of ours.
    session.run(inputMap, Set.of(), outputMap, runOptions).close();
    return tensors.outputBuffer();
  }

  /**
   * Runs {@code n} images whose bytes fill {@code input} (position 0, limit n * imageBytes) and
   * returns the model's raw per-image class scores (no softmax: warm-up inspects them as they are).
   * Copies the bytes into this instance's input buffer first; allocates the returned arrays.
   */
  public float[][] infer(ByteBuffer input, int n) throws OrtException {
    if (n < 1 || n > instance.maxBatchSize() || input.remaining() != n * signature.imageBytes()) {
      throw new IllegalArgumentException(
          n + " images of " + input.remaining() + " bytes do not fit instance " + instance);
    }
    tensors.inputBuffer().put(0, input, input.position(), input.remaining());
    FloatBuffer out = run(n);
    int classes = signature.numClasses();
    float[][] scores = new float[n][classes];
    for (int i = 0; i < n; i++) {
      out.get(i * classes, scores[i]);
    }
    return scores;
  }

  /**
   * Runs {@code n} images of {@code input} (as {@link #infer}) on this instance's narrow session,
   * bypassing the arbiter (warm-up, before the instance serves), so that its first narrow run under
   * load pays for no allocation; does nothing when the device does not adapt its width.
   */
  public void warmNarrow(ByteBuffer input, int n) throws OrtException {
    if (narrowLease == null) {
      return;
    }
    if (n < 1 || n > instance.maxBatchSize() || input.remaining() != n * signature.imageBytes()) {
      throw new IllegalArgumentException(
          n + " images of " + input.remaining() + " bytes do not fit instance " + instance);
    }
    tensors.inputBuffer().put(0, input, input.position(), input.remaining());
    runOn(narrowLease.session(), n);
  }

  /** Whether this instance runs wide or narrow as its device's arbiter decides. */
  public boolean adaptsWidth() {
    return arbiter != null;
  }

  /** Input and output tensors created so far (two per batch size used; for tests). */
  int tensorsCreated() {
    return tensors.tensorsCreated();
  }

  /** Asks ONNX Runtime to end this instance's run in progress (it then fails with an error). */
  @Override
  public void terminate() {
    terminated.set(true);
    if (arbiter != null) {
      arbiter.wakeAll();
    }
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
      tensors.close();
      lease.close();
      if (narrowLease != null) {
        narrowLease.close();
      }
    }
  }

  @Override
  public String toString() {
    return "OnnxInstance[" + name + "]";
  }
}
