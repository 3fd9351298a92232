package dev.classifier.deploy;

import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.ClassifyRequest;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;

/** Requests for the embedded Fashion-MNIST model. */
final class Requests {
  private Requests() {}

  /** One all-zero 1x28x28 float image. */
  static ClassifyRequest mnist() {
    Tensor t =
        Tensor.newBuilder()
            .setDtype(DataType.FLOAT32)
            .addShape(1)
            .addShape(28)
            .addShape(28)
            .setData(ByteString.copyFrom(new byte[28 * 28 * 4]))
            .build();
    return ClassifyRequest.newBuilder().addImages(ImageInput.newBuilder().setTensor(t)).build();
  }
}
