package dev.classifier.loadtest.transport;

import com.google.protobuf.ByteString;
import dev.classifier.proto.inference.InferParameter;
import dev.classifier.proto.inference.InferTensorContents;
import dev.classifier.proto.inference.ModelInferRequest;
import dev.classifier.proto.inference.ModelInferRequest.InferInputTensor;
import dev.classifier.proto.inference.ModelInferRequest.InferRequestedOutputTensor;
import dev.classifier.proto.v1.DataType;
import dev.classifier.proto.v1.ImageInput;
import dev.classifier.proto.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Open Inference Protocol requests built once from the prepared image tensors: {@code [n, image
 * dims...]} with the images' bytes as raw_input_contents, or as typed contents (fp32_contents,
 * uint_contents). The output is requested with the classification extension ({@code topK} strings
 * per image), the closest equivalent of classifier.v1's top-k ranking.
 */
public final class KServeRequests {
  /** raw_input_contents or typed contents. */
  public enum Contents {
    RAW,
    TYPED
  }

  private KServeRequests() {}

  /**
   * One request per input (cyclic windows of {@code imagesPerRequest} images).
   *
   * @param inputName the model's input name (ModelInfo.input.name)
   * @param outputName the model's output name (ModelInfo.output.name)
   */
  public static List<ModelInferRequest> build(
      String model,
      String inputName,
      String outputName,
      int topK,
      List<ImageInput> inputs,
      int imagesPerRequest,
      Contents contents) {
    if (inputs.isEmpty() || imagesPerRequest < 1) {
      throw new IllegalArgumentException("need inputs and imagesPerRequest >= 1");
    }
    List<ModelInferRequest> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      Tensor first = inputs.get(i).getTensor();
      ByteString data = ByteString.EMPTY;
      for (int j = 0; j < imagesPerRequest; j++) {
        Tensor t = inputs.get((i + j) % inputs.size()).getTensor();
        data = data.concat(t.getData());
      }
      InferInputTensor.Builder in =
          InferInputTensor.newBuilder()
              .setName(inputName)
              .setDatatype(first.getDtype() == DataType.UINT8 ? "UINT8" : "FP32")
              .addShape(imagesPerRequest)
              .addAllShape(first.getShapeList());
      ModelInferRequest.Builder b =
          ModelInferRequest.newBuilder()
              .setModelName(model)
              .addOutputs(
                  InferRequestedOutputTensor.newBuilder()
                      .setName(outputName)
                      .putParameters(
                          "classification",
                          InferParameter.newBuilder().setInt64Param(topK).build()));
      if (contents == Contents.RAW) {
        b.addInputs(in).addRawInputContents(data);
      } else {
        b.addInputs(in.setContents(typed(data, first.getDtype())));
      }
      out.add(b.build());
    }
    return out;
  }

  private static InferTensorContents typed(ByteString data, DataType dtype) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    if (dtype == DataType.UINT8) {
      for (int i = 0; i < data.size(); i++) {
        c.addUintContents(data.byteAt(i) & 0xFF);
      }
    } else {
      ByteBuffer b = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= 4) {
        c.addFp32Contents(b.getFloat());
      }
    }
    return c.build();
  }
}
