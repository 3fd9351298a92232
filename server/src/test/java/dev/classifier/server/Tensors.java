package dev.classifier.server;

import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Builds wire tensors for tests. */
public final class Tensors {
  private Tensors() {}

  public static byte[] floatBytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  public static float[] randomFloats(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  public static Tensor float32(float[] values, long... shape) {
    Tensor.Builder t = Tensor.newBuilder().setDtype(DataType.FLOAT32);
    for (long d : shape) {
      t.addShape(d);
    }
    return t.setData(ByteString.copyFrom(floatBytes(values))).build();
  }

  public static Tensor uint8(byte[] values, long... shape) {
    Tensor.Builder t = Tensor.newBuilder().setDtype(DataType.UINT8);
    for (long d : shape) {
      t.addShape(d);
    }
    return t.setData(ByteString.copyFrom(values)).build();
  }

  public static ImageInput image(Tensor t) {
    return ImageInput.newBuilder().setTensor(t).build();
  }

  /** A random Fashion-MNIST-shaped image [1,28,28]. */
  public static ImageInput randomMnist(Random r) {
    return image(float32(randomFloats(r, 784), 1, 28, 28));
  }
}
