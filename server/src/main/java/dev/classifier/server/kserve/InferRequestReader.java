package dev.classifier.server.kserve;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.classifier.proto.inference.InferTensorContents;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferRequest.InferInputTensor;
import dev.classifier.proto.inference.ModelInferRequest.InferRequestedOutputTensor;
import dev.classifier.server.core.ImageSource;
import dev.classifier.server.core.InferenceRequest;
import dev.classifier.server.core.InvalidRequestException;
import dev.classifier.server.model.ModelNotFoundException;
import dev.classifier.server.model.ModelRegistry;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Translates a {@code ModelInferRequest} into an {@link InferPlan} for the shared core, checking
 * what only this protocol has: exactly the model's one input by name, its datatype string (the
 * model's own, or UINT8 where the model widens pixels with its normalisation), shape {@code [n,
 * image dims...]} with the batch dimension first, either typed contents or one raw_input_contents
 * entry of exactly the right size (never both), the requested outputs and the {@code
 * priority}/{@code timeout} parameters. Everything else (the images against the model, the priority
 * level, queue limits) the core validates as for classifier.v1. Raw bytes are shared, never copied;
 * typed contents are packed once into little-endian bytes. Every rejection is an {@link
 * InvalidRequestException} naming the field (or a {@link ModelNotFoundException} for an unknown
 * model or version).
 */
final class InferRequestReader {
  private InferRequestReader() {}

  /** The served model a request (or metadata call) names; an empty version means the served one. */
  static ServedModel model(ModelRegistry registry, String name, String version) {
    ServedModel m = registry.resolve(name);
    if (!version.isEmpty() && !version.equals(m.version())) {
      throw new ModelNotFoundException(m.name(), version, m.version());
    }
    return m;
  }

  /**
   * @param callDeadlineNanos the call's deadline in the core's ticker time, or {@link
   *     InferenceRequest#NO_DEADLINE}
   * @param nowNanos the core's ticker now (the {@code timeout} parameter counts from here)
   */
  static InferPlan read(
      ModelInferRequest r, ModelRegistry registry, long callDeadlineNanos, long nowNanos) {
    ServedModel model = model(registry, r.getModelName(), r.getModelVersion());
    ModelSignature s = model.signature();
    if (r.getInputsCount() != 1) {
      throw new InvalidRequestException(
          "model "
              + model.name()
              + " takes exactly one input ("
              + s.inputName()
              + "), got "
              + r.getInputsCount());
    }
    InferInputTensor input = r.getInputs(0);
    if (!input.getName().equals(s.inputName())) {
      throw new InvalidRequestException(
          "unexpected input '"
              + input.getName()
              + "': model "
              + model.name()
              + " takes "
              + s.inputName());
    }
    ElementType dtype = datatype(input, model);
    String datatype = Datatypes.name(dtype);
    long imageBytes = s.imageElements() * dtype.bytes();
    int n = batch(input, s, imageBytes);
    boolean raw = r.getRawInputContentsCount() > 0;
    ByteString data;
    if (raw) {
      if (input.hasContents()) {
        throw new InvalidRequestException(
            "input " + s.inputName() + " has contents while raw_input_contents is set; use one");
      }
      if (r.getRawInputContentsCount() != r.getInputsCount()) {
        throw new InvalidRequestException(
            "raw_input_contents has "
                + r.getRawInputContentsCount()
                + " entries, expected one per input ("
                + r.getInputsCount()
                + ")");
      }
      data = r.getRawInputContents(0);
      long expected = n * imageBytes;
      if (data.size() != expected) {
        throw new InvalidRequestException(
            "raw_input_contents[0] has "
                + data.size()
                + " bytes, expected "
                + expected
                + " ("
                + n
                + " image(s) of "
                + s.imageElements()
                + " "
                + datatype
                + " elements)");
      }
    } else {
      data = pack(input.getContents(), s, dtype, n);
    }
    int priority = InferParameters.priority(r.getParametersMap(), model.policy().priorityLevels());
    long timeout = InferParameters.timeoutNanos(r.getParametersMap());
    long deadline = callDeadlineNanos;
    if (timeout > 0 && nowNanos <= Long.MAX_VALUE - timeout) {
      long byTimeout = nowNanos + timeout;
      if (deadline == InferenceRequest.NO_DEADLINE || byTimeout - deadline < 0) {
        deadline = byTimeout;
      }
    }
    long[] shape = new long[input.getShapeCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = input.getShape(i);
    }
    InferenceRequest request =
        new InferenceRequest(
            model.name(),
            "inputs[0]",
            false,
            List.of(new ImageSource.Tensor(dtype.name(), shape, data)),
            OptionalInt.empty(),
            true,
            priority,
            deadline,
            r.getId());
    return new InferPlan(request, outputs(r, model), raw);
  }

