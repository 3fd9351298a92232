package dev.classifier.server.grpc;

import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ElementType;
import dev.classifier.server.model.ModelSignature;
import dev.classifier.server.model.ServedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Validates request fields against a model and turns image tensors into {@link InferenceInput}s.
 * Every rejection is an {@link InvalidRequestException} whose message names the field, what was
 * sent and what the model expects. Tensor bytes are shared, never copied.
 */
public final class RequestReader {
  /** Predictions per image when the request does not say. */
  public static final int DEFAULT_TOP_K = 5;

  private RequestReader() {}

  /**
   * The tensor images of one request field, split per image, in order.
   *
   * @throws InvalidRequestException for an encoded image (use {@link #read(String, ImageInput,
   *     ServedModel, ImageDecoding, RequestInputs)}) or an empty source
   */
  public static List<InferenceInput> read(String field, ImageInput image, ServedModel model) {
    return switch (image.getSourceCase()) {
      case TENSOR -> readTensor(field + ".tensor", image.getTensor(), model.signature());
      case ENCODED ->
          throw new InvalidRequestException(field + ".encoded needs the server's decode stage");
      case SOURCE_NOT_SET ->
          throw new InvalidRequestException(field + " has neither a tensor nor encoded bytes");
    };
  }

  /**
   * Adds the images of one request field to {@code into}: tensors are validated now, encoded images
   * are handed to {@code decoding} (which may fail the returned futures later, or at once when its
   * queue is full). Never blocks.
   */
  static void read(
      String field,
      ImageInput image,
      ServedModel model,
      ImageDecoding decoding,
      RequestInputs into) {
    if (image.getSourceCase() == ImageInput.SourceCase.ENCODED) {
      into.addDecoding(decoding.decode(field + ".encoded", image.getEncoded(), model));
    } else {
      into.addTensors(read(field, image, model));
    }
  }

  static List<InferenceInput> readTensor(String field, Tensor t, ModelSignature s) {
    checkDtype(field, t.getDtype(), s.inputType());
    long[] shape = t.getShapeList().stream().mapToLong(Long::longValue).toArray();
    long[] image = s.imageShape();
    int count;
    if (Arrays.equals(shape, image)) {
      count = 1;
    } else if (shape.length == image.length + 1
        && shape[0] >= 1
        && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), image)) {
      if (shape[0] > Integer.MAX_VALUE) {
        throw new InvalidRequestException(field + ".shape has too many images: " + shape[0]);
      }
      count = (int) shape[0];
    } else {
      long[] withBatch = s.batchShape(1);
      throw new InvalidRequestException(
          field
              + ".shape "
              + Arrays.toString(shape)
              + " does not match the model input "
              + s.inputName()
              + " "
              + Arrays.toString(s.inputShape())
              + ": send "
              + Arrays.toString(image)
              + " for one image or "
              + Arrays.toString(withBatch).replaceFirst("1", "n")
              + " for n images");
    }
    long imageBytes = s.imageBytes();
    long expected = imageBytes * count;
    ByteString data = t.getData();
    if (data.size() != expected) {
      throw new InvalidRequestException(
          field
              + ".data has "
              + data.size()
              + " bytes, expected "
              + expected
              + " ("
              + count
              + " image(s) of "
              + s.imageElements()
              + " "
              + s.inputType()
              + " elements, "
              + s.inputType().bytes()
              + " byte(s) each)");
    }
    List<InferenceInput> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = (int) (i * imageBytes);
      out.add(new InferenceInput(count == 1 ? data : data.substring(from, from + (int) imageBytes)));
    }
    return out;
  }

  private static void checkDtype(String field, DataType sent, ElementType wanted) {
    switch (sent) {
      case DATA_TYPE_UNSPECIFIED ->
          throw new InvalidRequestException(
              field + ".dtype is not set; this model takes " + wanted);
      case FLOAT16 ->
          throw new InvalidRequestException(
              field + ".dtype FLOAT16 is reserved and not supported yet; this model takes " + wanted);
      case FLOAT32, UINT8 -> {
        if (!sent.name().equals(wanted.name())) {
          throw new InvalidRequestException(
              field + ".dtype is " + sent + " but this model takes " + wanted);
        }
      }
      default ->
          throw new InvalidRequestException(
              field + ".dtype has unknown value " + sent + "; this model takes " + wanted);
    }
  }

  /** The number of predictions to return: unset = 5; must be >= 1; capped at the class count. */
  public static int topK(boolean hasTopK, int topK, int numClasses) {
    if (!hasTopK) {
      return Math.min(DEFAULT_TOP_K, numClasses);
    }
    if (topK <= 0) {
      throw new InvalidRequestException("top_k must be >= 1 when set, got " + topK);
    }
    return Math.min(topK, numClasses);
  }

  /** Checks a priority against the model's levels. */
  public static int priority(int priority, int levels) {
    if (priority < 0 || priority >= levels) {
      throw new InvalidRequestException(
          "priority must be in 0.." + (levels - 1) + " for this model, got " + priority);
    }
    return priority;
  }
}
