package dev.classifier.server.core;

import com.google.protobuf.ByteString;
import dev.classifier.server.engine.InferenceInput;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import dev.classifier.server.text.ClientText;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Validates request fields against a model and turns image tensors into {@link InferenceInput}s.
 * Every rejection is an {@link InvalidRequestException} whose message names the field, what was
 * sent and what the model expects. Tensor bytes are shared, never copied: each input is a read-only
 * {@link ByteBuffer} view of the message's bytes (protobuf types stop here). A tensor may be in the
 * model's dtype or, where the engine widens pixels ({@code OnnxEngine#acceptedInputTypes}), UINT8;
 * its byte length is checked against the dtype it was sent in.
 */
public final class RequestReader {
  /** Predictions per image when the request does not say. */
  public static final int DEFAULT_TOP_K = 5;

  private RequestReader() {}

  /**
   * Adds the images of one request field to {@code into}: tensors are validated now (their bytes
   * shared, not copied), encoded images are handed to {@code decoding} (which may fail the returned
   * futures later, or at once when its queue is full). Never blocks.
   *
   * <p>The field is {@code name[index]}, or just {@code name} when {@code index < 0}; its text is
   * built only for an error message or a decode, so a valid tensor costs no string building.
   */
  static void read(
      String name,
      int index,
      ImageSource image,
      ServedModel model,
      ImageDecoding decoding,
      RequestInputs into) {
    if (image instanceof ImageSource.Tensor t) {
      readTensor(name, index, t, model.signature(), model.engine().acceptedInputTypes(), into);
    } else if (image instanceof ImageSource.Encoded e) {
      into.addDecoding(
          decoding.decode(field(name, index) + ".encoded", e.bytes(), model),
          ImageDecoding.heldBytes(model));
    } else {
      throw new InvalidRequestException(
          field(name, index) + " has neither a tensor nor encoded bytes");
    }
  }

  private static String field(String name, int index) {
    return index < 0 ? name : name + "[" + index + "]";
  }

  static void readTensor(
      String name,
      int index,
      ImageSource.Tensor t,
      ModelSignature s,
      List<ElementType> accepted,
      RequestInputs into) {
    ElementType dtype = checkDtype(name, index, t.dtype(), accepted);
    int count = imageCount(t, s);
    if (count < 0) {
      throw wrongShape(field(name, index) + ".tensor", t, s);
    }
    long imageBytes = s.imageElements() * dtype.bytes();
    long expected = imageBytes * count;
    ByteString data = t.data();
    if (data.size() != expected) {
      throw new InvalidRequestException(
          field(name, index)
              + ".tensor.data has "
              + data.size()
              + " bytes, expected "
              + expected
              + " ("
              + count
              + " image(s) of "
              + s.imageElements()
              + " "
              + dtype
              + " elements, "
              + dtype.bytes()
              + " byte(s) each)");
    }
    // the protocol boundary: a read-only view of the message's bytes, never a copy
    ByteBuffer all = data.asReadOnlyByteBuffer();
    if (count == 1) {
      into.addTensor(new InferenceInput(all, dtype));
      return;
    }
    int from = all.position();
    for (int i = 0; i < count; i++) {
      int at = from + (int) (i * imageBytes);
      into.addTensor(new InferenceInput(all.slice(at, (int) imageBytes), dtype));
    }
  }

  /**
   * How many images a tensor of this shape holds: 1 for the image shape, n for [n, image shape] (1
   * <= n <= Integer.MAX_VALUE), -1 for any other shape. Reads the shape in place.
   */
  private static int imageCount(ImageSource.Tensor t, ModelSignature s) {
    int rank = s.imageRank();
    int sent = t.shape().length;
    if (sent == rank) {
      return sameImageShape(t, 0, s) ? 1 : -1;
    }
    if (sent == rank + 1 && sameImageShape(t, 1, s)) {
      long n = t.shape()[0];
      return n >= 1 && n <= Integer.MAX_VALUE ? (int) n : -1;
    }
    return -1;
  }

  private static boolean sameImageShape(ImageSource.Tensor t, int from, ModelSignature s) {
    for (int i = 0; i < s.imageRank(); i++) {
      if (t.shape()[from + i] != s.imageDim(i)) {
        return false;
      }
    }
    return true;
  }

  private static InvalidRequestException wrongShape(
      String field, ImageSource.Tensor t, ModelSignature s) {
    long[] shape = t.shape();
    long[] image = s.imageShape();
    if (shape.length == image.length + 1
        && shape[0] > Integer.MAX_VALUE
        && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), image)) {
      return new InvalidRequestException(field + ".shape has too many images: " + shape[0]);
    }
    return new InvalidRequestException(
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
            + Arrays.toString(s.batchShape(1)).replaceFirst("1", "n")
            + " for n images");
  }

  private static ElementType checkDtype(
      String name, int index, String sent, List<ElementType> accepted) {
    for (ElementType e : accepted) {
      if (e.name().equals(sent)) {
        return e;
      }
    }
    String field = field(name, index) + ".tensor";
    String wanted =
        accepted.size() == 1
            ? accepted.get(0).toString()
            : accepted.stream().map(Enum::name).collect(Collectors.joining(" or "));
    switch (sent == null ? "DATA_TYPE_UNSPECIFIED" : sent) {
      case "DATA_TYPE_UNSPECIFIED", "" ->
          throw new InvalidRequestException(
              field + ".dtype is not set; this model takes " + wanted);
      case "FLOAT16" ->
          throw new InvalidRequestException(
              field
                  + ".dtype FLOAT16 is reserved and not supported yet; this model takes "
                  + wanted);
      case "UINT8" ->
          throw new InvalidRequestException(
              field
                  + ".dtype is UINT8 but this model takes "
                  + wanted
                  + " (uint8 pixels are accepted only where the model's preprocessing spec states"
                  + " the FLOAT32 normalisation for its input's size and layout)");
      case "FLOAT32" ->
          throw new InvalidRequestException(
              field + ".dtype is " + sent + " but this model takes " + wanted);
      default ->
          throw new InvalidRequestException(
              field
                  + ".dtype has unknown value "
                  + ClientText.quote(sent)
                  + "; this model takes "
                  + wanted);
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