  /**
   * The element type the input is sent in: the model's own, or UINT8 where the model widens pixels
   * (its metadata's {@code accepted_input_datatypes} config parameter lists both).
   */
  private static ElementType datatype(InferInputTensor input, ServedModel model) {
    for (ElementType e : model.engine().acceptedInputTypes()) {
      if (Datatypes.name(e).equals(input.getDatatype())) {
        return e;
      }
    }
    ModelSignature s = model.signature();
    String expected =
        String.join(
            " or ", model.engine().acceptedInputTypes().stream().map(Datatypes::name).toList());
    throw new InvalidRequestException(
        "input "
            + s.inputName()
            + " datatype is '"
            + input.getDatatype()
            + "', expected "
            + expected
            + (input.getDatatype().equals("UINT8")
                ? " (UINT8 pixels are accepted only where the model's preprocessing spec states"
                    + " the FP32 normalisation for its input's size and layout)"
                : ""));
  }

  /** The batch size n of a shape [n, image dims...]. */
  private static int batch(InferInputTensor input, ModelSignature s, long imageBytes) {
    int rank = s.imageRank();
    boolean ok = input.getShapeCount() == rank + 1;
    for (int i = 0; ok && i < rank; i++) {
      ok = input.getShape(i + 1) == s.imageDim(i);
    }
    long n = ok ? input.getShape(0) : 0;
    if (n < 1 || n > Integer.MAX_VALUE / imageBytes) {
      throw new InvalidRequestException(
          "input "
              + s.inputName()
              + " shape "
              + input.getShapeList()
              + " does not match "
              + Arrays.toString(s.batchShape(1)).replaceFirst("1", "n")
              + " (batch dimension first, n >= 1"
              + (ok ? ", at most " + Integer.MAX_VALUE / imageBytes + " images" : "")
              + ")");
    }
    return (int) n;
  }

  /** Packs typed contents into little-endian bytes, checking the element count and range. */
  private static ByteString pack(
      InferTensorContents c, ModelSignature s, ElementType dtype, int n) {
    long elements = n * s.imageElements();
    if (dtype == ElementType.FLOAT32) {
      checkCount(c.getFp32ContentsCount(), elements, "fp32_contents", s);
      ByteBuffer b = ByteBuffer.allocate((int) elements * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < elements; i++) {
        b.putFloat(c.getFp32Contents(i));
      }
      return UnsafeByteOperations.unsafeWrap(b.array());
    }
    checkCount(c.getUintContentsCount(), elements, "uint_contents", s);
    byte[] b = new byte[(int) elements];
    for (int i = 0; i < elements; i++) {
      int v = c.getUintContents(i);
      if (v < 0 || v > 255) {
        throw new InvalidRequestException(
            "input "
                + s.inputName()
                + " contents.uint_contents["
                + i
                + "] is "
                + Integer.toUnsignedString(v)
                + ", outside UINT8 range 0..255");
      }
      b[i] = (byte) v;
    }
    return UnsafeByteOperations.unsafeWrap(b);
  }

  private static void checkCount(int sent, long expected, String field, ModelSignature s) {
    if (sent != expected) {
      throw new InvalidRequestException(
          "input "
              + s.inputName()
              + " contents."
              + field
              + " has "
              + sent
              + " elements, expected "
              + expected
              + " (or send raw_input_contents)");
    }
  }

  /** The outputs to return: every output when none is named; each named at most once. */
  private static List<OutputRequest> outputs(ModelInferRequest r, ServedModel model) {
    String name = model.signature().outputName();
    if (r.getOutputsCount() == 0) {
      return List.of(new OutputRequest(name, 0));
    }
    if (r.getOutputsCount() > 1) {
      throw new InvalidRequestException(
          "model "
              + model.name()
              + " has one output ("
              + name
              + "), "
              + r.getOutputsCount()
              + " were requested");
    }
    InferRequestedOutputTensor o = r.getOutputs(0);
    if (!o.getName().equals(name)) {
      throw new InvalidRequestException(
          "unknown output '" + o.getName() + "': model " + model.name() + " has " + name);
    }
    int classes =
        InferParameters.classification(o.getParametersMap(), name, model.signature().numClasses());
    return List.of(new OutputRequest(name, classes));
  }
}
