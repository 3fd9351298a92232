package dev.classifier.client;

import com.google.protobuf.UnsafeByteOperations;
import dev.classifier.imaging.ImageTensor;
import dev.classifier.imaging.PixelType;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.Tensor;

/**
 * Wire tensors for the imaging module's preprocessed images. (Preprocessing specs convert in one
 * place for server and client: {@link dev.classifier.proto.convert.PreprocessingSpecs}.)
 */
public final class Specs {
  private Specs() {}

  /** A wire tensor for one preprocessed image, with a leading batch dimension of 1. */
  public static Tensor toTensor(ImageTensor image) {
    long[] shape = image.shape();
    Tensor.Builder b =
        Tensor.newBuilder()
            .setDtype(image.pixelType() == PixelType.UINT8 ? DataType.UINT8 : DataType.FLOAT32)
            .addShape(1);
    for (long d : shape) {
      b.addShape(d);
    }
    return b.setData(UnsafeByteOperations.unsafeWrap(image.data())).build();
  }
}
