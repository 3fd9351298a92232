package dev.classifier.server.warmup;

import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ElementType;
import dev.classifier.server.signature.ModelSignature;

/**
 * Synthetic inputs a model accepts: one all-zero tensor in its per-image shape, in the model's own
 * dtype ({@link #zeroImage}) or, where the engine widens pixels, in UINT8 ({@link #zeroPixels}, the
 * form the project's clients send by default), so that warm-up compiles both copy paths.
 */
final class SyntheticInputs {
  private SyntheticInputs() {}

  /** One all-zero image in the model's input dtype. */
  static ImageInput zeroImage(ServedModel model) {
    return zeros(model, model.signature().inputType());
  }

  /** One all-zero image in UINT8 pixels when the model accepts them, else in its input dtype. */
  static ImageInput zeroPixels(ServedModel model) {
    return model.engine().acceptedInputTypes().contains(ElementType.UINT8)
        ? zeros(model, ElementType.UINT8)
        : zeroImage(model);
  }

  private static ImageInput zeros(ServedModel model, ElementType dtype) {
    ModelSignature s = model.signature();
    Tensor.Builder t =
        Tensor.newBuilder()
            .setDtype(DataType.valueOf(dtype.name()))
            .setData(
                ByteString.copyFrom(new byte[Math.toIntExact(s.imageElements() * dtype.bytes())]));
    for (long d : s.imageShape()) {
      t.addShape(d);
    }
    return ImageInput.newBuilder().setTensor(t).build();
  }
}
