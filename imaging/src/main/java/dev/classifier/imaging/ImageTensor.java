package dev.classifier.imaging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One preprocessed image without the batch dimension: shape {@code [C, H, W]} (NCHW) or {@code [H,
 * W, C]} (NHWC); {@code data} is little-endian float32 or uint8 and its length matches the shape.
 * The arrays are not copied (tensors are large and hot); treat them as read-only.
 */
public record ImageTensor(PixelType pixelType, long[] shape, byte[] data) {

  public ImageTensor {
    Objects.requireNonNull(pixelType, "pixelType must not be null");
    Objects.requireNonNull(shape, "shape must not be null");
    Objects.requireNonNull(data, "data must not be null");
    long n = 1;
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "shape dimensions must be > 0, got " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    if (n * pixelType.bytesPerElement() != data.length) {
      throw new IllegalArgumentException(
          "data has "
              + data.length
              + " bytes but shape "
              + Arrays.toString(shape)
              + " of "
              + pixelType
              + " needs "
              + n * pixelType.bytesPerElement());
    }
  }

  /** Number of elements. */
  public int elementCount() {
    return data.length / pixelType.bytesPerElement();
  }

  /** The data as floats (FLOAT32 only); a new array. */
  public float[] toFloatArray() {
    if (pixelType != PixelType.FLOAT32) {
      throw new IllegalStateException("tensor is " + pixelType + ", not FLOAT32");
    }
    float[] out = new float[elementCount()];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageTensor t
        && pixelType == t.pixelType
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * pixelType.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "ImageTensor["
        + pixelType
        + " "
        + Arrays.toString(shape)
        + ", "
        + data.length
        + " bytes]";
  }
}
