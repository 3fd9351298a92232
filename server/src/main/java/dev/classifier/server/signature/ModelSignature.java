package dev.classifier.server.signature;

import java.util.Arrays;
import java.util.Objects;

/**
 * The input and output of a classification model, as read from its ONNX graph.
 *
 * @param inputName the graph's image input
 * @param inputType element type of that input
 * @param inputShape the input's declared shape, batch dimension first; -1 marks a dynamic dimension
 * @param dynamicBatch whether the batch dimension is dynamic (otherwise it is fixed at 1)
 * @param imageShape the concrete shape of one image (input shape without its batch dimension)
 * @param layout NCHW, NHWC or OTHER
 * @param outputName the graph's class-score output
 * @param outputShape the output's declared shape
 * @param numClasses number of classes per image
 */
public record ModelSignature(
    String inputName,
    ElementType inputType,
    long[] inputShape,
    boolean dynamicBatch,
    long[] imageShape,
    TensorLayout layout,
    String outputName,
    long[] outputShape,
    int numClasses) {

  public ModelSignature {
    Objects.requireNonNull(inputName, "inputName");
    Objects.requireNonNull(inputType, "inputType");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(outputName, "outputName");
    inputShape = inputShape.clone();
    imageShape = imageShape.clone();
    outputShape = outputShape.clone();
    for (long d : imageShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "imageShape must be concrete, got " + Arrays.toString(imageShape));
      }
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
  }

  /** Number of elements in one image. */
  public long imageElements() {
    long n = 1;
    for (long d : imageShape) {
      n *= d;
    }
    return n;
  }

  /** Number of dimensions of one image (the input's rank without its batch dimension). */
  public int imageRank() {
    return imageShape.length;
  }

  /** Dimension {@code i} of one image, without copying the shape. */
  public long imageDim(int i) {
    return imageShape[i];
  }

  /** Bytes of one image tensor. */
  public long imageBytes() {
    return imageElements() * inputType.bytes();
  }

  /** The input shape for a batch of {@code n} images. */
  public long[] batchShape(int n) {
    long[] shape = new long[imageShape.length + 1];
    shape[0] = n;
    System.arraycopy(imageShape, 0, shape, 1, imageShape.length);
    return shape;
  }

  /** Largest batch the graph itself accepts. */
  public int graphMaxBatch() {
    return dynamicBatch ? Integer.MAX_VALUE : 1;
  }

  @Override
  public long[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public long[] imageShape() {
    return imageShape.clone();
  }

  @Override
  public long[] outputShape() {
    return outputShape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSignature s
        && inputName.equals(s.inputName)
        && inputType == s.inputType
        && Arrays.equals(inputShape, s.inputShape)
        && dynamicBatch == s.dynamicBatch
        && Arrays.equals(imageShape, s.imageShape)
        && layout == s.layout
        && outputName.equals(s.outputName)
        && Arrays.equals(outputShape, s.outputShape)
        && numClasses == s.numClasses;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputName, Arrays.hashCode(imageShape), outputName, numClasses);
  }

  @Override
  public String toString() {
    return inputName
        + ":"
        + inputType
        + Arrays.toString(inputShape)
        + " "
        + layout
        + " -> "
        + outputName
        + Arrays.toString(outputShape)
        + " ("
        + numClasses
        + " classes)";
  }
}
