package dev.classifier.server.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.classifier.imaging.PreprocessSpec;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;
import dev.classifier.server.signature.TensorLayout;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads a classification model's {@link ModelSignature} from its session, rejecting graphs the
 * server cannot serve with a message that says why.
 *
 * <p>Accepted: exactly one tensor input of FLOAT32 or UINT8 whose first dimension is the batch
 * (dynamic, or fixed at 1); one tensor output whose non-batch dimensions multiply to the class
 * count. Dynamic non-batch input dimensions are resolved from the preprocessing spec's size.
 */
public final class SignatureReader {
  private SignatureReader() {}

  public static ModelSignature read(OrtSession session, PreprocessSpec preprocessing)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          "model must have exactly one input, has " + inputs.size() + ": " + inputs.keySet());
    }
    NodeInfo in = inputs.values().iterator().next();
    if (!(in.getInfo() instanceof TensorInfo inInfo)) {
      throw new IllegalArgumentException("input " + in.getName() + " is not a tensor");
    }
    ElementType type = elementType(in.getName(), inInfo.type);
    long[] shape = inInfo.getShape();
    if (shape.length < 2) {
      throw new IllegalArgumentException(
          "input "
              + in.getName()
              + " must have a batch dimension and at least one more, has shape "
              + Arrays.toString(shape));
    }
    boolean dynamicBatch = shape[0] < 0;
    if (!dynamicBatch && shape[0] != 1) {
      throw new IllegalArgumentException(
          "input "
              + in.getName()
              + " has a fixed batch dimension of "
              + shape[0]
              + "; only dynamic or 1 is supported");
    }
    TensorLayout layout = layoutOf(shape, preprocessing);
    long[] image = Arrays.copyOfRange(shape, 1, shape.length);
    resolveDynamicDims(in.getName(), image, layout, preprocessing);

    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("model has no outputs");
    }
    NodeInfo out = outputs.values().iterator().next();
    if (!(out.getInfo() instanceof TensorInfo outInfo)) {
      throw new IllegalArgumentException("output " + out.getName() + " is not a tensor");
    }
    if (outInfo.type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException(
          "output " + out.getName() + " must be float32, is " + outInfo.type);
    }
    long[] outShape = outInfo.getShape();
    long classes = 1;
    for (int i = 1; i < outShape.length; i++) {
      if (outShape[i] <= 0) {
        throw new IllegalArgumentException(
            "output "
                + out.getName()
                + " must have a fixed class dimension, has shape "
                + Arrays.toString(outShape));
      }
      classes *= outShape[i];
    }
    if (outShape.length < 2 || classes < 1 || classes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "output " + out.getName() + " must be [batch, classes], is " + Arrays.toString(outShape));
    }
    return new ModelSignature(
        in.getName(),
        type,
        shape,
        dynamicBatch,
        image,
        layout,
        out.getName(),
        outShape,
        (int) classes);
  }

  private static ElementType elementType(String name, OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> ElementType.FLOAT32;
      case UINT8 -> ElementType.UINT8;
      default ->
          throw new IllegalArgumentException(
              "input " + name + " has element type " + type + "; FLOAT32 and UINT8 are supported");
    };
  }

  private static TensorLayout layoutOf(long[] shape, PreprocessSpec preprocessing) {
    if (shape.length != 4) {
      return TensorLayout.OTHER;
    }
    if (preprocessing != null) {
      return TensorLayout.valueOf(preprocessing.layout().name());
    }
    boolean chw = shape[1] == 1 || shape[1] == 3;
    boolean hwc = shape[3] == 1 || shape[3] == 3;
    if (chw && !hwc) {
      return TensorLayout.NCHW;
    }
    if (hwc && !chw) {
      return TensorLayout.NHWC;
    }
    return chw ? TensorLayout.NCHW : TensorLayout.OTHER;
  }

  private static void resolveDynamicDims(
      String name, long[] image, TensorLayout layout, PreprocessSpec preprocessing) {
    boolean dynamic = Arrays.stream(image).anyMatch(d -> d <= 0);
    if (!dynamic) {
      return;
    }
    if (preprocessing == null || layout == TensorLayout.OTHER) {
      throw new IllegalArgumentException(
          "input "
              + name
              + " has dynamic non-batch dimensions "
              + Arrays.toString(image)
              + "; state the image size in the model manifest's preprocessing");
    }
    long[] concrete =
        layout == TensorLayout.NCHW
            ? new long[] {preprocessing.channels(), preprocessing.height(), preprocessing.width()}
            : new long[] {preprocessing.height(), preprocessing.width(), preprocessing.channels()};
    for (int i = 0; i < image.length; i++) {
      if (image[i] <= 0) {
        image[i] = concrete[i];
      } else if (image[i] != concrete[i]) {
        throw new IllegalArgumentException(
            "input "
                + name
                + " dimension "
                + (i + 1)
                + " is "
                + image[i]
                + " but the preprocessing spec implies "
                + concrete[i]);
      }
    }
  }
}
