package dev.classifier.server.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.classifier.batching.Instance;
import dev.classifier.batching.InstanceRunnerFactory;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * One model on ONNX Runtime: what its instances share (the per-device {@link SessionPool}, the
 * signature, whether scores need softmax, the input checks) and the factory of its per-slot {@link
 * OnnxInstance}s, each of which owns its own input buffer, session lease and run options.
 */
public final class OnnxEngine
    implements InstanceRunnerFactory<InferenceInput, InferenceResult>, AutoCloseable {
  final OrtEnvironment env;
  final SessionPool sessions;
  final ModelSignature signature;
  final boolean applySoftmax;
  final boolean rejectNonFiniteInput;
  final Set<String> outputs;
  final PixelWidening widening;
  final LongAdder imagesRun = new LongAdder();
  final LongAdder batchesRun = new LongAdder();
  private final Map<String, WidthArbiter> arbiters;

  public OnnxEngine(
      OrtEnvironment env,
      SessionPool sessions,
      ModelSignature signature,
      boolean applySoftmax,
      boolean rejectNonFiniteInput) {
    this(env, sessions, signature, applySoftmax, rejectNonFiniteInput, null, Set.of());
  }

  /**
   * @param widening how UINT8 pixels become this FLOAT32 model's input ({@link
   *     PixelWidening#forModel}), or null when the model takes only its own dtype
   * @param adaptiveDevices devices whose instances run wide or narrow as a {@link WidthArbiter} of
   *     the device decides; {@code sessions} holds each instance's narrow session under {@link
   *     SessionPool#narrowKey}
   */
  public OnnxEngine(
      OrtEnvironment env,
      SessionPool sessions,
      ModelSignature signature,
      boolean applySoftmax,
      boolean rejectNonFiniteInput,
      PixelWidening widening,
      Set<String> adaptiveDevices) {
    this.env = Objects.requireNonNull(env, "env");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.signature = Objects.requireNonNull(signature, "signature");
    this.applySoftmax = applySoftmax;
    this.rejectNonFiniteInput = rejectNonFiniteInput;
    this.outputs = Set.of(signature.outputName());
    this.widening = widening;
    Map<String, WidthArbiter> byDevice = new LinkedHashMap<>();
    for (String device : adaptiveDevices) {
      byDevice.put(device, new WidthArbiter());
    }
    this.arbiters = Map.copyOf(byDevice);
  }

  /** The arbiter of an adaptive {@code device}, or null when its instances share one session. */
  WidthArbiter arbiter(String device) {
    return arbiters.get(device);
  }

  /** The arbiters of the adaptive devices (device id to arbiter; empty when none adapts). */
  public Map<String, WidthArbiter> arbiters() {
    return arbiters;
  }

  /**
   * The element types an image tensor may have: the model's own, plus UINT8 where the engine widens
   * pixels with the model's normalisation. In the model's dtype first.
   */
  public List<ElementType> acceptedInputTypes() {
    return widening == null
        ? List.of(signature.inputType())
        : List.of(signature.inputType(), ElementType.UINT8);
  }

  /** Whether image tensors of element type {@code type} are accepted. */
  public boolean accepts(ElementType type) {
    return type == signature.inputType() || (type == ElementType.UINT8 && widening != null);
  }

  /** A new instance with its own buffer and a lease on its device's session. */
  @Override
  public OnnxInstance create(Instance instance) throws OrtException {
    return new OnnxInstance(this, instance);
  }

  /** Whether instances turn the model's outputs into probabilities (they are logits). */
  public boolean appliesSoftmax() {
    return applySoftmax;
  }

  /** Whether FLOAT32 inputs with NaN or infinity are rejected. */
  public boolean rejectsNonFiniteInput() {
    return rejectNonFiniteInput;
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

  /** Drops the model's hold on its sessions; each closes once its last instance has closed. */
  @Override
  public void close() {
    sessions.close();
  }
}
