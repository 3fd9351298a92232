package dev.classifier.server.warmup;

import com.google.protobuf.ByteString;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import dev.classifier.server.model.ServedModel;
import dev.classifier.server.signature.ModelSignature;

/** A synthetic input a model accepts: one all-zero tensor in its per-image shape and dtype. */
final class SyntheticInputs {
  private SyntheticInputs() {}

  static ImageInput zeroImage(ServedModel model) {
    ModelSignature s = model.signature();
    Tensor.Builder t =
        Tensor.newBuilder()
            .setDtype(DataType.valueOf(s.inputType().name()))
            .setData(ByteString.copyFrom(new byte[Math.toIntExact(s.imageBytes())]));
    for (long d : s.imageShape()) {
      t.addShape(d);
    }
    return ImageInput.newBuilder().setTensor(t).build();
  }
}
